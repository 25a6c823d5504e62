package idempotency_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problemhttp"
)

// The middleware below the pipeline: a retry with the same key gets the
// stored response, another body under the same key a 422.
func ExampleNew() {
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
	idem := idempotency.New(idempotency.Options{}) // a MemoryStore; see problemredis for several instances
	charges := 0
	mux := http.NewServeMux()
	mux.Handle("POST /charges", idem(problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		charges++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"charge":%d}`, charges)
		return nil
	})))
	h := pl.Handler(mux)

	send := func(key, body string) {
		r := httptest.NewRequest("POST", "/charges", strings.NewReader(body))
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 400 {
			fmt.Println(w.Code, w.Header().Get("Content-Type"))
			return
		}
		fmt.Println(w.Code, w.Header().Get("Idempotent-Replayed"), w.Body)
	}
	send(`"order-17"`, `{"amount":100}`)
	send(`"order-17"`, `{"amount":100}`) // a retry: the same answer, not a second charge
	send(`"order-17"`, `{"amount":200}`) // another request under the same key
	send("", `{"amount":100}`)
	fmt.Println("charges:", charges)
	// Output:
	// 201  {"charge":1}
	// 201 true {"charge":1}
	// 422 application/problem+json
	// 400 application/problem+json
	// charges: 1
}
