package upstream_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// inProcess is an http.RoundTripper that hands each request to a handler
// in this process, without a network. Inside a testing/synctest bubble a
// goroutine blocked in it is durably blocked, so the bubble's clock moves
// on while the handler waits — for its request's context, or on a timer —
// and a test of timeouts, backoff or Retry-After takes no wall-clock time
// and measures exact durations.
//
// Like a real transport, it fails with the context's error when the
// request's context ends before the handler has answered.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err // as a transport does before it dials
	}
	sreq := req.Clone(ctx)
	sreq.RequestURI = req.URL.RequestURI()
	sreq.RemoteAddr = "192.0.2.1:1234"
	if sreq.Body == nil {
		sreq.Body = http.NoBody // as a server's requests always have one
	}
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.h.ServeHTTP(rec, sreq)
	}()
	closeBody := func() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}
	select {
	case <-done:
		closeBody()
	case <-ctx.Done():
		go func() { <-done; closeBody() }()
		return nil, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the handler gave up because the caller did
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// roundTripFunc is an http.RoundTripper made of a function, for transport
// failures a test makes up.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// fake is an upstream that answers its first fail calls with status and
// header (a header value may be computed at the time of the call), then
// 200 "ok"; with hang set it answers nothing and waits for the request's
// context instead. It records when each call came and its body. It is
// safe for concurrent use.
type fake struct {
	fail   int
	status int
	header map[string]func(now time.Time) string
	hang   bool

	mu     sync.Mutex
	calls  []time.Time
	bodies []string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, time.Now())
	f.bodies = append(f.bodies, string(body))
	n := len(f.calls)
	f.mu.Unlock()
	if f.hang {
		<-r.Context().Done()
		return
	}
	if n <= f.fail {
		for k, v := range f.header {
			w.Header().Set(k, v(time.Now()))
		}
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, `{"message":"try again"}`)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// n returns the number of calls so far.
func (f *fake) n() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// gaps returns the time between each call and the one before it.
func (f *fake) gaps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(f.calls); i++ {
		out = append(out, f.calls[i].Sub(f.calls[i-1]))
	}
	return out
}

// fixed is a header value that does not depend on the time.
func fixed(v string) func(time.Time) string { return func(time.Time) string { return v } }
