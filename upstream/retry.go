package upstream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of RetryOptions.
const (
	DefaultMaxAttempts = 3
	DefaultWaitMin     = 100 * time.Millisecond
	DefaultWaitMax     = 2 * time.Second
	DefaultMaxElapsed  = 30 * time.Second
)

// RetryOptions is the retry policy of a Client. The zero value means the
// defaults: three attempts, waits from 100 ms doubling up to 2 s, within
// 30 s.
//
// A call is retried only when all of these hold:
//
//   - the request may be repeated: its method is GET, HEAD, OPTIONS, TRACE,
//     PUT or DELETE, or it carries an Idempotency-Key header;
//   - the attempt failed in transport (a timeout of the attempt, a refused
//     or reset connection, a temporary DNS failure — not a certificate
//     error, an unknown host or a canceled context) or was answered 429,
//     502, 503 or 504 — never when the Client did not send it (its quota
//     used up, its breaker open, no token to be had);
//   - fewer than MaxAttempts attempts were made;
//   - the wait ends before the request context's deadline and before
//     MaxElapsed has passed since the first attempt.
//
// The wait before retry n (from 0) is the upstream's Retry-After when the
// response has one — even beyond WaitMax —, otherwise a random duration in
// [0, min(WaitMax, WaitMin·2ⁿ)] ("full jitter"). A Retry-After that does not
// fit in the time left ends the retries at once: the caller gets the
// upstream's answer, Retry-After included, instead of a wait that cannot
// help.
type RetryOptions struct {
	// MaxAttempts is the number of attempts, the first included. Zero means
	// DefaultMaxAttempts; 1 disables retries.
	MaxAttempts int
	// WaitMin is the cap of the first backoff. Zero means DefaultWaitMin.
	WaitMin time.Duration
	// WaitMax caps every backoff, but not a Retry-After. Zero means
	// DefaultWaitMax.
	WaitMax time.Duration
	// MaxElapsed is the time after the first attempt within which retries
	// may start. Zero means DefaultMaxElapsed.
	MaxElapsed time.Duration
}

// retryPolicy holds the resolved RetryOptions; its methods are
// go-retryablehttp's CheckRetry and Backoff hooks.
type retryPolicy struct {
	maxAttempts      int
	waitMin, waitMax time.Duration
	maxElapsed       time.Duration
}

func newRetryPolicy(o RetryOptions) retryPolicy {
	p := retryPolicy{maxAttempts: o.MaxAttempts, waitMin: o.WaitMin, waitMax: o.WaitMax, maxElapsed: o.MaxElapsed}
	if p.maxAttempts <= 0 {
		p.maxAttempts = DefaultMaxAttempts
	}
	if p.waitMin <= 0 {
		p.waitMin = DefaultWaitMin
	}
	if p.waitMax <= 0 {
		p.waitMax = DefaultWaitMax
	}
	p.waitMax = max(p.waitMax, p.waitMin)
	if p.maxElapsed <= 0 {
		p.maxElapsed = DefaultMaxElapsed
	}
	return p
}

// retryState is the per-call state CheckRetry keeps. go-retryablehttp gives
// CheckRetry the request's context but not the request, so Client.Do puts
// it there; only the goroutine running the call touches it.
type retryState struct {
	start    time.Time
	attempts int
}

type stateKey struct{}

// idempotent lists the methods RFC 9110 §9.2.2 defines as idempotent.
var idempotent = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true,
	http.MethodTrace: true, http.MethodPut: true, http.MethodDelete: true,
}

// retryable reports whether req may be sent more than once.
func retryable(req *http.Request) bool {
	return idempotent[req.Method] || req.Header.Get("Idempotency-Key") != ""
}

// checkRetry is the CheckRetry hook. It is called once after every attempt.
func (p retryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(stateKey{}).(*retryState)
	if st == nil {
		return false, nil // not a call Client.Do found retryable
	}
	st.attempts++
	if ctx.Err() != nil || st.attempts >= p.maxAttempts {
		return false, nil
	}
	if err != nil {
		if permanent(err) {
			return false, nil
		}
	} else if !retryStatus(resp.StatusCode) {
		return false, nil
	}
	deadline := st.start.Add(p.maxElapsed)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	// The longest wait backoff can choose must end before the deadline:
	// go-retryablehttp would otherwise give up mid-wait with the bare
	// context error and lose the last answer.
	return time.Now().Add(p.longestWait(st.attempts-1, resp)).Before(deadline), nil
}

// backoff is the Backoff hook: the wait before retry n.
func (p retryPolicy) backoff(_, _ time.Duration, n int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp); ok {
		return d
	}
	return rand.N(p.ceiling(n) + 1) // full jitter
}

// longestWait is the longest wait backoff may choose before retry n.
func (p retryPolicy) longestWait(n int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp); ok {
		return d
	}
	return p.ceiling(n)
}

// ceiling is min(waitMax, waitMin·2ⁿ).
func (p retryPolicy) ceiling(n int) time.Duration {
	d := p.waitMin
	for range n {
		if d >= p.waitMax/2 {
			return p.waitMax
		}
		d *= 2
	}
	return min(d, p.waitMax)
}

func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	return ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
}

func retryStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// permanent reports whether a transport error will not go away by itself:
// a canceled context, an unknown host, a certificate the client does not
// trust, a TLS handshake with a server that does not speak TLS — or a call
// the Client did not send, held back by the quota or the breaker, or
// without a token.
func permanent(err error) bool {
	var e *Error
	if errors.As(err, &e) && e.notSent {
		return true
	}
	var dns *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	return errors.Is(err, context.Canceled) ||
		errors.As(err, &dns) && dns.IsNotFound ||
		errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verify) || errors.As(err, &record)
}

// slogAdapter is go-retryablehttp's LeveledLogger on a *slog.Logger. Every
// message goes out at debug level: a failure that ends the call is returned
// to the caller, who logs it once.
type slogAdapter struct{ l *slog.Logger }

var _ retryablehttp.LeveledLogger = slogAdapter{}

func (a slogAdapter) Error(msg string, kv ...any) { a.l.Debug(msg, kv...) }
func (a slogAdapter) Info(msg string, kv ...any)  { a.l.Debug(msg, kv...) }
func (a slogAdapter) Debug(msg string, kv ...any) { a.l.Debug(msg, kv...) }
func (a slogAdapter) Warn(msg string, kv ...any)  { a.l.Debug(msg, kv...) }
