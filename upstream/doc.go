// Package upstream calls other services and turns their failures into typed
// errors ([Error]) that problemkit answers with 502, 503 or 504 — never
// with the upstream's own status, and never showing what the upstream said.
// It is a module of its own, so that only applications that call other
// services have its dependencies in their build.
//
// # Calling a service
//
// Make one [Client] per upstream at start-up with [New] and its [Options],
// include the package's codes, [Feature], in the application's catalog
// ([problem.Catalog.Include]), and send requests with [Client.Do]:
//
//	embeddings := upstream.New("embeddings-v2", upstream.Options{Label: "embeddings"})
//	resp, err := embeddings.Do(req)
//	if err != nil {
//		return err // an *upstream.Error: the pipeline answers it
//	}
//	defer resp.Body.Close()
//
// Do returns the response when its status is below 400. Otherwise it
// returns an *Error, having decoded the upstream's problem into a
// [ResponseError] (RFC 9457 JSON or XML, or a common non-RFC error shape,
// see [DecodeResponse]) and closed the body. [Client.Check] does the same
// for a call made some other way.
//
// Why Do and not only an [http.RoundTripper]: a RoundTripper must return
// the response, whatever its status, and no error with it, so it cannot
// turn a 503 into an error; and a retry must replay the request body,
// which needs the request before it is sent. Do is the one place that can
// do both. Every attempt, Do's and an SDK's (see [Client.HTTPClient]),
// goes through the Client's own RoundTripper, which holds the call back
// while the quota is used up or the circuit breaker is open, adds the
// access token, bounds the attempt with [Options.Timeout] and turns a
// transport failure into an *Error.
//
// # What clients see
//
// An *Error is a [problem.Provider]: [Error.ProblemError] answers the
// [Kind] of failure with its code ([Kind.Code]), one of [Feature]'s:
//
//	timeout, context deadline        UPSTREAM_TIMEOUT       504
//	refused, DNS, TLS, reset         UPSTREAM_UNAVAILABLE   502
//	upstream 5xx other than 503      UPSTREAM_ERROR         502
//	upstream 429 or 503              UPSTREAM_RATE_LIMITED  503 + Retry-After
//	upstream 401 or 403              UPSTREAM_AUTH_FAILED   502
//	upstream other 4xx               UPSTREAM_REJECTED      502
//	context canceled                 CLIENT_CLOSED_REQUEST  499
//	quota used up (call not sent)    UPSTREAM_RATE_LIMITED  503 + Retry-After
//	breaker open (call not sent)     UPSTREAM_CIRCUIT_OPEN  503 + Retry-After
//	no token to be had               UPSTREAM_AUTH_FAILED   502
//
// An unreachable upstream is a 502, not a 503: this API acted as a gateway
// and got no valid response (RFC 9110 §15.6.3). 503 is kept for "busy,
// retry after": an upstream that rate limits or sheds this API, so that
// clients see a Retry-After they can act on. An upstream's 401 or 403 is
// about this API's own credentials: it is never the client's fault, so it
// is a 502, and like every 5xx the pipeline
// ([github.com/problemkit/problemkit/problemhttp]) logs it at error level
// so operators learn about it.
//
// The Retry-After this API sends is the upstream's, rounded up to whole
// seconds and clamped between 1 s and [Options.MaxRetryAfter]
// ([DefaultMaxRetryAfter], 5 min), or [Options.DefaultRetryAfter]
// ([DefaultRetryAfter], 30 s) when the upstream sent none
// ([ParseRetryAfter] reads it).
//
// The problem names the upstream only through its "dependency" member, and
// only when [Options.Label] is set: Label is a public name the application
// chooses, never the service's host or URL. Nothing of the upstream's body,
// status, headers or URL is shown. The *Error stays the problem's cause, so
// the log has all of it — service, kind, attempts, method and URL (without
// query string or user info), status, the upstream's request ID and problem
// — and in development mode the pipeline shows [Error.Debug] under the
// problem's "debug" member.
//
// # Retries
//
// Do retries through hashicorp/go-retryablehttp with the policy
// [RetryOptions] describes ([Options.Retry]): only requests that may be
// repeated (idempotent methods, or an Idempotency-Key header), only after
// transport failures or 429, 502, 503 and 504, with exponential backoff and
// full jitter, a bounded number of attempts and a bounded total time,
// honoring Retry-After, and never past the request context's deadline. The
// last failure is returned as an *Error like any other, with
// [Error].Attempts telling how many were made.
//
// go-retryablehttp's CheckRetry hook receives the context but not the
// request, so Do decides from the method and headers whether a request may
// be retried before sending it — requests that may not are sent once,
// without go-retryablehttp — and keeps the per-call state the hook needs
// (start time, attempts) in the request's context. Its Backoff hook sees
// only the response, so CheckRetry allows a retry only when the longest
// wait Backoff may choose ends before the deadline.
//
// # Tokens, quotas and the circuit breaker
//
// Each Client keeps, for its upstream and across all its calls:
//
//   - an OAuth 2 access token from an oauth2.TokenSource, renewed ahead of
//     its expiry and after a 401, which gets the request sent once more
//     (see [TokenOptions], [Options.Token]);
//   - the quota the upstream announces (X-RateLimit-*, RateLimit-*, the
//     IETF RateLimit field): at zero, calls are not sent until the reset
//     and fail at once with 503 and a Retry-After ([ErrQuotaExhausted]),
//     or wait for it when it is near (see [QuotaOptions], [Options.Quota]);
//   - a circuit breaker on sony/gobreaker/v2, when [Options.Breaker] asks
//     for one: after repeated failures it stops calling the upstream and
//     answers 503 UPSTREAM_CIRCUIT_OPEN at once, with the time left before
//     a trial call as Retry-After (see [BreakerOptions]).
//
// A call held back is never retried, and its *Error says "not sent".
//
// # Calling a service through an SDK
//
// Most services are called through their SDK, which takes an *http.Client
// and returns its own error types. Give it [Client.HTTPClient]'s: its
// calls then share the Client's token, quota, breaker and timeout. What
// reaches the pipeline is the SDK's error, and which problem it becomes
// depends on its shape:
//
//   - A transport failure — timeout, refused connection, DNS, TLS — and a
//     call the Client held back are an *Error inside the *url.Error the
//     http.Client returns. An SDK that returns that error as it is (as
//     openai-go and other Stainless SDKs do), or wraps it (with %w, or in
//     its own type with an Unwrap method, as the AWS SDK's OperationError
//     does), needs nothing more: the pipeline finds the *Error, and
//     answers 502, 503 or 504. Bound the call with [Options.Timeout] rather
//     than with the SDK's own timeout: an SDK whose timeout fires returns
//     its context's bare error (openai-go does), which the pipeline can
//     only take for this API's own TIMEOUT.
//   - An error response is the SDK's to read, so the http.Client returns
//     it as it is, and the SDK makes its own error of it. Register that
//     type with [SDKErrors] (a mapping for [problem.Catalog.MapFunc]): the
//     pipeline then answers it as the Client answers the response.
//     SDKErrors reads the response the error keeps (openai-go,
//     anthropic-sdk-go and other Stainless SDKs: Response; Azure:
//     RawResponse; AWS: the smithy ResponseError's Response), or one
//     built from its fields (googleapi.Error: Code and Header), or the
//     status of a StatusCode() int or HTTPStatusCode() int method.
//
// Not covered: an SDK that turns a transport error into text (fmt.Errorf
// with %v) loses the *Error, and its error is a 500, logged; an SDK error
// type not registered with SDKErrors is mapped like any other error — with
// a StatusCode() method, as if the upstream's status were this API's own.
// A status alone cannot tell an upstream's 404 from a domain error's, so
// SDKErrors asks for the type rather than guessing. An SDK that retries
// connection errors retries the calls the Client holds back too: each
// retry is held back again, without reaching the upstream, but the SDK
// waits its backoff between them; lower its retries if that matters. The
// log record of an SDK's failure holds the SDK's own error text, whatever
// it says: the request URL with its query string, for some.
//
// # Rate limiting this API
//
// Limiting this API's own clients is the pipeline's job, not this
// package's: [github.com/problemkit/problemkit/problemhttp.Pipeline.RateLimit]
// answers for a go-chi/httprate limiter with the RATE_LIMITED problem
// ([problem.RateLimited]) and the RateLimit header fields.
package upstream
