// Package problemhttp is problemkit's net/http and chi middleware: it gives
// every request an ID, recovers panics, and answers every failure — an error
// a handler returns, a panic, an unknown route or method — with an RFC 9457
// problem, localized, redacted in production, and logged once with log/slog.
//
// Its name keeps it apart from chi's middleware package, which chi users
// import beside it.
//
// The Pipeline replaces chi's RequestID and Recoverer; keep chi's others
// (RealIP, Compress, Timeout …) as you like.
//
// # Setting up
//
// Build one Pipeline per application and mount it first:
//
//	pl := problemhttp.New(problemhttp.Options{Logger: logger})
//	r := chi.NewRouter()
//	r.Use(pl.Handler)
//	r.NotFound(pl.NotFound)
//	r.MethodNotAllowed(pl.MethodNotAllowed)
//	r.Get("/users/{id}", problemhttp.Handle(getUser))
//
// One way to answer a failure: a handler returns it, through Handle. Code
// that cannot return an error, such as a middleware, calls WriteError. Both
// work with chi and http.ServeMux alike.
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
// 9110 §9.1 asks, and lists HEAD in the Allow header of its 405s.
//
// # Other code's error responses
//
// An error response written below the pipeline without a problem body — a
// text/plain or empty 4xx or 5xx, as http.Error, http.NotFound,
// http.TimeoutHandler, ServeMux and most third-party middleware write — is
// answered as the problem for its status: ROUTE_NOT_FOUND for a path no
// route matched, METHOD_NOT_ALLOWED, UNAUTHORIZED, PAYLOAD_TOO_LARGE, …
// (see problem.Generic). Its headers are dropped but for an allow-list:
// Allow, Retry-After, WWW-Authenticate, CORS, the RateLimit fields, the
// site-wide policies and the request ID (Options.KeepHeaders adds to it).
// Its body is dropped, never buffered. A JSON body, or a problem, is left
// as written; Options.ConvertResponse chooses otherwise,
// Options.KeepForeignErrors keeps them all, and KeepErrorResponses keeps
// one route's. On the success path this costs one comparison.
//
// # The pipeline
//
// Every failure takes the same road, each stage once, one value flowing
// through:
//
//	map       the catalog turns the error into a *problem.Error (see
//	          problem.Catalog.Map); a panic is a 500, a client that left a 499
//	redact    production reduces a 5xx to its declared texts and members
//	localize  the Localizer writes the texts in the client's language
//	render    problem+json (or +xml) with its headers
//	log       one log/slog record
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
// The exception is a response the pipeline itself answered with a problem
// in place of a foreign error response (http.Error, then return err):
// that problem is whole, so it is sent, and the later failure is logged
// beside it with a note. Hijacked connections are left alone. A request
// whose client went away (context.Canceled with the request's context
// done) is answered with a 499 CLIENT_CLOSED_REQUEST problem all the same
// and logged at info level: a client that closed only its sending side
// still reads, and must not receive net/http's implicit 200 for a request
// that failed; for one that is gone, the write fails and costs nothing.
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
// Production is the default: the zero Options are safe to face clients.
// Set Options.Development to see the debug member while developing.
//
// In production, a 5xx or unmapped error shows only its declared or
// generic title and detail, the code and the request ID: never the error's
// text, a panic value, a stack or a file path. Problems of 4xx codes keep
// their details and field errors, which are written for clients. In
// development, every problem adds a "debug" member with the error, its
// chain of wrapped errors and, for panics, the stack.
//
// # Logging
//
// Each failure produces exactly one log/slog record with the request ID,
// method, route pattern (ServeMux's or chi's), path, status, code, the full
// error text and, when the answer had to be decided from too little, a
// warning that says what was decided. 5xx are logged at error level (panics
// with their stack), 4xx at Options.ClientErrorLevel. Request headers, bodies and field values are
// never logged, so Authorization, Cookie, API keys and secret fields cannot
// reach the log through the pipeline. Every attribute has a size, counted
// as slog's text and JSON handlers escape it (the path 1 KiB, the error
// text 4 KiB, the stack 6 KiB …; see docs/security.md), so a record stays
// below 16 KiB whatever the request.
//
// # Request IDs
//
// An inbound X-Request-ID (configurable) is kept only when it is 1–128
// bytes of [A-Za-z0-9._:-]; anything else is replaced by a new UUIDv7. The
// ID is set on the response and in the context (RequestIDFromContext) and
// is the problem's requestId member.
package problemhttp
