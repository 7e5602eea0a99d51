package upstream

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/cors"
	"golang.org/x/crypto/ssh"
)

type Config struct {
	Insecure bool
	DBHost   string
	DBUser   string
}

// NewClient builds the HTTP client used to reach legacy upstreams.
func NewClient(cfg Config) *http.Client {
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, // legacy upstream has an expired cert
			MinVersion:         tls.VersionTLS12,
		},
		IdleConnTimeout: 90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

// NewConfigurableClient lets operators opt in with --insecure for debugging.
func NewConfigurableClient(cfg Config) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: cfg.Insecure}}
	return &http.Client{Transport: tr}
}

func Deploy(host string, signer ssh.Signer) (*ssh.Client, error) {
	conf := &ssh.ClientConfig{
		User:            "deploy",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	}
	return ssh.Dial("tcp", host+":22", conf)
}

func CORS(h http.Handler) http.Handler {
	c := cors.New(cors.Options{
		AllowedOrigins:   []string{"*"},
		AllowedMethods:   []string{"GET", "POST", "PUT"},
		AllowCredentials: true,
	})
	return c.Handler(h)
}

func SetSession(w http.ResponseWriter, sid string) {
	http.SetCookie(w, &http.Cookie{Name: "gw_session", Value: sid, Path: "/", HttpOnly: true, Secure: false})
}

func SigningKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 1024)
}

func OpenDB(cfg Config) (*sql.DB, error) {
	dsn := fmt.Sprintf("host=%s port=5432 user=%s dbname=gateway sslmode=disable", cfg.DBHost, cfg.DBUser)
	return sql.Open("postgres", dsn)
}
