package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemotel"
)

// metricInterval is how often the demo prints its metrics; it prints them
// once more when it stops.
const metricInterval = 30 * time.Second

// telemetry is the demo's OpenTelemetry SDK (-otel): spans and metrics as
// JSON on stdout, W3C trace-context propagation. It sets none of otel's
// globals: the providers are handed to otelhttp and problemotel.
type telemetry struct {
	tp       *sdktrace.TracerProvider
	mp       *sdkmetric.MeterProvider
	problems *problemotel.Integration
}

// newTelemetry sets up the SDK with stdout exporters writing to w.
func newTelemetry(w io.Writer) (*telemetry, error) {
	w = &lockedWriter{w: w} // two exporters, one stream: one document at a time
	spans, err := stdouttrace.New(stdouttrace.WithWriter(w), stdouttrace.WithPrettyPrint())
	if err != nil {
		return nil, err
	}
	metrics, err := stdoutmetric.New(stdoutmetric.WithWriter(w), stdoutmetric.WithPrettyPrint())
	if err != nil {
		return nil, err
	}
	res := resource.NewSchemaless(semconv.ServiceName("problemkit-example"))
	t := &telemetry{
		tp: sdktrace.NewTracerProvider(sdktrace.WithBatcher(spans), sdktrace.WithResource(res)),
		mp: sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
			sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics, sdkmetric.WithInterval(metricInterval)))),
	}
	if t.problems, err = problemotel.New(problemotel.Options{MeterProvider: t.mp}); err != nil {
		return nil, err
	}
	return t, nil
}

// onFailure is the pipeline's OnFailure: nil without -otel.
func (t *telemetry) onFailure() func(*problemhttp.Failure) {
	if t == nil {
		return nil
	}
	return t.problems.OnFailure
}

// routeSpan is the middleware that names spans after routes (see
// routeSpan): nil without -otel.
func (t *telemetry) routeSpan() func(http.Handler) http.Handler {
	if t == nil {
		return nil
	}
	return routeSpan
}

// wrap starts each request's server span, continuing the client's trace
// from its traceparent header, around the whole server h: the pipeline
// then sees the span for every failure, panics included. Without -otel it
// returns h.
func (t *telemetry) wrap(h http.Handler) http.Handler {
	if t == nil {
		return h
	}
	return otelhttp.NewHandler(h, "example_server",
		otelhttp.WithTracerProvider(t.tp), otelhttp.WithMeterProvider(t.mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))
}

// shutdown flushes the spans and metrics not yet exported and stops both
// providers.
func (t *telemetry) shutdown(ctx context.Context) error {
	return errors.Join(t.tp.Shutdown(ctx), t.mp.Shutdown(ctx))
}

// routeSpan names the request's span after the route the router matched
// ("GET /users/{id}") and sets http.route on it and on otelhttp's metrics.
// otelhttp, outside the pipeline, cannot see the route: chi keeps it in
// its own context, and ServeMux sets it on the request the pipeline
// passes down. Mount it inside chi, after the pipeline, or directly around
// a ServeMux. It works after a panic too.
func routeSpan(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			span := trace.SpanFromContext(r.Context())
			if !span.IsRecording() {
				return
			}
			route := r.Pattern
			if rctx := chi.RouteContext(r.Context()); route == "" && rctx != nil {
				route = rctx.RoutePattern()
			}
			if i := strings.IndexByte(route, '/'); i >= 0 {
				route = route[i:] // ServeMux's pattern without its method
				span.SetName(spanMethod(r.Method) + " " + route)
				span.SetAttributes(semconv.HTTPRoute(route))
				if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
					l.Add(semconv.HTTPRoute(route))
				}
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// spanMethod is the method as a span name has it: a known one, or HTTP,
// as otelhttp writes it, so that a client cannot name spans.
func spanMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "HTTP"
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
