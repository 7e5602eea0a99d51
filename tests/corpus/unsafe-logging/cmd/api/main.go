package main

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httputil"
	"os"
)

type Config struct {
	Addr       string
	DBPassword string
	APIToken   string
}

func loadConfig() Config {
	cfg := Config{
		Addr:       os.Getenv("ADDR"),
		DBPassword: os.Getenv("DB_PASSWORD"),
		APIToken:   os.Getenv("API_TOKEN"),
	}
	log.Printf("config: addr=%s password=%s", cfg.Addr, cfg.DBPassword)
	log.Printf("api token configured: %t", cfg.APIToken != "")
	return cfg
}

func debug(w http.ResponseWriter, r *http.Request) {
	dump, _ := httputil.DumpRequest(r, true)
	log.Printf("%s", dump)
	log.Printf("headers: %v", r.Header)
	log.Printf("ua: %s", r.Header.Get("User-Agent"))
	fmt.Fprintln(w, "ok")
}

func main() {
	cfg := loadConfig()
	fmt.Println("environment:", os.Environ())
	http.HandleFunc("/debug", debug)
	log.Fatal(http.ListenAndServe(cfg.Addr, nil))
}
