package upstream_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/problemkit/problemkit/upstream"
)

// quotaServer is an upstream that allows limit calls per window, windows
// starting with its first call, and announces what is left in the header
// style it is given; a call beyond the quota is answered 429. It counts the
// calls it served and those it refused.
type quotaServer struct {
	limit  int
	window time.Duration
	style  func(h http.Header, remaining int, reset time.Time, now time.Time)

	mu      sync.Mutex
	start   time.Time
	used    int
	served  int
	refused int
}

func (s *quotaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := time.Now()
	if s.start.IsZero() || !now.Before(s.start.Add(s.window)) {
		s.start, s.used = now, 0
	}
	s.used++
	over := s.used > s.limit
	if over {
		s.refused++
	} else {
		s.served++
	}
	remaining := max(s.limit-s.used, 0)
	reset := s.start.Add(s.window)
	s.mu.Unlock()
	s.style(w.Header(), remaining, reset, now)
	if over {
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func (s *quotaServer) counts() (served, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served, s.refused
}

func secondsUntil(reset, now time.Time) string {
	return strconv.Itoa(int((reset.Sub(now) + time.Second - 1) / time.Second))
}

// The header styles upstreams announce their quota in.
var quotaStyles = []struct {
	name  string
	style func(h http.Header, remaining int, reset, now time.Time)
}{
	{"X-RateLimit with a Unix time (GitHub)", func(h http.Header, remaining int, reset, now time.Time) {
		h.Set("X-RateLimit-Limit", "3")
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	}},
	{"X-RateLimit with seconds", func(h http.Header, remaining int, reset, now time.Time) {
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", secondsUntil(reset, now))
	}},
	{"RateLimit-Remaining and RateLimit-Reset (IETF draft, httprate)", func(h http.Header, remaining int, reset, now time.Time) {
		h.Set("RateLimit-Limit", "3")
		h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("RateLimit-Reset", secondsUntil(reset, now))
	}},
	{"RateLimit structured field (IETF draft)", func(h http.Header, remaining int, reset, now time.Time) {
		h.Set("RateLimit-Policy", `"default";q=3;w=30`)
		h.Set("RateLimit", `"default";r=`+strconv.Itoa(remaining)+`;t=`+secondsUntil(reset, now))
	}},
}

func TestQuotaStopsCallsUntilTheReset(t *testing.T) {
	for _, qs := range quotaStyles {
		t.Run(qs.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &quotaServer{limit: 3, window: 30 * time.Second, style: qs.style}
				c := upstream.New("search", upstream.Options{Transport: inProcess{up}, Label: "search"})
				call := func() *upstream.Error {
					t.Helper()
					req, _ := http.NewRequest(http.MethodGet, "http://search.internal/v1?q=x", nil)
					resp, err := c.Do(req)
					if err == nil {
						resp.Body.Close()
						return nil
					}
					var ue *upstream.Error
					if !errors.As(err, &ue) {
						t.Fatalf("Do = %v", err)
					}
					return ue
				}
				for i := range 3 {
					if ue := call(); ue != nil {
						t.Fatalf("call %d within the quota: %v", i+1, ue)
					}
				}
				// The quota is used up: answered at once, without a call.
				start := time.Now()
				ue := call()
				if elapsed := time.Since(start); elapsed != 0 {
					t.Errorf("a held-back call took %v", elapsed)
				}
				checkHeldBack(t, ue, "30")
				time.Sleep(10 * time.Second)
				checkHeldBack(t, call(), "20")
				time.Sleep(20 * time.Second) // the reset
				if ue := call(); ue != nil {
					t.Errorf("the call after the reset: %v", ue)
				}
				if served, refused := up.counts(); served != 4 || refused != 0 {
					t.Errorf("upstream served %d calls and refused %d, want 4 and none", served, refused)
				}
			})
		})
	}
}

// checkHeldBack checks the failure of a call the quota held back.
func checkHeldBack(t *testing.T, ue *upstream.Error, retryAfter string) {
	t.Helper()
	if ue == nil {
		t.Fatal("the call went through")
	}
	pe := ue.ProblemError()
	if ue.Kind != upstream.RateLimited || !errors.Is(ue, upstream.ErrQuotaExhausted) || ue.Status != 0 || ue.Attempts != 0 {
		t.Errorf("got %v (status %d, attempts %d), want a RateLimited failure of a call not sent", ue, ue.Status, ue.Attempts)
	}
	if pe.Code() != upstream.RateLimited.Code() || pe.Header().Get("Retry-After") != retryAfter || pe.Extensions()["dependency"] != "search" {
		t.Errorf("answered %s, Retry-After %q, members %v; want UPSTREAM_RATE_LIMITED, %s", pe.Code().Code, pe.Header().Get("Retry-After"), pe.Extensions(), retryAfter)
	}
}

