```go
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func join(sep string, parts ...string) string {
	return strings.Join(parts, sep)
}

func health(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "ok")
}

func orders(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		// ...
	case http.MethodPost:
		w.WriteHeader(http.StatusCreated)
	}
}

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	http.HandleFunc("/healthz", health)
	http.HandleFunc("/orders", orders)
	log.Printf("listening on %s", join("", addr))
	log.Fatal(http.ListenAndServe(addr, nil))
}
```
