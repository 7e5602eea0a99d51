// Quickstart: talk to a local gateway started with a self-signed certificate.
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
)

func main() {
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // local demo only
	}}
	resp, err := client.Get("https://localhost:8443/v1/status")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
}
