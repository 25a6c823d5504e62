package upstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// Kind classifies an upstream failure; it decides the problem this API
// answers with.
type Kind int

// The kinds of upstream failure.
const (
	// Timeout means the upstream did not answer in time (a deadline or
	// timeout of the call). Answered as UPSTREAM_TIMEOUT, 504.
	Timeout Kind = iota + 1
	// Unreachable means no valid response could be had — connection
	// refused or reset, DNS failure, TLS failure. Answered as
	// UPSTREAM_UNAVAILABLE, 502.
	Unreachable
	// ServerError means the upstream answered 5xx, other than 503.
	// Answered as UPSTREAM_ERROR, 502.
	ServerError
	// RateLimited means the upstream answered 429 or 503, or that the call
	// was not sent because the quota the upstream announced is used up
	// (ErrQuotaExhausted). Answered as UPSTREAM_RATE_LIMITED, 503, with a
	// Retry-After header.
	RateLimited
	// AuthFailed means the upstream answered 401 or 403 — it rejected this
	// API's own credentials — or that no token could be had for the call
	// (see TokenOptions). Answered as UPSTREAM_AUTH_FAILED, 502.
	AuthFailed
	// Rejected means the upstream answered another 4xx — this API sent it a
	// request it does not accept. Answered as UPSTREAM_REJECTED, 502.
	Rejected
	// Canceled means the call's context was canceled, normally because this
	// API's own client went away. Answered as problem.ClientClosedRequest
	// (499); the pipeline makes it a 500 when the client is in fact still
	// there, since the server then cancelled the call itself.
	Canceled
	// CircuitOpen means the Client's circuit breaker is open after repeated
	// failures, so the call was not sent. Answered as
	// UPSTREAM_CIRCUIT_OPEN, 503, with a Retry-After header: the time
	// left before the breaker lets a trial call through.
	CircuitOpen
)

// ErrQuotaExhausted is the cause of a RateLimited *Error whose call was not
// sent because the upstream had announced that its quota was used up until
// a reset still ahead (see QuotaOptions).
var ErrQuotaExhausted = errors.New("upstream quota exhausted")

var kindNames = [...]string{
	Timeout: "timeout", Unreachable: "unreachable", ServerError: "server error",
	RateLimited: "rate limited", AuthFailed: "auth failed", Rejected: "rejected",
	Canceled: "canceled", CircuitOpen: "circuit open",
}

// String returns the kind in lower case, such as "rate limited".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Code returns the code a failure of kind k is answered with: one of
// [Feature]'s, or, for Canceled, problem.ClientClosedRequest.
func (k Kind) Code() *problem.Code {
	switch k {
	case Timeout:
		return codeTimeout
	case Unreachable:
		return codeUnreachable
	case RateLimited:
		return codeRateLimited
	case AuthFailed:
		return codeAuthFailed
	case Rejected:
		return codeRejected
	case Canceled:
		return problem.ClientClosedRequest
	case CircuitOpen:
		return codeCircuitOpen
	default:
		return codeServerError
	}
}

// kindOfStatus classifies an upstream error status (400 or more).
func kindOfStatus(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return RateLimited
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return AuthFailed
	case status >= 400 && status < 500:
		return Rejected
	default:
		return ServerError
	}
}

// Defaults of the Retry-After header this API sends for RateLimited.
const (
	// DefaultRetryAfter is advised when the upstream sent no usable
	// Retry-After and Options.DefaultRetryAfter is zero.
	DefaultRetryAfter = 30 * time.Second
	// DefaultMaxRetryAfter caps the advised Retry-After when
	// Options.MaxRetryAfter is zero.
	DefaultMaxRetryAfter = 5 * time.Minute
	// minRetryAfter keeps clients from being told to retry at once.
	minRetryAfter = time.Second
)

// Error is a failed call to another service. Client.Do returns one for
// every transport failure, every response of status 400 or more, and every
// call the Client did not send (its quota used up, its circuit breaker
// open, no token to be had); the http.Client of Client.HTTPClient returns
// one, inside its *url.Error, for all but the responses. Find it with
// errors.As.
//
// It implements problem.Provider: ProblemError maps the Kind to one of the
// codes of [Feature], never to the upstream's own status, and shows
// nothing of the upstream — not its body, URL, host or name — except Label,
// when the application chose one. The Error itself, kept as the problem's
// cause, holds everything for the log. An Error must not be modified once
// returned.
type Error struct {
	// Service is the name the application gave the upstream, for logs.
	Service string
	// Label is the upstream's public name, sent as the problem's
	// "dependency" member; empty means the upstream is not named.
	Label string
	// Kind classifies the failure.
	Kind Kind
	// Status is the upstream's HTTP status; zero for a transport failure.
	Status int
	// RetryAfter is the upstream's Retry-After, zero when absent.
	RetryAfter time.Duration
	// Attempts is how many requests were sent, retries included; zero for
	// a call the Client refused to send, or for a failure an SDK reported
	// (see SDKErrors), whose retries the Client does not see.
	Attempts int
	// Method and URL name the request for logs; URL has no user info,
	// query or fragment.
	Method, URL string
	// Response is the upstream's error response, nil for a transport
	// failure.
	Response *ResponseError
	// Err is the cause: the transport error, Response, the SDK's error, or
	// why the call was not sent (ErrQuotaExhausted, the breaker's error, the
	// token source's failure).
	Err error
	// Breaker is the state of the Client's circuit breaker after the call,
	// for logs — "closed (2 of 5 failures)", "open", "half-open" — and
	// empty for a Client without one.
	Breaker string

	// notSent reports a call the Client refused to send.
	notSent bool
	// advise is the Retry-After this API sends, in whole seconds; zero
	// means computed with the defaults.
	advise time.Duration
}

