// Command barechi is the load test's baseline: a bare chi server with the
// example server's /healthz and a hand-written 404 for /users/{id}, so wrk
// can measure what problemkit adds. scripts/bench runs it.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	flag.Parse()
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	r.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]any{
			"type": "http://localhost:8080/problems/user-not-found", "title": "User not found", "status": 404,
			"detail": "No user has the ID " + chi.URLParam(r, "id") + ".", "instance": r.URL.Path, "code": "USER_NOT_FOUND",
			"timestamp": time.Now().UTC().Format(time.RFC3339), "userId": chi.URLParam(r, "id"),
		})
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
	})
	// The example server's http.Server settings (newHTTPServer): each
	// request then pays for the same deadlines, so that the comparison
	// measures the middleware, not the server's configuration.
	srv := &http.Server{
		Addr: *addr, Handler: r,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second,
		MaxHeaderBytes: 16 << 10,
	}
	log.Fatal(srv.ListenAndServe())
}
