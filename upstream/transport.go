package upstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// maxDrainRejected bounds what is read of a 401 answer before the request
// is sent again with a new token, so that the connection can be reused.
const maxDrainRejected = 4 << 10

// transport is the http.RoundTripper of every attempt, those of Do and
// those of the http.Client that HTTPClient returns. In order, it holds the
// call back while the upstream's quota is used up, asks the circuit
// breaker, adds the access token, bounds the attempt with the Client's
// Timeout, and sends it; a 401 gets a new token and one more try. A
// transport failure, or a call it did not send, becomes an *Error; a
// response, whatever its status, is returned as it is.
type transport struct{ c *Client }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	if left, err := c.quota.admit(req.Context()); err != nil {
		closeBody(req)
		if errors.Is(err, ErrQuotaExhausted) {
			return nil, c.refused(req, RateLimited, left, err)
		}
		return nil, c.failed(req, err)
	}
	done, left, err := c.breaker.allow()
	if err != nil {
		closeBody(req)
		return nil, c.refused(req, CircuitOpen, left, err)
	}
	resp, err := c.authorized(req)
	done(resp, err)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e // the token could not be had
		}
		return nil, c.failed(req, err)
	}
	c.quota.observe(resp.Header)
	c.noteRetryAfter(resp)
	return resp, nil
}

// noteRetryAfter records until when a 429 or 503 asked the Client to
// wait, for the SDK errors that keep no header (see SDKErrors).
func (c *Client) noteRetryAfter(resp *http.Response) {
	if kindOfStatus(resp.StatusCode) != RateLimited {
		return
	}
	now := time.Now()
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		c.busyUntil.Store(now.Add(min(d, maxSeconds*time.Second)).UnixNano())
	}
}

// authorized sends req with the access token, if the Client has a token
// source, and sends it once more with a new token when the upstream
// answers 401: whatever the method, since the upstream refused the request
// before processing it. A request whose body cannot be read again is not
// sent twice.
func (c *Client) authorized(req *http.Request) (*http.Response, error) {
	if c.tokens == nil {
		return c.attempt(req)
	}
	tok, err := c.tokens.get(req.Context())
	if err != nil {
		closeBody(req)
		return nil, c.tokenFailed(req, err)
	}
	resp, err := c.attempt(withToken(req, tok, req.Body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil
	}
	fresh, err := c.tokens.renew(req.Context(), tok)
	if err != nil || fresh.AccessToken == tok.AccessToken {
		// No other token to try: the upstream's 401 is the answer.
		return resp, nil
	}
	var body io.ReadCloser = http.NoBody
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainRejected))
	_ = resp.Body.Close()
	return c.attempt(withToken(req, fresh, body))
}

// withToken returns a copy of req with body and tok's Authorization
// header.
func withToken(req *http.Request, tok *oauth2.Token, body io.ReadCloser) *http.Request {
	r := req.Clone(req.Context())
	r.Body = body
	tok.SetAuthHeader(r)
	return r
}

// attempt sends req once, within the Client's Timeout, which goes on
// while the body is read and ends when it is closed.
func (c *Client) attempt(req *http.Request) (*http.Response, error) {
	if c.timeout <= 0 {
		return c.base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), c.timeout)
	resp, err := c.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Request = req
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// closeBody closes the body of a request that will not be sent, as a
// RoundTripper must.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// failed is the *Error of a transport failure of one attempt.
func (c *Client) failed(req *http.Request, err error) *Error {
	return &Error{
		Service: c.service, Label: c.opts.Label, Kind: transportKind(err),
		Attempts: 1, Method: req.Method, URL: redact(req.URL), Err: err,
		Breaker: c.breaker.describe(),
	}
}

// refused is the *Error of a call the Client did not send: the quota or
// the breaker held it back for left more.
func (c *Client) refused(req *http.Request, kind Kind, left time.Duration, err error) *Error {
	return &Error{
		Service: c.service, Label: c.opts.Label, Kind: kind,
		RetryAfter: left, Method: req.Method, URL: redact(req.URL), Err: err,
		Breaker: c.breaker.describe(), notSent: true,
		advise: adviseRetryAfter(left, true, c.opts.DefaultRetryAfter, c.opts.MaxRetryAfter),
	}
}

// tokenFailed is the *Error of a call sent without a token because none
// could be had: the token endpoint's refusal is AuthFailed, a network
// failure on the way to it is classified like any other.
func (c *Client) tokenFailed(req *http.Request, err error) *Error {
	kind := transportKind(err)
	var re *oauth2.RetrieveError
	var bad *unusableTokenError
	if errors.As(err, &re) || errors.As(err, &bad) {
		kind = AuthFailed
	}
	return &Error{
		Service: c.service, Label: c.opts.Label, Kind: kind,
		Method: req.Method, URL: redact(req.URL), Err: &tokenError{err},
		Breaker: c.breaker.describe(), notSent: true,
	}
}
