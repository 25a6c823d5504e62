package upstream_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/problemkit/problemkit/upstream"
)

// switchable is an upstream that answers with the status it is set to,
// 200 by default, or hangs when it is set to -1; it counts its calls.
type switchable struct {
	status atomic.Int32
	n      atomic.Int32
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.n.Add(1)
	switch st := int(s.status.Load()); st {
	case 0:
		_, _ = w.Write([]byte("ok"))
	case -1:
		<-r.Context().Done()
	default:
		w.WriteHeader(st)
	}
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &switchable{}
		up.status.Store(http.StatusInternalServerError)
		c := upstream.New("recommendations", upstream.Options{
			Transport: inProcess{up}, Label: "recommendations",
			Breaker: upstream.BreakerOptions{Failures: 5, OpenFor: 30 * time.Second},
		})
		ctx := context.Background()
		for i := range 5 {
			ue := send(t, ctx, c, http.MethodGet)
			if ue == nil || ue.Kind != upstream.ServerError {
				t.Fatalf("call %d: %v, want the upstream's 500", i+1, ue)
			}
			if i == 2 && !strings.Contains(ue.Error(), "breaker closed (3 of 5 failures)") {
				t.Errorf("log text %q, want the breaker's state", ue.Error())
			}
		}
		// Open: every call answers at once, without calling the upstream.
		start := time.Now()
		checkOpen(t, send(t, ctx, c, http.MethodGet), "30")
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("an open breaker took %v to answer", elapsed)
		}
		time.Sleep(12 * time.Second)
		checkOpen(t, send(t, ctx, c, http.MethodGet), "18")
		time.Sleep(17*time.Second + 500*time.Millisecond)
		checkOpen(t, send(t, ctx, c, http.MethodGet), "1") // 0.5 s left, rounded up
		if n := up.n.Load(); n != 5 {
			t.Fatalf("upstream saw %d calls while the breaker was open, want 5 before it", n)
		}

		// Half-open after 30 s: one trial call, which fails and opens it again.
		time.Sleep(time.Second)
		if ue := send(t, ctx, c, http.MethodGet); ue == nil || ue.Kind != upstream.ServerError || !strings.Contains(ue.Error(), "breaker open") {
			t.Errorf("trial call: %v, want the upstream's 500, the breaker open again", ue)
		}
		checkOpen(t, send(t, ctx, c, http.MethodGet), "30")

		// The upstream recovers: the next trial call closes the breaker.
		up.status.Store(0)
		time.Sleep(30*time.Second + time.Nanosecond)
		for i := range 3 {
			if ue := send(t, ctx, c, http.MethodGet); ue != nil {
				t.Fatalf("call %d after recovery: %v", i+1, ue)
			}
		}
		if n := up.n.Load(); n != 9 {
			t.Errorf("upstream saw %d calls in all, want 9", n)
		}
	})
}

// checkOpen checks the failure of a call an open breaker refused.
func checkOpen(t *testing.T, ue *upstream.Error, retryAfter string) {
	t.Helper()
	if ue == nil {
		t.Fatal("the call went through")
	}
	pe := ue.ProblemError()
	if ue.Kind != upstream.CircuitOpen || ue.Attempts != 0 || !strings.Contains(ue.Error(), "breaker open") {
		t.Errorf("got %v (attempts %d), want a CircuitOpen failure of a call not sent", ue, ue.Attempts)
	}
	if pe.Code() != upstream.CircuitOpen.Code() || pe.Code().Status != http.StatusServiceUnavailable || pe.Header().Get("Retry-After") != retryAfter {
		t.Errorf("answered %d %s, Retry-After %q; want 503 UPSTREAM_CIRCUIT_OPEN, %s", pe.Code().Status, pe.Code().Code, pe.Header().Get("Retry-After"), retryAfter)
	}
	if doc := string(render(pe)); strings.Contains(doc, "breaker") || strings.Contains(doc, "internal") {
		t.Errorf("the problem shows internals: %s", doc)
	}
}

