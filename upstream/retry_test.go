package upstream_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/upstream"
)

// Every test in this file runs in a testing/synctest bubble against an
// in-process upstream: the clock is simulated, so each one takes no
// wall-clock time and asserts exact durations.

// do sends a request with method through a Client whose upstream is h,
// and returns its *upstream.Error, or nil when the call succeeded.
func do(t *testing.T, ctx context.Context, opts upstream.Options, h http.Handler, method string) *upstream.Error {
	t.Helper()
	if opts.Transport == nil {
		opts.Transport = inProcess{h}
	}
	return send(t, ctx, upstream.New("billing-internal", opts), method)
}

// send sends a request with method through c and returns its
// *upstream.Error, or nil when the call succeeded.
func send(t *testing.T, ctx context.Context, c *upstream.Client, method string) *upstream.Error {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, "http://billing.internal/v1/charges?key="+secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		return nil
	}
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		t.Fatalf("Do error = %v (%T), want *upstream.Error", err, err)
	}
	return ue
}

func TestDoTimeouts(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      time.Duration // the call's context deadline; 0 for none
		canceled bool
		opts     upstream.Options
		kind     upstream.Kind
		code     *problem.Code
		status   int
		elapsed  time.Duration
		calls    int
	}{
		{name: "attempt timeout", opts: upstream.Options{Timeout: 50 * time.Millisecond, Retry: upstream.RetryOptions{MaxAttempts: 1}},
			kind: upstream.Timeout, code: upstream.Timeout.Code(), status: 504, elapsed: 50 * time.Millisecond, calls: 1},
		{name: "context deadline, before the attempt timeout", ctx: 80 * time.Millisecond,
			kind: upstream.Timeout, code: upstream.Timeout.Code(), status: 504, elapsed: 80 * time.Millisecond, calls: 1},
		{name: "default attempt timeout", opts: upstream.Options{Retry: upstream.RetryOptions{MaxAttempts: 1}},
			kind: upstream.Timeout, code: upstream.Timeout.Code(), status: 504, elapsed: upstream.DefaultTimeout, calls: 1},
		{name: "canceled before the call", canceled: true,
			kind: upstream.Canceled, code: problem.ClientClosedRequest, status: 499, elapsed: 0, calls: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				if tt.ctx > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctx)
					defer cancel()
				}
				if tt.canceled {
					ctx = canceled
				}
				up := &fake{hang: true}
				start := time.Now()
				ue := do(t, ctx, tt.opts, up, http.MethodGet)
				if elapsed := time.Since(start); elapsed != tt.elapsed {
					t.Errorf("took %v, want exactly %v", elapsed, tt.elapsed)
				}
				if ue == nil {
					t.Fatal("the call succeeded")
				}
				checkTransportFailure(t, ue, tt.kind, tt.code, tt.status)
				if tt.kind == upstream.Timeout && !errors.Is(ue, context.DeadlineExceeded) {
					t.Errorf("%v does not wrap context.DeadlineExceeded", ue)
				}
				if up.n() != tt.calls {
					t.Errorf("upstream saw %d calls, want %d", up.n(), tt.calls)
				}
			})
		})
	}
}

func TestRetryTimedOutAttempts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &fake{hang: true}
		retry := upstream.RetryOptions{MaxAttempts: 3, WaitMin: 100 * time.Millisecond, WaitMax: time.Second}
		start := time.Now()
		ue := do(t, context.Background(), upstream.Options{Timeout: 50 * time.Millisecond, Retry: retry}, up, http.MethodGet)
		elapsed := time.Since(start)
		if ue == nil || ue.Kind != upstream.Timeout || ue.Attempts != 3 || up.n() != 3 {
			t.Fatalf("got %v after %d calls, want a timeout after 3", ue, up.n())
		}
		// Each attempt waits out its 50 ms, then the backoff: at most
		// 100 ms before the second attempt, 200 ms before the third.
		for i, gap := range up.gaps() {
			ceiling := 100 * time.Millisecond << i
			if gap < 50*time.Millisecond || gap > 50*time.Millisecond+ceiling {
				t.Errorf("attempt %d came %v after the one before, want 50ms + [0, %v]", i+2, gap, ceiling)
			}
		}
		if elapsed < 150*time.Millisecond || elapsed > 450*time.Millisecond {
			t.Errorf("took %v, want 150ms to 450ms", elapsed)
		}
	})
}

func TestRetryHonorsRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter func(now time.Time) string
		wait       time.Duration
	}{
		{"delta seconds", fixed("1"), time.Second},
		{"beyond WaitMax", fixed("5"), 5 * time.Second},
		{"HTTP-date", func(now time.Time) string { return now.Add(3 * time.Second).UTC().Format(http.TimeFormat) }, 3 * time.Second},
		{"zero: at once", fixed("0"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{fail: 1, status: http.StatusServiceUnavailable, header: map[string]func(time.Time) string{"Retry-After": tt.retryAfter}}
				// WaitMax is far below most Retry-After values: Retry-After wins.
				retry := upstream.RetryOptions{WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond}
				if ue := do(t, context.Background(), upstream.Options{Retry: retry}, up, http.MethodGet); ue != nil {
					t.Fatal(ue)
				}
				if gaps := up.gaps(); len(gaps) != 1 || gaps[0] != tt.wait {
					t.Errorf("calls %v apart, want 2 calls exactly %v apart", gaps, tt.wait)
				}
			})
		})
	}
}

func TestRetryAfterBeyondDeadlineStopsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &fake{fail: 100, status: http.StatusTooManyRequests, header: map[string]func(time.Time) string{"Retry-After": fixed("20")}}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		ue := do(t, ctx, upstream.Options{}, up, http.MethodGet)
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("took %v, want no wait at all", elapsed)
		}
		if ue == nil || ue.Kind != upstream.RateLimited || ue.Attempts != 1 || up.n() != 1 || ue.RetryAfter != 20*time.Second || ue.ProblemError().Header().Get("Retry-After") != "20" {
			t.Errorf("got %v after %d calls", ue, up.n())
		}
	})
}

func TestRetryBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &fake{fail: 100, status: http.StatusBadGateway}
		retry := upstream.RetryOptions{MaxAttempts: 5, WaitMin: 100 * time.Millisecond, WaitMax: 300 * time.Millisecond}
		start := time.Now()
		ue := do(t, context.Background(), upstream.Options{Retry: retry}, up, http.MethodGet)
		elapsed := time.Since(start)
		if ue == nil || ue.Kind != upstream.ServerError || ue.Attempts != 5 || up.n() != 5 {
			t.Fatalf("got %v after %d calls, want a server error after 5", ue, up.n())
		}
		// Full jitter: the wait before retry n is within [0, min(WaitMax, WaitMin·2ⁿ)].
		ceilings := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}
		var sum time.Duration
		for i, gap := range up.gaps() {
			if gap > ceilings[i] {
				t.Errorf("wait before retry %d = %v, want at most %v", i, gap, ceilings[i])
			}
			sum += gap
		}
		if elapsed != sum {
			t.Errorf("took %v, want exactly the sum of the waits, %v", elapsed, sum)
		}
	})
}

func TestRetryStopsAtDeadline(t *testing.T) {
	const wait = 40 * time.Millisecond // WaitMax
	tests := []struct {
		name string
		opts upstream.RetryOptions
		ctx  time.Duration
	}{
		{"context deadline", upstream.RetryOptions{MaxAttempts: 1000, WaitMin: 20 * time.Millisecond, WaitMax: wait}, 300 * time.Millisecond},
		{"MaxElapsed", upstream.RetryOptions{MaxAttempts: 1000, WaitMin: 20 * time.Millisecond, WaitMax: wait, MaxElapsed: 300 * time.Millisecond}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{fail: 1 << 30, status: http.StatusBadGateway}
				ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
				defer cancel()
				start := time.Now()
				ue := do(t, ctx, upstream.Options{Retry: tt.opts}, up, http.MethodGet)
				elapsed := time.Since(start)
				// The last retry starts only when the longest wait before it
				// ends before the deadline, and no retry follows once the
				// next one might not: the calls stop within one WaitMax of
				// the 300 ms, never past it.
				if elapsed >= 300*time.Millisecond || elapsed < 300*time.Millisecond-wait {
					t.Errorf("stopped after %v, want within [260ms, 300ms)", elapsed)
				}
				// The caller gets the upstream's last answer, never a bare
				// context error.
				if ue == nil || ue.Kind != upstream.ServerError || ue.Attempts < 3 || ue.Attempts != up.n() {
					t.Errorf("got %v after %d calls", ue, up.n())
				}
			})
		})
	}
}

func TestRetryMethods(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		key      string
		attempts int
	}{
		{"GET", http.MethodGet, "", 3},
		{"HEAD", http.MethodHead, "", 3},
		{"OPTIONS", http.MethodOptions, "", 3},
		{"PUT", http.MethodPut, "", 3},
		{"DELETE", http.MethodDelete, "", 3},
		{"TRACE", http.MethodTrace, "", 3},
		{"POST", http.MethodPost, "", 1},
		{"PATCH", http.MethodPatch, "", 1},
		{"POST with Idempotency-Key", http.MethodPost, "k-1", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{fail: 100, status: http.StatusBadGateway}
				req, _ := http.NewRequest(tt.method, "http://svc.internal/", nil)
				if tt.key != "" {
					req.Header.Set("Idempotency-Key", tt.key)
				}
				_, err := upstream.New("svc", upstream.Options{Transport: inProcess{up}}).Do(req)
				var ue *upstream.Error
				if !errors.As(err, &ue) || ue.Kind != upstream.ServerError {
					t.Fatalf("err = %v, want a server error", err)
				}
				if up.n() != tt.attempts || ue.Attempts != tt.attempts {
					t.Errorf("%d requests, Attempts %d; want %d", up.n(), ue.Attempts, tt.attempts)
				}
			})
		})
	}
}

