package test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/go-chi/httprate"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
)

// TestRateLimitFields: every response of a limited route carries the
// RateLimit and RateLimit-Policy fields of the IETF draft, in seconds,
// the 429 included, with a Retry-After that agrees with them; httprate's
// own X-RateLimit-* headers, whose reset is a Unix time, are gone.
func TestRateLimitFields(t *testing.T) {
	// The window starts at a fixed boundary; use the real clock, as
	// httprate does.
	pl, logs := pipetest.NewPipeline(problemhttp.Options{Now: time.Now})
	rl := pl.RateLimit(time.Minute)
	r := pipetest.NewRouter(pl)
	r.With(
		httprate.LimitBy(2, time.Minute, func(r *http.Request) (string, error) { return r.RemoteAddr, nil }, httprate.WithLimitHandler(rl.Limited)),
		rl.Fields,
	).Get("/limited", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })

	field := regexp.MustCompile(`^"default";r=(\d+);t=(\d+)$`)
	tests := []struct {
		status    int
		remaining string
	}{{200, "1"}, {200, "0"}, {429, "0"}}
	for i, tt := range tests {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/limited", nil)
		req.RemoteAddr = "203.0.113.9:4711"
		r.ServeHTTP(rec, req)
		h := rec.Header()
		if rec.Code != tt.status {
			t.Fatalf("request %d: status %d, want %d", i, rec.Code, tt.status)
		}
		if got := h.Get("RateLimit-Policy"); got != `"default";q=2;w=60` {
			t.Errorf("request %d: RateLimit-Policy = %q", i, got)
		}
		m := field.FindStringSubmatch(h.Get("RateLimit"))
		if m == nil || m[1] != tt.remaining {
			t.Fatalf("request %d: RateLimit = %q, want r=%s and t in seconds", i, h.Get("RateLimit"), tt.remaining)
		}
		left, _ := strconv.Atoi(m[2])
		if left > 60 {
			t.Errorf("request %d: t=%d, more than the window: a Unix time?", i, left)
		}
		for _, old := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
			if h.Get(old) != "" {
				t.Errorf("request %d: %s = %q is still there", i, old, h.Get(old))
			}
		}
		if tt.status != 429 {
			continue
		}
		retry, err := strconv.Atoi(h.Get("Retry-After"))
		if err != nil || retry != max(left, 1) {
			t.Errorf("Retry-After = %q, RateLimit t=%d: they must agree", h.Get("Retry-After"), left)
		}
		_, p := pipetest.ServeRecorded(t, rec)
		if p["code"] != "RATE_LIMITED" || p["status"] != float64(429) || p["retryAfter"] != float64(retry) {
			t.Errorf("body = %v", p)
		}
	}
	if n := len(logs.Records(t)); n != 1 {
		t.Errorf("%d log records, want 1 for the refused request", n)
	}
}

// failingCounter is an httprate.LimitCounter whose store is down.
type failingCounter struct{}

func (failingCounter) Config(int, time.Duration)                {}
func (failingCounter) Increment(string, time.Time) error        { return errors.New("counter down") }
func (failingCounter) IncrementBy(string, time.Time, int) error { return errors.New("counter down") }
func (failingCounter) Get(string, time.Time, time.Time) (int, int, error) {
	return 0, 0, errors.New("counter down")
}

// TestRateLimitCounterDown: when httprate's counter fails, httprate calls
// its error handler and then its limit handler; the error handler's answer
// stands, written once, and Limited adds nothing.
func TestRateLimitCounterDown(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{Now: time.Now})
	rl := pl.RateLimit(time.Minute)
	r := pipetest.NewRouter(pl)
	r.With(
		httprate.LimitBy(2, time.Minute, httprate.Key("*"), httprate.WithLimitCounter(failingCounter{}), httprate.WithLimitHandler(rl.Limited),
			httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
				problemhttp.WriteError(w, r, problem.ServiceUnavailable.New().WithHeader("Retry-After", "1").Wrap(err))
			})),
		rl.Fields,
	).Get("/limited", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/limited", nil))
	if _, p := pipetest.ServeRecorded(t, rec); rec.Code != 503 || p["code"] != "SERVICE_UNAVAILABLE" {
		t.Errorf("%d %v", rec.Code, p)
	}
	if n := len(logs.Records(t)); n != 1 {
		t.Errorf("%d log records, want 1", n)
	}
}
