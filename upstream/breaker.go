package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Defaults of BreakerOptions.
const (
	// DefaultBreakerOpenFor is how long an open breaker stays open when
	// BreakerOptions.OpenFor is zero.
	DefaultBreakerOpenFor = 30 * time.Second
)

// BreakerOptions configures a Client's circuit breaker, on
// sony/gobreaker/v2. The zero value, Failures 0, means no breaker.
//
// The breaker counts every attempt, retries included, as the upstream
// answers it. A transport failure (a timeout, a refused or reset
// connection, a DNS or TLS failure) and a 5xx status are failures; any
// other answer, 4xx included, is a success; a call its own client
// cancelled, or one sent without a token because none could be had,
// counts as neither. After Failures consecutive failures the breaker
// opens: for OpenFor, the Client sends nothing and every call fails at once
// with a CircuitOpen *Error — a 503 UPSTREAM_CIRCUIT_OPEN whose Retry-After
// is the time left before the breaker lets a trial call through. Then it
// is half-open: it lets Probes calls through, and closes when they all
// succeed; a failure opens it again, for OpenFor. Calls beyond the probes
// while they are under way fail like those of an open breaker, with a
// Retry-After of one second.
//
// The breaker's state after a call — closed with its count of consecutive
// failures, open, or half-open — is in every *Error the Client returns
// (Error.Breaker), and so in the log record of every failure.
type BreakerOptions struct {
	// Failures is the number of consecutive failed attempts that opens
	// the breaker. Zero, the default, means no breaker.
	Failures int
	// OpenFor is how long the breaker stays open before it lets a trial
	// call through. Zero means DefaultBreakerOpenFor.
	OpenFor time.Duration
	// Probes is the number of trial calls a half-open breaker lets
	// through; all must succeed for it to close. Zero means 1.
	Probes int
}

// breaker is a Client's circuit breaker.
type breaker struct {
	cb       *gobreaker.TwoStepCircuitBreaker[struct{}]
	failures int
	openFor  time.Duration
	// openUntil is when the breaker, open, lets a trial call through, in
	// Unix nanoseconds. gobreaker keeps its own expiry unexported; this is
	// set from its OnStateChange hook, which runs under gobreaker's lock,
	// hence an atomic rather than a mutex of ours.
	openUntil atomic.Int64
}

// Outcomes reported to gobreaker: a success is nil.
var (
	errAttemptFailed   = errors.New("attempt failed")
	errAttemptExcluded = errors.New("attempt not counted")
)

func newBreaker(service string, o BreakerOptions) *breaker {
	if o.Failures <= 0 {
		return nil
	}
	b := &breaker{failures: o.Failures, openFor: o.OpenFor}
	if b.openFor <= 0 {
		b.openFor = DefaultBreakerOpenFor
	}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        service,
		MaxRequests: uint32(max(o.Probes, 1)),
		Timeout:     b.openFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= uint32(b.failures) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				b.openUntil.Store(time.Now().Add(b.openFor).UnixNano())
			}
		},
		IsSuccessful: func(err error) bool { return err == nil },
		IsExcluded:   func(err error) bool { return errors.Is(err, errAttemptExcluded) },
	})
	return b
}

// allow asks the breaker whether a call may be sent. When it may not, it
// returns the time left before a trial call can be, and gobreaker's
// error; otherwise done, to be called with the attempt's outcome.
func (b *breaker) allow() (done func(*http.Response, error), left time.Duration, err error) {
	if b == nil {
		return func(*http.Response, error) {}, 0, nil
	}
	report, err := b.cb.Allow()
	if err != nil {
		if errors.Is(err, gobreaker.ErrTooManyRequests) {
			return nil, time.Second, fmt.Errorf("circuit breaker half-open, its trial calls under way: %w", err)
		}
		left = time.Until(time.Unix(0, b.openUntil.Load()))
		return nil, max(left, 0), err
	}
	return func(resp *http.Response, err error) { report(outcome(resp, err)) }, 0, nil
}

// outcome is what an attempt tells of the upstream's health.
func outcome(resp *http.Response, err error) error {
	var e *Error
	switch {
	case err == nil && resp.StatusCode >= 500:
		return errAttemptFailed
	case err == nil:
		return nil
	case errors.As(err, &e), errors.Is(err, context.Canceled):
		return errAttemptExcluded // no token, or our own client gave up
	default:
		return errAttemptFailed
	}
}

// describe returns the breaker's state for logs; "" for no breaker.
func (b *breaker) describe() string {
	if b == nil {
		return ""
	}
	switch st := b.cb.State(); st {
	case gobreaker.StateClosed:
		return fmt.Sprintf("closed (%d of %d failures)", b.cb.Counts().ConsecutiveFailures, b.failures)
	case gobreaker.StateOpen:
		left := max(time.Until(time.Unix(0, b.openUntil.Load())), 0)
		return fmt.Sprintf("open (%v left)", left.Round(time.Millisecond))
	default:
		return st.String()
	}
}
