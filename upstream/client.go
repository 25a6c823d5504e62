package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultTimeout bounds each attempt of a call when Options.Timeout is
// zero.
const DefaultTimeout = 10 * time.Second

// Options configures a Client. The zero value means the defaults.
type Options struct {
	// Label is the upstream's public name, sent as the "dependency" member
	// of the problems its failures become. Empty, the default, names
	// nothing: clients only learn that a dependency failed.
	Label string
	// Transport sends each attempt. Nil means a clone of
	// http.DefaultTransport, so each Client has its own connection pool.
	Transport http.RoundTripper
	// Timeout bounds each attempt, reading the response body included, like
	// http.Client.Timeout. Zero means DefaultTimeout; negative means none
	// beyond the request's context.
	Timeout time.Duration
	// Token sends an OAuth 2 access token with every request and renews
	// it; see TokenOptions. The zero value sends none.
	Token TokenOptions
	// Quota holds calls back while the quota the upstream announced is
	// used up; see QuotaOptions. It is on by default.
	Quota QuotaOptions
	// Breaker stops calling an upstream that keeps failing; see
	// BreakerOptions. The zero value has no breaker.
	Breaker BreakerOptions
	// CheckRedirect is the redirect policy, as in http.Client; nil follows
	// up to 10 redirects.
	CheckRedirect func(req *http.Request, via []*http.Request) error
	// Retry is the retry policy; see RetryOptions.
	Retry RetryOptions
	// Decode reads upstream error bodies; see DecodeOptions.
	Decode DecodeOptions
	// DefaultRetryAfter is the Retry-After this API advises for a
	// RateLimited failure whose upstream sent none. Zero means
	// DefaultRetryAfter.
	DefaultRetryAfter time.Duration
	// MaxRetryAfter caps the Retry-After this API advises. Zero means
	// DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// Logger receives go-retryablehttp's per-attempt messages, all at debug
	// level (the final failure is returned, not logged). Nil logs nothing.
	// Its messages include request URLs.
	Logger *slog.Logger
}

// Client calls one upstream service and turns its failures into *Error
// values. It is safe for concurrent use; make one per upstream at start-up:
// its token, quota and circuit breaker are the upstream's, shared by every
// call.
type Client struct {
	service string
	opts    Options
	base    http.RoundTripper
	timeout time.Duration // per attempt; 0 for none
	tokens  *tokens       // nil without a token source
	quota   *quota        // nil when disabled
	breaker *breaker      // nil without a breaker
	// busyUntil is when the last 429 or 503 with a Retry-After said calls
	// may be sent again, in Unix nanoseconds.
	busyUntil atomic.Int64
	hc        *http.Client
	rc        *retryablehttp.Client
	policy    retryPolicy
}

// New returns a Client for the upstream service, a name used in logs only.
func New(service string, opts Options) *Client {
	tr := opts.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	timeout := opts.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		timeout = 0
	}
	c := &Client{
		service: service, opts: opts, base: tr, timeout: timeout,
		tokens:  newTokens(opts.Token),
		quota:   newQuota(opts.Quota, opts.MaxRetryAfter),
		breaker: newBreaker(service, opts.Breaker),
		policy:  newRetryPolicy(opts.Retry),
	}
	// The attempt's timeout is the transport's, not http.Client.Timeout:
	// http.Client replaces the error of a call its own timer ended with a
	// text-only one, which would hide the *Error from an SDK's caller.
	c.hc = &http.Client{Transport: transport{c}, CheckRedirect: opts.CheckRedirect}
	c.rc = &retryablehttp.Client{
		HTTPClient:   c.hc,
		RetryWaitMin: c.policy.waitMin,
		RetryWaitMax: c.policy.waitMax,
		RetryMax:     c.policy.maxAttempts - 1,
		CheckRetry:   c.policy.checkRetry,
		Backoff:      c.policy.backoff,
		// Return the last response or error as it is, so Do classifies it
		// like any other; Do closes the body.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if opts.Logger != nil {
		c.rc.Logger = slogAdapter{opts.Logger}
	}
	return c
}

// Service returns the upstream's name given to New.
func (c *Client) Service() string { return c.service }

// HTTPClient returns an *http.Client for an SDK that takes one, so that the
// SDK's calls share this Client's token, quota, circuit breaker and
// per-attempt Timeout, and its failures still answer 502, 503 or 504 (see
// the package doc, "Calling a service through an SDK"). Its transport
// failures — and the calls the Client refuses to send — are *Error values
// inside the *url.Error it returns; its responses, error statuses
// included, are returned as they are, for the SDK to read. It does not
// retry: the SDK does. Every call returns the same *http.Client; do not
// modify it, and set no Timeout on it, since http.Client's own timeout
// error would hide the *Error.
func (c *Client) HTTPClient() *http.Client { return c.hc }