func TestRetryStatuses(t *testing.T) {
	tests := []struct {
		status   int
		attempts int
	}{
		{http.StatusTooManyRequests, 2},
		{http.StatusBadGateway, 2},
		{http.StatusServiceUnavailable, 2},
		{http.StatusGatewayTimeout, 2},
		{http.StatusInternalServerError, 1},
		{http.StatusNotImplemented, 1},
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusNotFound, 1},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{fail: 1, status: tt.status}
				ue := do(t, context.Background(), upstream.Options{}, up, http.MethodGet)
				if up.n() != tt.attempts {
					t.Errorf("%d requests, want %d", up.n(), tt.attempts)
				}
				if succeeded := ue == nil; succeeded != (tt.attempts == 2) {
					t.Errorf("err = %v after %d requests", ue, up.n())
				}
			})
		})
	}
}

// TestRetryTransportFailures checks which transport errors are retried,
// on errors made up as the network reports them; TestRetryRealNetwork
// checks the same on the real network.
func TestRetryTransportFailures(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		kind     upstream.Kind
		attempts int
	}{
		{"refused is retried", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, upstream.Unreachable, 3},
		{"reset is retried", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, upstream.Unreachable, 3},
		{"temporary DNS failure is retried", &net.DNSError{Err: "server misbehaving", Name: "svc.internal", IsTemporary: true}, upstream.Unreachable, 3},
		{"unknown host is not", &net.DNSError{Err: "no such host", Name: "svc.internal", IsNotFound: true}, upstream.Unreachable, 1},
		{"untrusted certificate is not", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, upstream.Unreachable, 1},
		{"a server that speaks no TLS is not", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, upstream.Unreachable, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				fail := roundTripFunc(func(req *http.Request) (*http.Response, error) {
					calls++
					return nil, tt.err
				})
				ue := do(t, context.Background(), upstream.Options{Transport: fail}, nil, http.MethodGet)
				if ue == nil || ue.Kind != tt.kind || ue.Attempts != tt.attempts || calls != tt.attempts {
					t.Errorf("got %v after %d calls, want %v after %d", ue, calls, tt.kind, tt.attempts)
				}
			})
		})
	}
}

// TestRetryRealNetwork classifies what the real network answers. It runs
// outside a bubble, so its retries wait a nanosecond at most, and it
// asserts no time.
func TestRetryRealNetwork(t *testing.T) {
	tlsSrv := quietTLSServer()
	defer tlsSrv.Close()
	noWait := upstream.RetryOptions{MaxAttempts: 3, WaitMin: time.Nanosecond, WaitMax: time.Nanosecond}
	tests := []struct {
		name     string
		url      string
		attempts int
	}{
		{"refused is retried", deadURL(t), 3},
		{"unknown host is not", "http://nowhere.invalid/", 1},
		{"untrusted certificate is not", tlsSrv.URL, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := callCtx(t, context.Background(), upstream.Options{Retry: noWait}, http.MethodGet, tt.url)
			if ue.Kind != upstream.Unreachable || ue.Attempts != tt.attempts {
				t.Errorf("kind %v after %d attempts, want unreachable after %d", ue.Kind, ue.Attempts, tt.attempts)
			}
		})
	}
}

func TestRetryReplaysBody(t *testing.T) {
	tests := []struct {
		name string
		body func() *strings.Reader
		wrap bool // hide the type, so http.NewRequest sets no GetBody
	}{
		{"GetBody", func() *strings.Reader { return strings.NewReader("payload") }, false},
		{"stream", func() *strings.Reader { return strings.NewReader("payload") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{fail: 2, status: http.StatusServiceUnavailable}
				var body io.Reader = tt.body()
				if tt.wrap {
					body = struct{ io.Reader }{body}
				}
				req, _ := http.NewRequest(http.MethodPut, "http://svc.internal/", body)
				if (req.GetBody != nil) == tt.wrap {
					t.Fatalf("GetBody set = %v", req.GetBody != nil)
				}
				resp, err := upstream.New("svc", upstream.Options{Transport: inProcess{up}}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if strings.Join(up.bodies, ",") != "payload,payload,payload" {
					t.Errorf("the attempts got bodies %q", up.bodies)
				}
			})
		})
	}
}
