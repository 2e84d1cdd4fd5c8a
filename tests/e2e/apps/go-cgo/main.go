// Command gocgo answers GET /healthz with a sum computed in C, through cgo.
package main

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "ok uid=%d cgo=%d\n", os.Getuid(), int(C.add(2, 3)))
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