func TestQuotaConcurrentCallsTakeOnlyWhatIsLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &quotaServer{limit: 3, window: time.Minute, style: quotaStyles[0].style}
		c := upstream.New("search", upstream.Options{Transport: inProcess{up}})
		get := func() error {
			req, _ := http.NewRequest(http.MethodGet, "http://search.internal/", nil)
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
		if err := get(); err != nil { // learns: 2 left
			t.Fatal(err)
		}
		var mu sync.Mutex
		held := 0
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if err := get(); errors.Is(err, upstream.ErrQuotaExhausted) {
					mu.Lock()
					held++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if served, refused := up.counts(); served != 3 || refused != 0 || held != 18 {
			t.Errorf("upstream served %d and refused %d; %d held back; want 3, 0, 18", served, refused, held)
		}
	})
}

func TestQuotaWaitIsBounded(t *testing.T) {
	tests := []struct {
		name    string
		maxWait time.Duration
		ctx     time.Duration
		waits   bool
	}{
		{"a reset within MaxWait is waited for", 0, 0, true},
		{"not past the call's deadline", 0, 500 * time.Millisecond, false},
		{"not beyond MaxWait", 500 * time.Millisecond, 0, false},
		{"never with a negative MaxWait", -1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// One call a second: the second call finds the quota used up,
				// with its reset one second away.
				up := &quotaServer{limit: 1, window: time.Second, style: quotaStyles[2].style}
				c := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Quota: upstream.QuotaOptions{MaxWait: tt.maxWait}})
				if ue := send(t, context.Background(), c, http.MethodGet); ue != nil {
					t.Fatal(ue)
				}
				ctx := context.Background()
				if tt.ctx > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctx)
					defer cancel()
				}
				start := time.Now()
				ue := send(t, ctx, c, http.MethodGet)
				elapsed := time.Since(start)
				switch {
				case tt.waits && (ue != nil || elapsed != time.Second):
					t.Errorf("got %v after %v, want a success after exactly 1s", ue, elapsed)
				case !tt.waits && (!errors.Is(ue, upstream.ErrQuotaExhausted) || elapsed != 0):
					t.Errorf("got %v after %v, want held back at once", ue, elapsed)
				}
				if served, refused := up.counts(); refused != 0 || served != map[bool]int{true: 2, false: 1}[tt.waits] {
					t.Errorf("upstream served %d, refused %d", served, refused)
				}
			})
		})
	}
}

func TestQuotaOptions(t *testing.T) {
	huge := func(h http.Header, remaining int, reset, now time.Time) {
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", "31536000") // a year
	}
	tests := []struct {
		name       string
		opts       upstream.Options
		style      func(h http.Header, remaining int, reset, now time.Time)
		kind       upstream.Kind
		status     int // the upstream's, 0 for a call not sent
		retryAfter string
	}{
		{"Disabled: the upstream says 429 itself", upstream.Options{Quota: upstream.QuotaOptions{Disabled: true}}, quotaStyles[0].style, upstream.RateLimited, 429, "30"},
		{"a reset a year away stops calls for MaxRetryAfter at most", upstream.Options{}, huge, upstream.RateLimited, 0, "300"},
		{"and for the Client's own MaxRetryAfter", upstream.Options{MaxRetryAfter: time.Minute}, huge, upstream.RateLimited, 0, "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &quotaServer{limit: 1, window: time.Hour, style: tt.style}
				tt.opts.Transport = inProcess{up}
				tt.opts.Retry = upstream.RetryOptions{MaxAttempts: 1}
				c := upstream.New("svc", tt.opts)
				req, _ := http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				req, _ = http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
				_, err = c.Do(req)
				var ue *upstream.Error
				if !errors.As(err, &ue) || ue.Kind != tt.kind || ue.Status != tt.status || ue.ProblemError().Header().Get("Retry-After") != tt.retryAfter {
					t.Fatalf("got %v, want %v with upstream status %d and Retry-After %s", err, tt.kind, tt.status, tt.retryAfter)
				}
				if tt.status == 0 {
					// The pause ends after the capped wait, not a year later.
					time.Sleep(ue.RetryAfter)
					req, _ = http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
					if _, err := c.Do(req); errors.Is(err, upstream.ErrQuotaExhausted) {
						t.Errorf("still held back after %v", ue.RetryAfter)
					}
				}
			})
		})
	}
}

func TestQuotaHoldsBackSDKCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &quotaServer{limit: 1, window: 30 * time.Second, style: quotaStyles[3].style}
		hc := upstream.New("svc", upstream.Options{Transport: inProcess{up}}).HTTPClient()
		resp, err := hc.Get("http://svc.internal/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		_, err = hc.Get("http://svc.internal/?key=" + secret)
		var ue *upstream.Error
		var urlErr *url.Error
		if !errors.As(err, &urlErr) || !errors.As(err, &ue) || !errors.Is(err, upstream.ErrQuotaExhausted) {
			t.Fatalf("http.Client error %v (%T), want an *upstream.Error inside its *url.Error", err, err)
		}
		if served, _ := up.counts(); served != 1 || ue.ProblemError().Header().Get("Retry-After") != "30" {
			t.Errorf("upstream served %d; Retry-After %q", served, ue.ProblemError().Header().Get("Retry-After"))
		}
	})
}
