package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok uid=%d binary=shopd\n", os.Getuid())
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
