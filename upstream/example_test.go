package upstream_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/problemkit/problemkit/upstream"
)

func ExampleClient_Do() {
	// An upstream that is rate limiting us.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "12")
		w.Header().Set("X-Request-Id", "up-7f3a")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}}`)
	}))
	defer srv.Close()

	embeddings := upstream.New("embeddings-v2", upstream.Options{
		Label: "embeddings",
		Retry: upstream.RetryOptions{MaxAttempts: 1},
	})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/embeddings", nil)
	_, err := embeddings.Do(req)

	var ue *upstream.Error
	if errors.As(err, &ue) {
		fmt.Println("kind:", ue.Kind)
		fmt.Println("upstream status:", ue.Status, "request id:", ue.Response.RequestID)
		fmt.Println("upstream says:", ue.Response.Problem.Detail)

		pe := ue.ProblemError() // what the middleware answers with
		fmt.Println("we answer:", pe.Code().Status, pe.Code().Code)
		fmt.Println("Retry-After:", pe.Header().Get("Retry-After"))
		fmt.Println("dependency:", pe.Extensions()["dependency"])
	}
	// Output:
	// kind: rate limited
	// upstream status: 429 request id: up-7f3a
	// upstream says: Rate limit reached
	// we answer: 503 UPSTREAM_RATE_LIMITED
	// Retry-After: 12
	// dependency: embeddings
}

func ExampleNew_retries() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0") // retry at once: examples wait for nothing
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	c := upstream.New("search", upstream.Options{
		Timeout: 2 * time.Second, // per attempt
		Retry: upstream.RetryOptions{
			MaxAttempts: 3,
			WaitMin:     10 * time.Millisecond,
			WaitMax:     50 * time.Millisecond,
			MaxElapsed:  5 * time.Second,
		},
	})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body), "after", calls.Load(), "calls")
	// Output: 200 ok after 3 calls
}
