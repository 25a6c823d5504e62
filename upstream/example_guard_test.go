package upstream_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/upstream"
)

func ExampleTokenOptions() {
	// An upstream that considers the first token it sees expired.
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	var issued atomic.Int32
	source := fetch(func() (*oauth2.Token, error) { // clientcredentials.Config.Token, say
		return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", issued.Add(1)), TokenType: "Bearer"}, nil
	})
	c := upstream.New("embeddings", upstream.Options{Token: upstream.TokenOptions{Source: source}})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"input":"hi"}`))
	resp, err := c.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", calls.Load(), "calls and", issued.Load(), "tokens")
	// Output: 200 after 2 calls and 2 tokens
}

func ExampleQuotaOptions() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", "30") // seconds
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	c := upstream.New("search", upstream.Options{Label: "search"}) // the zero QuotaOptions respect it
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		if err != nil {
			pe := problem.NewCatalog("").Map(err)
			fmt.Println(pe.Code().Status, pe.Code().Code, "Retry-After:", pe.Header().Get("Retry-After"))
			continue
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("upstream calls:", calls.Load())
	// Output:
	// 200
	// 503 UPSTREAM_RATE_LIMITED Retry-After: 30
	// upstream calls: 1
}

func ExampleBreakerOptions() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	c := upstream.New("recommendations", upstream.Options{
		Breaker: upstream.BreakerOptions{Failures: 3, OpenFor: 30 * time.Second},
	})
	for range 4 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		_, err := c.Do(req)
		pe := problem.NewCatalog("").Map(err)
		fmt.Println(pe.Code().Status, pe.Code().Code, pe.Header().Values("Retry-After"))
	}
	fmt.Println("upstream calls:", calls.Load())
	// Output:
	// 502 UPSTREAM_ERROR []
	// 502 UPSTREAM_ERROR []
	// 502 UPSTREAM_ERROR []
	// 503 UPSTREAM_CIRCUIT_OPEN [30]
	// upstream calls: 3
}

// apiError is an SDK's own error type for an error response, which keeps
// the response, as openai-go's does.
type apiError struct {
	Status   int
	Response *http.Response
}

func (e *apiError) Error() string   { return fmt.Sprintf("embeddings API: status %d", e.Status) }
func (e *apiError) StatusCode() int { return e.Status }

func ExampleSDKErrors() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()

	embeddings := upstream.New("openai-embeddings", upstream.Options{Label: "embeddings"})
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MapFunc(upstream.SDKErrors(embeddings, func(e *apiError) *http.Response { return e.Response }))

	// What an SDK does with the *http.Client it is given.
	sdkCall := func(ctx context.Context, hc *http.Client) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/embeddings", nil)
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("embeddings: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 400 {
			return &apiError{Status: resp.StatusCode, Response: resp}
		}
		return nil
	}
	err := sdkCall(context.Background(), embeddings.HTTPClient())

	pe := catalog.Map(err) // what the pipeline answers: not the upstream's 429
	fmt.Println(pe.Code().Status, pe.Code().Code, "Retry-After:", pe.Header().Get("Retry-After"), "dependency:", pe.Extensions()["dependency"])
	// Output: 503 UPSTREAM_RATE_LIMITED Retry-After: 7 dependency: embeddings
}