func TestBreakerCountsFailuresOnly(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		status int // -1: the attempt times out
		ctx    context.Context
		opens  bool
	}{
		{"500", http.StatusInternalServerError, nil, true},
		{"502", http.StatusBadGateway, nil, true},
		{"503", http.StatusServiceUnavailable, nil, true},
		{"timeouts", -1, nil, true},
		{"429: the upstream is up", http.StatusTooManyRequests, nil, false},
		{"404", http.StatusNotFound, nil, false},
		{"401", http.StatusUnauthorized, nil, false},
		{"our own client cancels", -1, canceled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &switchable{}
				up.status.Store(int32(tt.status))
				c := upstream.New("svc", upstream.Options{
					Transport: inProcess{up}, Timeout: 100 * time.Millisecond,
					Retry:   upstream.RetryOptions{MaxAttempts: 1},
					Breaker: upstream.BreakerOptions{Failures: 3},
				})
				ctx := tt.ctx
				if ctx == nil {
					ctx = context.Background()
				}
				for range 3 {
					send(t, ctx, c, http.MethodGet)
				}
				ue := send(t, ctx, c, http.MethodGet)
				if opened := ue != nil && ue.Kind == upstream.CircuitOpen; opened != tt.opens {
					t.Errorf("after 3 answers %d the breaker opened = %v, want %v (%v)", tt.status, opened, tt.opens, ue)
				}
			})
		})
	}
}

func TestBreakerSuccessResetsTheCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &switchable{}
		c := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Breaker: upstream.BreakerOptions{Failures: 3}, Retry: upstream.RetryOptions{MaxAttempts: 1}})
		for _, st := range []int32{500, 500, 0, 500, 500, 0, 500, 500} {
			up.status.Store(st)
			if ue := send(t, context.Background(), c, http.MethodGet); ue != nil && ue.Kind == upstream.CircuitOpen {
				t.Fatalf("opened without 3 consecutive failures: %v", ue)
			}
		}
		if n := up.n.Load(); n != 8 {
			t.Errorf("upstream saw %d calls, want 8", n)
		}
	})
}

func TestBreakerStopsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &switchable{}
		up.status.Store(http.StatusBadGateway)
		c := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Breaker: upstream.BreakerOptions{Failures: 2}, Retry: upstream.RetryOptions{MaxAttempts: 5}})
		ue := send(t, context.Background(), c, http.MethodGet)
		// Two attempts fail and open the breaker; the third is not sent.
		if ue == nil || ue.Kind != upstream.CircuitOpen || ue.Attempts != 2 || up.n.Load() != 2 {
			t.Errorf("got %v after %d attempts and %d calls, want CircuitOpen after 2", ue, ue.Attempts, up.n.Load())
		}
	})
}

func TestBreakerHalfOpenLetsProbesThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &switchable{}
		up.status.Store(http.StatusInternalServerError)
		c := upstream.New("svc", upstream.Options{
			Transport: inProcess{up}, Timeout: time.Second, Retry: upstream.RetryOptions{MaxAttempts: 1},
			Breaker: upstream.BreakerOptions{Failures: 1, OpenFor: 10 * time.Second, Probes: 2},
		})
		send(t, context.Background(), c, http.MethodGet) // opens it
		time.Sleep(10*time.Second + time.Nanosecond)
		up.status.Store(-1) // the probes hang until their timeout
		var wg sync.WaitGroup
		results := make([]*upstream.Error, 5)
		for i := range results {
			wg.Go(func() { results[i] = send(t, context.Background(), c, http.MethodGet) })
		}
		wg.Wait()
		timeouts, refused := 0, 0
		for _, ue := range results {
			switch {
			case ue != nil && ue.Kind == upstream.Timeout:
				timeouts++
			case ue != nil && ue.Kind == upstream.CircuitOpen && ue.ProblemError().Header().Get("Retry-After") == "1":
				refused++
			}
		}
		if timeouts != 2 || refused != 3 || up.n.Load() != 3 {
			t.Errorf("%d probes timed out, %d calls refused, upstream saw %d; want 2, 3 and 3", timeouts, refused, up.n.Load())
		}
	})
}

func TestBreakerGuardsSDKCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &switchable{}
		up.status.Store(http.StatusInternalServerError)
		hc := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Breaker: upstream.BreakerOptions{Failures: 2}}).HTTPClient()
		for range 2 {
			resp, err := hc.Get("http://svc.internal/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		_, err := hc.Get("http://svc.internal/")
		var ue *upstream.Error
		if !errors.As(err, &ue) || ue.Kind != upstream.CircuitOpen || up.n.Load() != 2 {
			t.Errorf("third call: %v after %d upstream calls, want CircuitOpen after 2", err, up.n.Load())
		}
	})
}
