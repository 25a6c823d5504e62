package problemotel

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problemhttp"
)

// ScopeName is the instrumentation scope of the problem counter.
const ScopeName = "github.com/problemkit/problemkit/problemotel"

// CounterName is the name of the counter of problems, in the style of the
// HTTP semantic conventions' server metrics.
const CounterName = "http.server.problems"

// TraceIDMember is the extension member that carries the trace ID.
const TraceIDMember = "traceId"

// other is the value of error.type and http.request.method the semantic
// conventions keep for what is not in their set.
const other = "_OTHER"

// The most a development-mode exception event holds of the cause's text
// and of a panic's stack, in bytes: the sizes the log record has.
const (
	causeBytes = 4 << 10
	stackBytes = 6 << 10
)

// Options configures an Integration. The zero value is ready to use.
type Options struct {
	// MeterProvider provides the meter of the problem counter. Nil means
	// otel.GetMeterProvider() when New is called: the global provider,
	// which forwards to the one otel.SetMeterProvider installs, even later.
	MeterProvider metric.MeterProvider
}

// Integration records the pipeline's failures in OpenTelemetry: the
// traceId member, the span's status, error.type and exception event, the
// problem counter, and the trace and span IDs of the log record. Build one
// per application with New and set its OnFailure method as
// problemhttp.Options.OnFailure. It is safe for concurrent use.
//
// It starts no span: it marks the one the request's context carries, which
// an instrumentation around the pipeline, such as otelhttp, starts.
type Integration struct {
	problems metric.Int64Counter
	series   seriesCache
}

// New returns an Integration whose counter comes from opts.MeterProvider.
// It fails only when the meter provider refuses the counter.
func New(opts Options) (*Integration, error) {
	mp := opts.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	problems, err := mp.Meter(ScopeName).Int64Counter(CounterName,
		metric.WithUnit("{problem}"),
		metric.WithDescription("Problems answered, by problem code, HTTP status and route."))
	if err != nil {
		return nil, fmt.Errorf("problemotel: %s counter: %w", CounterName, err)
	}
	return &Integration{problems: problems}, nil
}

// OnFailure records one failure; set it as problemhttp.Options.OnFailure,
// or call it from yours. When the request's context carries a valid span
// context, it adds the traceId member (the 32-hex W3C trace ID) and the
// trace_id and span_id log attributes; when that span records, it sets
// error.type to the problem code and, for a 5xx, the Error status and one
// exception event. It counts every failure: by its code when the
// pipeline's catalog declares it (Failure.Declared), as _OTHER otherwise.
func (in *Integration) OnFailure(f *problemhttp.Failure) {
	ctx := f.Request.Context()
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		traceID := sc.TraceID().String()
		f.SetMember(TraceIDMember, traceID)
		f.LogAttrs(slog.String("trace_id", traceID), slog.String("span_id", sc.SpanID().String()))
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		markSpan(span, f)
	}

	k := series{errorType: other, method: method(f.Request.Method), status: f.Status, route: httpRoute(f.Route())}
	if f.Declared() {
		k.errorType = f.Code.Code
	}
	in.problems.Add(ctx, 1, in.series.option(k))
}

// markSpan sets error.type on every problem's span and, for a server
// error, the Error status and one exception event. A 4xx leaves the status
// Unset, as the HTTP semantic conventions ask of a server span. The
// severity is the code's, like the log level's: a 5xx failure after a 200
// had started is still a server error.
func markSpan(span trace.Span, f *problemhttp.Failure) {
	span.SetAttributes(semconv.ErrorTypeKey.String(f.Code.Code))
	if f.Code.Status < 500 {
		return
	}
	msg, stack := exception(f)
	span.SetStatus(codes.Error, msg)
	attrs := []attribute.KeyValue{
		semconv.ExceptionType(fmt.Sprintf("%T", f.Err)),
		semconv.ExceptionMessage(msg),
	}
	if stack != "" {
		attrs = append(attrs, semconv.ExceptionStacktrace(stack))
	}
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(attrs...))
}

// exception returns the exception event's message and stack. In
// production the message is the problem's redacted text, its detail or
// else its title, as the client received it (or, when nothing could be
// written, the code's English title); never the cause's text, and no
// stack. In development it is the cause's text and, for a panic, its
// stack, cut to the sizes the log record has.
func exception(f *problemhttp.Failure) (msg, stack string) {
	if f.Development {
		var pe *problemhttp.PanicError
		if errors.As(f.Err, &pe) {
			stack = clip.String(string(pe.Stack), stackBytes)
		}
		return clip.String(f.Err.Error(), causeBytes), stack
	}
	switch {
	case f.Problem == nil:
		return f.Code.TitleMessage().String(), ""
	case f.Problem.Detail != "":
		return f.Problem.Detail, ""
	}
	return f.Problem.Title, ""
}

// httpRoute is the http.route of a route pattern: the path template, without
// ServeMux's method and host ("GET /users/{id}" is "/users/{id}").
func httpRoute(pattern string) string {
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}

// series is one series of the counter: its attributes' values.
type series struct {
	errorType, method string
	status            int // 0: none
	route             string
}

// attributes returns the attribute set of k.
func (k series) attributes() attribute.Set {
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs, semconv.ErrorTypeKey.String(k.errorType), semconv.HTTPRequestMethodKey.String(k.method))
	if k.status != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(k.status))
	}
	if k.route != "" {
		attrs = append(attrs, semconv.HTTPRoute(k.route))
	}
	return attribute.NewSet(attrs...)
}

// maxSeries bounds the cache of attribute sets. Its keys are the
// application's codes and routes, statuses and known methods, so the
// bound is only a guard: past it, sets are built for each failure.
const maxSeries = 1024

// seriesCache keeps the attribute set of each series the counter has
// seen: building one costs three allocations and a sort, on every
// failure.
type seriesCache struct {
	mu   sync.RWMutex
	sets map[series]metric.AddOption
}

// option returns the AddOption that carries k's attributes.
func (c *seriesCache) option(k series) metric.AddOption {
	c.mu.RLock()
	opt, ok := c.sets[k]
	c.mu.RUnlock()
	if ok {
		return opt
	}
	opt = metric.WithAttributeSet(k.attributes())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sets == nil {
		c.sets = make(map[series]metric.AddOption)
	}
	if len(c.sets) < maxSeries {
		c.sets[k] = opt
	}
	return opt
}

// method is the value of the http.request.method attribute: one of the
// methods of RFC 9110 and PATCH, or _OTHER, so that a client cannot add
// values.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return other
}
