// Package problemotel records problemkit's failures in OpenTelemetry,
// through the pipeline's one extension point,
// [problemhttp.Options.OnFailure], which hands it each [problemhttp.Failure].
// It uses the OpenTelemetry API only; the application picks the SDK and
// exporters. It is a module of its own, so that only applications that use
// OpenTelemetry have it in their build.
//
// # Setting up
//
// Build one [Integration] with [New], hand its [Integration.OnFailure] to
// the pipeline ([problemhttp.New]), and start each request's server span
// outside the pipeline ([problemhttp.Pipeline.Handler]), with otelhttp
// around the whole handler:
//
//	otl, err := problemotel.New(problemotel.Options{MeterProvider: mp})
//	if err != nil { … }
//	pl := problemhttp.New(problemhttp.Options{OnFailure: otl.OnFailure})
//	mux.Handle("GET /users/{id}", problemhttp.Handle(getUser))
//	http.ListenAndServe(addr, otelhttp.NewHandler(pl.Handler(mux), "server"))
//
// The span must be in the request's context when the pipeline starts: a
// panic is answered by the pipeline's own handler, with the request it
// received, so a span started below it (a chi middleware mounted after
// pl.Handler) misses panics. A context that carries only a propagated span
// context (W3C traceparent, no SDK) still gets its traceId member and log
// attributes.
//
// Below the pipeline, otelhttp sees neither chi's route nor the pattern
// ServeMux sets, so it names spans after the method alone ("GET"). A
// middleware mounted under the pipeline (with chi's Use, or directly
// around the ServeMux) can rename the span after the route: the demo's
// routeSpan, in example_server/otel.go, does.
//
// [Options.MeterProvider] nil means the global otel.GetMeterProvider().
// The Integration starts no span, so it takes no TracerProvider.
//
// # What each signal holds
//
// For every failure whose request's context has a valid span context,
// sampled or not:
//
//   - the problem gets a "traceId" member ([TraceIDMember]): the 32-hex
//     W3C trace ID (not the traceparent), the same as the span's and the
//     log record's;
//   - the pipeline's log record gets trace_id and span_id.
//
// When that span records:
//
//   - error.type is set to the problem code, for every problem;
//   - a 5xx sets the span's status to Error and adds one "exception" event
//     (exception.type, the cause's Go type; exception.message; in
//     development, exception.stacktrace for a panic). A 4xx leaves the
//     status Unset, as the HTTP semantic conventions ask of server spans.
//     The severity is the code's, as for the log level: a 5xx failure
//     after a 200 had started is still a server error.
//
// Every failure, with or without a span, adds 1 to the counter
// http.server.problems ([CounterName]; unit {problem}, scope [ScopeName])
// with the attributes error.type (the problem code when the catalog
// declares it, [problemhttp.Failure.Declared], otherwise _OTHER: a foreign
// problem passed on keeps the code another service chose, which must not
// choose the counter's series),
// http.response.status_code
// (the status sent; absent when the connection was hijacked), http.route
// (the route pattern, without ServeMux's method; absent when no route
// matched) and http.request.method (a known method, or _OTHER). All are
// the application's text or a small set: never the path, the query, the
// request ID or anything else the client chose, so the counter has as
// many series as the application has codes and routes.
//
// # Production and development
//
// The exception event follows the pipeline's mode
// ([problemhttp.Failure.Development], [problemhttp.Options.Development]).
// In production its message is the problem's redacted text, the detail
// (else the title) the client received, in the client's language, or the
// code's English title when nothing could be written; it never holds the
// cause's text or a stack, which stay in the log record under the same
// trace_id. In development the message is the cause's text (at most 4 KiB)
// and a panic adds its stack (at most 6 KiB).
//
// # Several hooks
//
// The pipeline has one [problemhttp.Options.OnFailure]; to run others
// beside this one, call them from one function:
//
//	OnFailure: func(f *problemhttp.Failure) { otl.OnFailure(f); audit(f) },
package problemotel