// Do sends req, retrying as the retry policy allows, and returns the
// response when its status is below 400; the caller must close its body.
// Otherwise it returns nil and an *Error: for a transport failure, or for
// an error response, whose body it has read (up to a bound) and closed.
// An error that is no *Error means req itself was unusable, such as a body
// that could not be read.
//
// A retryable request's body is sent again through req.GetBody when it is
// set (http.NewRequest sets it for in-memory bodies), otherwise it is read
// into memory first; other requests are sent once, as they are.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	resp, attempts, err := c.send(req)
	return c.check(req.Method, req.URL, resp, err, attempts)
}

// Check classifies the result of a call made without Do, such as
// http.Client.Do: it returns resp when err is nil and the status is below
// 400, otherwise nil and an *Error, having read and closed the body.
func (c *Client) Check(resp *http.Response, err error) (*http.Response, error) {
	if resp == nil && err == nil {
		// Not a result any http.Client gives; refuse it rather than crash.
		err = errors.New("upstream: no response and no error")
	}
	var method string
	var u *url.URL
	var ue *url.Error
	switch {
	case resp != nil && resp.Request != nil:
		method, u = resp.Request.Method, resp.Request.URL
	case errors.As(err, &ue):
		method = strings.ToUpper(ue.Op)
		u, _ = url.Parse(ue.URL)
	}
	return c.check(method, u, resp, err, 1)
}

// send makes the call: once, or through go-retryablehttp when the request
// may be repeated.
func (c *Client) send(req *http.Request) (*http.Response, int, error) {
	if c.policy.maxAttempts <= 1 || !retryable(req) {
		resp, err := c.hc.Do(req)
		return resp, 1, err
	}
	// Make the body replayable: through GetBody when the request has one
	// (http.NewRequest sets it for in-memory bodies), else read into memory.
	var body any
	switch {
	case req.Body == nil || req.Body == http.NoBody:
	case req.GetBody != nil:
		body = retryablehttp.ReaderFunc(func() (io.Reader, error) { return req.GetBody() })
		_ = req.Body.Close() // never read: every attempt gets a fresh one
	default:
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("upstream %s: read request body: %w", c.service, err)
		}
		body = b
	}
	st := &retryState{start: time.Now()}
	r := req.WithContext(context.WithValue(req.Context(), stateKey{}, st))
	r.Body = nil
	rreq, err := retryablehttp.FromRequest(r)
	if err == nil && body != nil {
		err = rreq.SetBody(body)
		if req.GetBody != nil {
			rreq.ContentLength = req.ContentLength // SetBody cannot tell it from GetBody
		}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("upstream %s: request body: %w", c.service, err)
	}
	resp, err := c.rc.Do(rreq)
	return resp, max(st.attempts, 1), err
}

// check turns a failed call into an *Error.
func (c *Client) check(method string, u *url.URL, resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close() // a CheckRedirect error comes with the response
		}
		var e *Error
		if errors.As(err, &e) {
			// The transport's: a copy with the attempts of the whole call,
			// the last one not counted when it was not sent.
			out := *e
			out.Attempts = attempts
			if out.notSent {
				out.Attempts--
			}
			out.Breaker = c.breaker.describe()
			return nil, &out
		}
		if attempts == 0 { // the request was unusable: not the upstream's failure
			return nil, err
		}
		cause := err
		var ue *url.Error
		if errors.As(err, &ue) {
			cause = ue.Err // its text repeats the URL, query string included
		}
		return nil, &Error{
			Service: c.service, Label: c.opts.Label, Kind: transportKind(err),
			Attempts: attempts, Method: method, URL: redact(u), Err: cause,
			Breaker: c.breaker.describe(),
		}
	}
	if resp.StatusCode < 400 {
		return resp, nil
	}
	if resp.Request != nil {
		method, u = resp.Request.Method, resp.Request.URL // after redirects
	}
	re := DecodeResponse(resp, c.opts.Decode)
	return nil, c.responseError(re, method, u, attempts, re)
}

// responseError is the *Error of an error response, whose cause is err.
func (c *Client) responseError(re *ResponseError, method string, u *url.URL, attempts int, err error) *Error {
	ra, ok := ParseRetryAfter(re.Header.Get("Retry-After"), time.Now())
	return &Error{
		Service: c.service, Label: c.opts.Label, Kind: kindOfStatus(re.Status),
		Status: re.Status, RetryAfter: ra, Attempts: attempts,
		Method: method, URL: redact(u), Response: re, Err: err,
		Breaker: c.breaker.describe(),
		advise:  adviseRetryAfter(ra, ok, c.opts.DefaultRetryAfter, c.opts.MaxRetryAfter),
	}
}

// transportKind classifies an error of http.Client.Do.
func transportKind(err error) Kind {
	var ne interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return Timeout
	default:
		return Unreachable
	}
}

// redact returns u without user info, query and fragment.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return r.String()
}