var _ problem.Provider = (*Error)(nil)

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) and
// errors.As(err, &*ResponseError) work.
func (e *Error) Unwrap() error { return e.Err }

// Error returns a description for logs: the service, kind, attempts,
// request, status, the upstream's request ID and Retry-After, and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "upstream %s: %s", e.Service, e.Kind)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	var details []string
	if e.Method != "" || e.URL != "" {
		details = append(details, strings.TrimSpace(e.Method+" "+e.URL))
	}
	if e.Status != 0 {
		details = append(details, "status "+strconv.Itoa(e.Status))
	}
	if e.Response != nil && e.Response.RequestID != "" {
		details = append(details, "request id "+e.Response.RequestID)
	}
	if e.RetryAfter > 0 {
		details = append(details, "retry after "+e.RetryAfter.Round(time.Millisecond).String())
	}
	if e.notSent {
		details = append(details, "not sent")
	}
	if e.Breaker != "" {
		details = append(details, "breaker "+e.Breaker)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// ProblemError returns the problem this API answers with, wrapping e as its
// cause:
//
//	Timeout      UPSTREAM_TIMEOUT       504
//	Unreachable  UPSTREAM_UNAVAILABLE   502
//	ServerError  UPSTREAM_ERROR         502
//	RateLimited  UPSTREAM_RATE_LIMITED  503  Retry-After
//	AuthFailed   UPSTREAM_AUTH_FAILED   502
//	Rejected     UPSTREAM_REJECTED      502
//	Canceled     CLIENT_CLOSED_REQUEST  499
//	CircuitOpen  UPSTREAM_CIRCUIT_OPEN  503  Retry-After
//
// The problem carries a "dependency" member only when Label is set.
// RateLimited problems carry Retry-After: the upstream's, rounded up to
// whole seconds and clamped to [1s, Options.MaxRetryAfter], or
// Options.DefaultRetryAfter when it sent none; for a call held back by the
// quota, the time left before its reset. CircuitOpen problems carry the
// time left before the breaker lets a trial call through. Every call
// returns a fresh *problem.Error.
func (e *Error) ProblemError() *problem.Error {
	pe := e.Kind.Code().New()
	if e.Label != "" && e.Kind != Canceled {
		pe.With("dependency", e.Label)
	}
	if e.Kind == RateLimited || e.Kind == CircuitOpen {
		advise := e.advise
		if advise <= 0 {
			advise = adviseRetryAfter(e.RetryAfter, e.RetryAfter > 0, 0, 0)
		}
		pe.WithHeader("Retry-After", strconv.FormatInt(int64(advise/time.Second), 10))
	}
	return pe.Wrap(e)
}

// adviseRetryAfter returns the Retry-After to send for an upstream's value
// ra, present or not, in whole seconds within [1s, max].
func adviseRetryAfter(ra time.Duration, present bool, def, limit time.Duration) time.Duration {
	if def <= 0 {
		def = DefaultRetryAfter
	}
	if limit <= 0 {
		limit = DefaultMaxRetryAfter
	}
	d := def
	if present {
		d = ra
	}
	d = min(max(d, minRetryAfter), limit)
	return (d + time.Second - 1).Truncate(time.Second)
}

// Debug returns what development mode shows of the failure under the
// problem's "debug" member: service, kind, status, attempts, request,
// Retry-After in seconds, the breaker's state, the upstream's request ID,
// problem and body excerpt, and the cause. The map is fresh; production must never show it.
func (e *Error) Debug() map[string]any {
	d := map[string]any{
		"service":  e.Service,
		"kind":     e.Kind.String(),
		"attempts": e.Attempts,
	}
	if e.Status != 0 {
		d["status"] = e.Status
	}
	if e.Method != "" {
		d["method"] = e.Method
	}
	if e.URL != "" {
		d["url"] = e.URL
	}
	if e.RetryAfter > 0 {
		d["retryAfter"] = int64((e.RetryAfter + time.Second - 1) / time.Second)
	}
	if e.Breaker != "" {
		d["breaker"] = e.Breaker
	}
	if e.notSent {
		d["sent"] = false
	}
	if r := e.Response; r != nil {
		if r.RequestID != "" {
			d["requestId"] = r.RequestID
		}
		if r.Problem != nil {
			if b, err := json.Marshal(r.Problem); err == nil {
				var m map[string]any
				if json.Unmarshal(b, &m) == nil {
					d["problem"] = m
				}
			}
		}
		if r.Excerpt != "" {
			d["excerpt"] = r.Excerpt
		}
	}
	if e.Err != nil {
		d["error"] = e.Err.Error()
	}
	return d
}
