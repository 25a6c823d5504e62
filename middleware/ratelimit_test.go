package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/go-chi/httprate"
	"github.com/problemkit/problemkit/middleware"
)

func TestRateLimitedWithHTTPRate(t *testing.T) {
	// The window starts at a fixed boundary; use the real clock, as
	// httprate does.
	pl, logs := newPipeline(middleware.Options{Now: time.Now})
	r := newRouter(pl)
	r.With(httprate.LimitBy(2, time.Minute, func(r *http.Request) (string, error) { return r.RemoteAddr, nil },
		httprate.WithLimitHandler(pl.RateLimited),
		httprate.WithResponseHeaders(httprate.ResponseHeaders{
			Limit: "RateLimit-Limit", Remaining: "RateLimit-Remaining",
			Reset: "RateLimit-Reset", RetryAfter: "Retry-After",
		}),
	)).Get("/limited", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })

	codes := make([]int, 0, 3)
	var last *httptest.ResponseRecorder
	for range 3 {
		last = httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/limited", nil)
		req.RemoteAddr = "203.0.113.9:4711"
		r.ServeHTTP(last, req)
		codes = append(codes, last.Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("statuses %v, want 200 200 429", codes)
	}
	_, p := serveRecorded(t, last)
	retry, err := strconv.Atoi(last.Header().Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After = %q, want 1..60 seconds", last.Header().Get("Retry-After"))
	}
	if reset := last.Header().Get("RateLimit-Reset"); reset != strconv.Itoa(retry) {
		t.Errorf("RateLimit-Reset = %q, want the seconds left (%d), not a Unix time", reset, retry)
	}
	if last.Header().Get("RateLimit-Limit") != "2" || last.Header().Get("RateLimit-Remaining") != "0" {
		t.Errorf("limiter headers lost: %v", last.Header())
	}
	if p["code"] != "RATE_LIMITED" || p["status"] != float64(429) || p["retryAfter"] != float64(retry) {
		t.Errorf("body = %v", p)
	}
	if n := len(logs.records(t)); n != 1 {
		t.Errorf("%d log records, want 1 for the refused request", n)
	}
}
