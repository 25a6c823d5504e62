// Package upstream calls other services and turns their failures into typed
// errors that problemkit answers with 502, 503 or 504 — never with the
// upstream's own status, and never showing what the upstream said.
//
// # Calling a service
//
// Make one Client per upstream at start-up and send requests with Do:
//
//	embeddings := upstream.New("embeddings-v2", upstream.Options{Label: "embeddings"})
//	resp, err := embeddings.Do(req)
//	if err != nil {
//		return err // an *upstream.Error: the middleware maps it
//	}
//	defer resp.Body.Close()
//
// Do returns the response when its status is below 400. Otherwise it
// returns an *Error, having decoded the upstream's problem (RFC 9457 JSON
// or XML, or a common non-RFC error shape, see DecodeResponse) and
// closed the body. Check does the same for a call made some other way.
//
// Why a Client and not an http.RoundTripper: a RoundTripper must return
// the response, whatever its status, and no error with it (see
// http.RoundTripper), so it cannot turn a 503 into an error; and a retry
// must replay the request body, which needs the request before it is sent.
// Do is the one place that can do both.
//
// # What clients see
//
// Error.ProblemError maps the Kind of failure to a catalog code:
//
//	timeout, context deadline        UPSTREAM_TIMEOUT       504
//	refused, DNS, TLS, reset         UPSTREAM_UNAVAILABLE   502
//	upstream 5xx other than 503      UPSTREAM_ERROR         502
//	upstream 429 or 503              UPSTREAM_RATE_LIMITED  503 + Retry-After
//	upstream 401 or 403              UPSTREAM_AUTH_FAILED   502
//	upstream other 4xx               UPSTREAM_REJECTED      502
//	context canceled                 CLIENT_CLOSED_REQUEST  499 (not written)
//
// An unreachable upstream is a 502, not a 503: this API acted as a gateway
// and got no valid response (RFC 9110 §15.6.3). 503 is kept for "busy,
// retry after": an upstream that rate limits or sheds this API, so that
// clients see a Retry-After they can act on. An upstream's 401 or 403 is
// about this API's own credentials: it is never the client's fault, so it
// is a 502, and like every 5xx the middleware logs it at error level so
// operators learn about it.
//
// The Retry-After this API sends is the upstream's, rounded up to whole
// seconds and clamped to [1 s, Options.MaxRetryAfter] (default 5 min), or
// Options.DefaultRetryAfter (default 30 s) when the upstream sent none.
//
// The problem names the upstream only through its "dependency" member, and
// only when Options.Label is set: Label is a public name the application
// chooses, never the service's host or URL. Nothing of the upstream's body,
// status, headers or URL is shown. The *Error stays the problem's cause, so
// the log has all of it — service, kind, attempts, method and URL (without
// query string or user info), status, the upstream's request ID and problem
// — and in development mode the middleware shows Error.Debug under the
// problem's "debug" member.
//
// # Retries
//
// Do retries through hashicorp/go-retryablehttp with the policy RetryOptions
// describes: only requests that may be repeated (idempotent methods, or an
// Idempotency-Key header), only after transport failures or 429, 502, 503
// and 504, with exponential backoff and full jitter, a bounded number of
// attempts and a bounded total time, honoring Retry-After, and never past
// the request context's deadline. The last failure is returned as an
// *Error like any other, with Attempts telling how many were made.
//
// go-retryablehttp's CheckRetry hook receives the context but not the
// request, so Do decides from the method and headers whether a request may
// be retried before sending it — requests that may not are sent once,
// without go-retryablehttp — and keeps the per-call state the hook needs
// (start time, attempts) in the request's context. Its Backoff hook sees
// only the response, so CheckRetry allows a retry only when the longest
// wait Backoff may choose ends before the deadline.
//
// # Rate limiting this API
//
// Limiting this API's own clients is the middleware's job, not this
// package's. With go-chi/httprate, answer with the RATE_LIMITED problem from
// its limit handler, for example:
//
//	httprate.Limit(100, time.Minute, httprate.WithLimitHandler(
//		func(w http.ResponseWriter, r *http.Request) {
//			// render problem.RateLimited.New() with the middleware's renderer,
//			// with a Retry-After header
//		}))
package upstream
