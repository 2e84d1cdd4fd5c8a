// Command gostatic answers GET /healthz with "ok uid=N" and a request id.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/google/uuid"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "ok uid=%d id=%s\n", os.Getuid(), uuid.NewString())
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
