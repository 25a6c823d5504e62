package upstream

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// SDKErrors returns a mapping for problem.Catalog.MapFunc that answers an
// SDK's own error type E for an error response — the SDK that calls c's
// upstream through c.HTTPClient — as c answers that response: 502, 503 or
// 504 with the right code and Retry-After, never the upstream's status,
// and nothing of what the upstream said. Register it at start-up:
//
//	catalog.MapFunc(upstream.SDKErrors(embeddings,
//		func(e *openai.Error) *http.Response { return e.Response }))
//
// The mapping finds the first E in the error's chain (errors.As) and reads
// the status, the headers (Retry-After, the upstream's request ID) and the
// request from the *http.Response that response returns. For an SDK whose
// error keeps no response, response may build one from what the error
// keeps, or be nil: the status then comes from a StatusCode() int or
// HTTPStatusCode() int method of E, and the Retry-After of a 429 or 503
// from the last one c's transport saw, while it holds (the upstream asks
// the caller, not one request, to wait), else Options.DefaultRetryAfter. An E with no error status (400–599) is
// left to the catalog's other mappings, as an SDK's error for a request it
// never sent should be.
//
// Errors of E's type that reach the pipeline some other way — not through
// c — are answered as c's too: give each SDK its own type, or its own
// mapping.
//
// Nothing is needed for a transport failure: the *Error the http.Client of
// c.HTTPClient returns for it is found in any SDK error that wraps it
// (%w, an Unwrap method), or that is it.
func SDKErrors[E error](c *Client, response func(E) *http.Response) func(error) *problem.Error {
	return func(err error) *problem.Error {
		var e E
		if !errors.As(err, &e) {
			return nil
		}
		var resp *http.Response
		if response != nil {
			resp = response(e)
		}
		status, header := 0, http.Header(nil)
		if resp != nil {
			status, header = resp.StatusCode, resp.Header
		} else {
			status = statusOf(e)
		}
		if status < 400 || status > 599 {
			return nil
		}
		var method string
		var u *url.URL
		if resp != nil && resp.Request != nil {
			method, u = resp.Request.Method, resp.Request.URL
		}
		re := c.opts.Decode.decode(status, header, nil, false)
		ue := c.responseError(re, method, u, 0, err)
		if header == nil && ue.Kind == RateLimited {
			// The SDK kept no header: the Retry-After of the Client's
			// last 429 or 503, when it still holds.
			if left := time.Until(time.Unix(0, c.busyUntil.Load())); left > 0 {
				ue.RetryAfter = left
				ue.advise = adviseRetryAfter(left, true, c.opts.DefaultRetryAfter, c.opts.MaxRetryAfter)
			}
		}
		return ue.ProblemError()
	}
}

// statusOf returns the status an SDK error reports through a method.
func statusOf(err error) int {
	switch e := err.(type) {
	case interface{ StatusCode() int }:
		return e.StatusCode()
	case interface{ HTTPStatusCode() int }:
		return e.HTTPStatusCode()
	}
	return 0
}
