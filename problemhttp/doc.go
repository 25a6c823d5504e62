// Package problemhttp is problemkit's net/http and chi middleware: it gives
// every request an ID, recovers panics, and answers every failure — an error
// a handler returns, a panic, an unknown route or method, another
// middleware's error response — with an RFC 9457 problem
// ([problem.Problem]), localized, redacted in production, and logged once
// with log/slog. Its name keeps it apart from chi's middleware package,
// which chi users import beside it.
//
// # Setting up
//
// Build one [Pipeline] per application with [New] and mount it first. It
// replaces chi's RequestID and Recoverer; keep chi's others (RealIP,
// Compress, Timeout …) as you like:
//
//	pl := problemhttp.New(problemhttp.Options{Catalog: catalog, Localizer: bundle, Logger: logger})
//	r := chi.NewRouter()
//	r.Use(pl.Handler)
//	r.NotFound(pl.NotFound)
//	r.MethodNotAllowed(pl.MethodNotAllowed)
//	r.Get("/users/{id}", problemhttp.Handle(getUser))
//
// The [Options.Catalog] is the application's [problem.Catalog], with the
// features it uses included; the [Options.Localizer] is an i18n bundle
// built from the same catalog.
//
// One way to answer a failure: a handler returns it, through [Handle]. Code
// that cannot return an error, such as a middleware, calls [WriteError].
// Both work with chi and http.ServeMux alike.
//
// On http.ServeMux, register routes with method patterns and no catch-all,
// and wrap the mux: the pipeline turns ServeMux's own 404 and 405 (with the
// Allow header ServeMux computed) into problems, as every foreign error
// response (see below), and ServeMux answers HEAD on GET routes itself:
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /users/{id}", problemhttp.Handle(getUser))
//	http.ListenAndServe(addr, pl.Handler(mux))
//
// On chi, mount the pipeline in the router with Use, as above: it then
// answers HEAD on every GET route that has no HEAD route of its own, as RFC
// 9110 §9.1 asks, and lists HEAD in the Allow header of its 405s
// ([Pipeline.NotFound], [Pipeline.MethodNotAllowed]).
//
// # What an error becomes
//
// The pipeline decides once what a failure is; the catalog recognises the
// error ([problem.Catalog.Map], all of it in one file), and the pipeline
// adds what only the request can tell:
//
//	a *problem.Error (Code.New), anywhere in the chain   its code, members, headers and field errors
//	an error with ProblemError() *problem.Error          what it returns (problem.Provider: the upstream package's errors)
//	an error a MapError or MapFunc mapping recognises    what the mapping returns
//	an error with Problem() *problem.Problem             another API's problem: a 4xx keeps its texts as literals,
//	                                                     a 5xx nothing; a code the catalog declares, its declaration
//	an error with ErrorCode() string                     the code the catalog declares, else INTERNAL_ERROR (noted)
//	an error with StatusCode() int                       the generic code of the status, such as CONFLICT (noted)
//	    (both: the declared code; ProblemExtensions() map[string]any adds members to a 4xx)
//	context.DeadlineExceeded                             503 TIMEOUT
//	context.Canceled, the client gone                    499 CLIENT_CLOSED_REQUEST, logged at info
//	context.Canceled, the client still there             500 INTERNAL_ERROR: the server cancelled its own work
//	a panic, whatever its value                          500 INTERNAL_ERROR, logged with its stack
//	a path no route matches; a method it lacks           404 ROUTE_NOT_FOUND; 405 METHOD_NOT_ALLOWED with Allow
//	a text/plain or empty 4xx or 5xx written below       the problem for its status (see below)
//	anything else                                        500 INTERNAL_ERROR: the cause is logged, never shown
//
// "Noted" means the record carries a warning that says what was decided
// from too little. In development, an error with a Debug() map[string]any
// method adds to the debug member.
//
// # The pipeline
//
// Every failure takes the same road, each stage a function of its own,
// each once, and one value, the [Failure], flows from the first to the
// last:
//
//	decide     map the error (above), redact what production must not show,
//	           localize the texts: the Failure, with its status, problem
//	           document and record; nothing is written yet
//	OnFailure  the one extension point: it may add members and log
//	           attributes (Options.OnFailure; problemotel uses it)
//	render     problem+json (or +xml) with its headers, from the Failure
//	log        one log/slog record, from the Failure
//
// Writing and logging only read the Failure; no stage writes back into an
// earlier one, and the response writer never calls into the pipeline.
//
// # Other code's error responses
//
// An error response written below the pipeline without a problem body — a
// text/plain or empty 4xx or 5xx, as http.Error, http.NotFound,
// http.TimeoutHandler, ServeMux and most third-party middleware write — is
// answered as the problem for its status: ROUTE_NOT_FOUND for a path no
// route matched, METHOD_NOT_ALLOWED, UNAUTHORIZED, PAYLOAD_TOO_LARGE, …
// (see [problem.Generic]). The response writer holds it back and drops its
// body, never buffered; the pipeline answers it when the code that wrote
// it returns, or first when that code then fails. Its headers are dropped
// but for an allow-list: Allow, Retry-After, WWW-Authenticate, CORS, the
// RateLimit fields, the site-wide policies and the request ID
// ([Options].KeepHeaders adds to it). A JSON body, or a problem, is left as
// written; [Options].ConvertResponse chooses otherwise,
// [Options].KeepForeignErrors keeps them all, and [KeepErrorResponses] keeps
// one route's. The cause the record logs is a [ForeignResponseError]. On
// the success path this costs one comparison.
//
// # What is written
//
// Content-Type application/problem+json, or application/problem+xml when
// the client ranks it higher in Accept; the status member equals the HTTP
// status; Cache-Control: no-store; X-Content-Type-Options: nosniff;
// Content-Language; Vary: Accept, Accept-Language; the request ID header;
// any header the problem carries (Retry-After, Allow, WWW-Authenticate).
// HEAD requests get the headers without the body. Headers a handler set
// for the response it meant to send (Content-Length, Content-Encoding,
// ETag, Last-Modified …) are removed.
//
// A failure is never a success, and nothing is written twice. When a
// handler fails after its response has started — it returns an error,
// calls WriteError or panics — the failure is logged, nothing is appended,
// and the response is aborted (a panic with http.ErrAbortHandler, which
// net/http answers by closing the connection or resetting the HTTP/2
// stream), so the client cannot take a truncated body for a whole one.
// The exception is a foreign error response the pipeline answered with a
// problem (http.Error, then return err): that problem is whole, so it is
// sent, and the later failure is logged beside it with a note. Hijacked
// connections are left alone. A request whose client went away
// (context.Canceled with the request's context done) is answered with a
// 499 CLIENT_CLOSED_REQUEST problem all the same and logged at info level:
// a client that closed only its sending side still reads, and must not
// receive net/http's implicit 200 for a request that failed; for one that
// is gone, the write fails and costs nothing.
//
// # Bounded reflection
//
// Whatever a client sends, the answer to it has a fixed size: the instance
// member is at most 1 KiB of the request path, titles, details and field
// messages at most 4 KiB, a field error's field, rule and parameter at
// most 256 bytes and its pointer 1 KiB, a string extension member 4 KiB,
// and the errors member at most 100 entries (its count member, when there
// is one, says how many failed). A value that was cut ends in "…" (in a
// URI reference, %E2%80%A6).
//
// # Production and development
//
// Production is the default: the zero [Options] are safe to face clients.
// Set [Options].Development to see the debug member while developing.
//
// In production, a 5xx or unmapped error shows only its declared or
// generic title and detail, the code and the request ID: never the error's
// text, a panic value, a stack or a file path. Problems of 4xx codes keep
// their details and field errors, which are written for clients. In
// development, every problem adds a "debug" member with the error, its
// chain of wrapped errors and, for panics, the value and the stack.
//
// # Logging
//
// Each failure produces exactly one log/slog record with the request ID,
// method, route pattern (ServeMux's or chi's), path, status, code, the full
// error text and, when the answer had to be decided from too little, a
// warning that says what was decided. 5xx are logged at error level (panics
// with their stack), 4xx at [Options].ClientErrorLevel. Request headers,
// bodies and field values are never logged, so Authorization, Cookie, API
// keys and secret fields cannot reach the log through the pipeline. Every
// attribute has a size, counted as slog's text and JSON handlers escape it
// (the path 1 KiB, the error text 4 KiB, the stack 6 KiB …; see
// docs/security.md), so a record stays below 16 KiB whatever the request.
//
// # Request IDs
//
// An inbound X-Request-ID (configurable: [Options].RequestIDHeader) is kept
// only when it is 1–128 bytes of [A-Za-z0-9._:-] ([ValidRequestID]);
// anything else is replaced by a new UUIDv7. The ID is set on the response
// and in the context ([RequestIDFromContext]) and is the problem's
// requestId member.
//
// # Rate limits
//
// [Pipeline.RateLimit] answers for a go-chi/httprate limiter: the RateLimit
// header fields on every response of a limited route, and a 429
// RATE_LIMITED problem with Retry-After when the limit is reached.
package problemhttp
