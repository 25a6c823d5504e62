package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemotel"
)

// secret is in every cause the tests' handlers fail with: no production
// span event, attribute or counter may carry it.
const secret = "db-7.internal password=hunter2"

var userNotFound = &problem.Code{
	Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
	Title: "User not found", Detail: "No user has the ID {{.userId}}.",
}

// logBuffer collects the pipeline's JSON records.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// last decodes the last record.
func (l *logBuffer) last(t *testing.T) map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(l.b.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("log record is not JSON: %v: %q", err, lines[len(lines)-1])
	}
	return m
}

// stack is a service as the README sets it up: otelhttp around the
// pipeline-wrapped router, an SDK with an in-memory span recorder and a
// manual metric reader.
type stack struct {
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
	logs    *logBuffer
	handler http.Handler
}

// routes are the handlers of every stack, on chi or ServeMux.
var routes = []struct {
	pattern string
	h       http.Handler
}{
	{"/users/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return userNotFound.New().With("userId", "7")
	})},
	{"/fail", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return errors.New("query users: dial " + secret)
	})},
	{"/panic", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("connect to " + secret) })},
	{"/foreign", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return foreignErr{&problem.Problem{Status: 409, Code: "CHOSEN_BY_UPSTREAM", Title: "Conflict"}}
	})},
	{"/late", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusAccepted)
		return errors.New("stream broke: " + secret)
	})},
}

// foreignErr carries another service's problem document, which the
// pipeline passes on with its code.
type foreignErr struct{ doc *problem.Problem }

func (e foreignErr) Error() string             { return "upstream said: " + e.doc.Title }
func (e foreignErr) Problem() *problem.Problem { return e.doc }

func newStack(t *testing.T, mux string, dev bool) *stack {
	t.Helper()
	s := &stack{spans: tracetest.NewSpanRecorder(), metrics: sdkmetric.NewManualReader(), logs: &logBuffer{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(s.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.metrics))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	otl, err := problemotel.New(problemotel.Options{MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	pl := problemhttp.New(problemhttp.Options{
		Logger:      slog.New(slog.NewJSONHandler(s.logs, nil)),
		Development: dev,
		Catalog:     problem.NewCatalog("").MustRegister(userNotFound),
		OnFailure:   otl.OnFailure,
	})
	var h http.Handler
	if mux == "std" {
		m := http.NewServeMux()
		for _, rt := range routes {
			m.Handle("GET "+rt.pattern, rt.h)
		}
		h = pl.Handler(m)
	} else {
		r := chi.NewRouter()
		r.Use(pl.Handler)
		r.NotFound(pl.NotFound)
		r.MethodNotAllowed(pl.MethodNotAllowed)
		for _, rt := range routes {
			r.Method(http.MethodGet, rt.pattern, rt.h)
		}
		h = r
	}
	s.handler = otelhttp.NewHandler(h, "server",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))
	return s
}

// do sends one request through the stack and decodes the problem.
func (s *stack) do(t *testing.T, method, path string, header ...string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	func() {
		// A failure after the response started aborts it, as net/http
		// expects: the server would swallow this panic.
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				panic(v)
			}
		}()
		s.handler.ServeHTTP(rec, req)
	}()
	var body map[string]any
	if rec.Body.Len() > 0 && rec.Code >= 400 {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v: %s", method, path, err, rec.Body)
		}
	}
	return rec, body
}

// lastSpan returns the one span the last request ended.
func (s *stack) lastSpan(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	ended := s.spans.Ended()
	if len(ended) == 0 {
		t.Fatal("no span ended")
	}
	return ended[len(ended)-1]
}

// counts collects the problem counter: the value of each data point, by
// its attributes written as "key=value" pairs in their sorted order.
func (s *stack) counts(t *testing.T) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != problemotel.CounterName {
				continue
			}
			if sm.Scope.Name != problemotel.ScopeName || m.Unit != "{problem}" {
				t.Errorf("counter scope %q unit %q", sm.Scope.Name, m.Unit)
			}
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok || !sum.IsMonotonic {
				t.Fatalf("%s is a %T, want a monotonic Sum[int64]", m.Name, m.Data)
			}
			for _, dp := range sum.DataPoints {
				out[attrString(dp.Attributes.ToSlice())] += dp.Value
			}
		}
	}
	return out
}

func attrString(kvs []attribute.KeyValue) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = string(kv.Key) + "=" + kv.Value.String()
	}
	return strings.Join(parts, " ")
}

func attr(kvs []attribute.KeyValue, key attribute.Key) (string, bool) {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value.String(), true
		}
	}
	return "", false
}

const (
	inboundTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	inboundParent = "00-" + inboundTrace + "-00f067aa0ba902b7-01"
)

// TestTraceID: the traceId member is the span's 32-hex trace ID, not the
// traceparent, and equals the log record's trace_id; span_id is the
// server span's. An inbound traceparent's trace is kept.
func TestTraceID(t *testing.T) {
	tests := []struct {
		name, mux, path string
		header          []string
		status          int
	}{
		{"chi, new trace, 404", "chi", "/users/7", nil, 404},
		{"chi, inbound trace, 500", "chi", "/fail", []string{"traceparent", inboundParent}, 500},
		{"chi, inbound trace, panic", "chi", "/panic", []string{"traceparent", inboundParent}, 500},
		{"chi, route not found", "chi", "/nope", []string{"traceparent", inboundParent}, 404},
		{"ServeMux, inbound trace, 404", "std", "/users/7", []string{"traceparent", inboundParent}, 404},
		{"ServeMux, its own 404", "std", "/nope", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t, tt.mux, false)
			rec, body := s.do(t, http.MethodGet, tt.path, tt.header...)
			span := s.lastSpan(t)
			want := span.SpanContext().TraceID().String()
			if rec.Code != tt.status || body["traceId"] != want || len(want) != 32 {
				t.Errorf("status %d traceId %v, want %d %s", rec.Code, body["traceId"], tt.status, want)
			}
			if tt.header != nil && want != inboundTrace {
				t.Errorf("trace %s, want the inbound %s", want, inboundTrace)
			}
			rec0 := s.logs.last(t)
			if rec0["trace_id"] != want || rec0["span_id"] != span.SpanContext().SpanID().String() {
				t.Errorf("log trace_id %v span_id %v, want %s %s", rec0["trace_id"], rec0["span_id"], want, span.SpanContext().SpanID())
			}
		})
	}
}

// TestSpan: a 5xx marks the server span Error with one exception event; a
// 4xx leaves it Unset with none; error.type is the problem code. In
// production the event carries the problem's redacted text and no stack,
// never the cause; in development, the cause and a panic's stack.
func TestSpan(t *testing.T) {
	tests := []struct {
		name, path string
		dev        bool
		status     codes.Code
		errorType  string
		message    string // the exception event's message holds this
		stack      bool
	}{
		{"404", "/users/7", false, codes.Unset, "USER_NOT_FOUND", "", false},
		{"route not found", "/nope", false, codes.Unset, "ROUTE_NOT_FOUND", "", false},
		{"a foreign problem", "/foreign", false, codes.Unset, "CHOSEN_BY_UPSTREAM", "", false},
		{"500", "/fail", false, codes.Error, "INTERNAL_ERROR", "An unexpected error occurred.", false},
		{"panic", "/panic", false, codes.Error, "INTERNAL_ERROR", "An unexpected error occurred.", false},
		{"500 after a 202", "/late", false, codes.Error, "INTERNAL_ERROR", "Internal Server Error", false},
		{"404, development", "/users/7", true, codes.Unset, "USER_NOT_FOUND", "", false},
		{"500, development", "/fail", true, codes.Error, "INTERNAL_ERROR", "query users: dial " + secret, false},
		{"panic, development", "/panic", true, codes.Error, "INTERNAL_ERROR", "panic: connect to " + secret, true},
	}
	for _, mux := range []string{"chi", "std"} {
		for _, tt := range tests {
			t.Run(mux+"/"+tt.name, func(t *testing.T) {
				s := newStack(t, mux, tt.dev)
				s.do(t, http.MethodGet, tt.path)
				span := s.lastSpan(t)
				if span.Status().Code != tt.status {
					t.Errorf("span status %v, want %v", span.Status(), tt.status)
				}
				if got, _ := attr(span.Attributes(), "error.type"); got != tt.errorType {
					t.Errorf("error.type = %q, want %q", got, tt.errorType)
				}
				var exceptions []sdktrace.Event
				for _, e := range span.Events() {
					// The SDK's span.End records the panic that aborts a
					// started response (http.ErrAbortHandler) itself.
					if msg, _ := attr(e.Attributes, "exception.message"); e.Name == "exception" && msg != http.ErrAbortHandler.Error() {
						exceptions = append(exceptions, e)
					}
				}
				if tt.status != codes.Error {
					if len(exceptions) != 0 {
						t.Errorf("%d exception events on a 4xx span", len(exceptions))
					}
					return
				}
				if len(exceptions) != 1 {
					t.Fatalf("%d exception events, want exactly 1", len(exceptions))
				}
				msg, _ := attr(exceptions[0].Attributes, "exception.message")
				_, hasStack := attr(exceptions[0].Attributes, "exception.stacktrace")
				if !strings.Contains(msg, tt.message) || hasStack != tt.stack {
					t.Errorf("exception.message %q (want it to hold %q), stack %v (want %v)", msg, tt.message, hasStack, tt.stack)
				}
				if typ, _ := attr(exceptions[0].Attributes, "exception.type"); typ == "" {
					t.Error("no exception.type")
				}
				if !tt.dev {
					if leak := spanText(span); strings.Contains(leak, "hunter2") || strings.Contains(leak, "db-7") {
						t.Errorf("the production span holds the cause: %s", leak)
					}
				}
			})
		}
	}
}

// spanText is everything a span carries as text: its status, attributes
// and events.
func spanText(s sdktrace.ReadOnlySpan) string {
	var b strings.Builder
	b.WriteString(s.Name() + " " + s.Status().Description + " " + attrString(s.Attributes()))
	for _, e := range s.Events() {
		b.WriteString(" " + e.Name + " " + attrString(e.Attributes))
	}
	return b.String()
}

// TestCounter: every problem is counted once, by code, status, route
// pattern and method; never by path, request ID or any other client text,
// nor by a code another service chose.
func TestCounter(t *testing.T) {
	tests := []struct {
		mux  string
		want map[string]int64
	}{
		{"chi", map[string]int64{
			"error.type=USER_NOT_FOUND http.request.method=GET http.response.status_code=404 http.route=/users/{id}": 2,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/fail":       1,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/panic":      1,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=202 http.route=/late":       1,
			"error.type=ROUTE_NOT_FOUND http.request.method=GET http.response.status_code=404":                       2,
			"error.type=_OTHER http.request.method=GET http.response.status_code=409 http.route=/foreign":            1,
			"error.type=METHOD_NOT_ALLOWED http.request.method=_OTHER http.response.status_code=405":                 1,
		}},
		{"std", map[string]int64{
			"error.type=USER_NOT_FOUND http.request.method=GET http.response.status_code=404 http.route=/users/{id}": 2,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/fail":       1,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/panic":      1,
			"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=202 http.route=/late":       1,
			"error.type=ROUTE_NOT_FOUND http.request.method=GET http.response.status_code=404":                       2,
			"error.type=_OTHER http.request.method=GET http.response.status_code=409 http.route=/foreign":            1,
			"error.type=METHOD_NOT_ALLOWED http.request.method=_OTHER http.response.status_code=405":                 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mux, func(t *testing.T) {
			s := newStack(t, tt.mux, false)
			for _, c := range []struct{ method, path string }{
				{"GET", "/users/7"}, {"GET", "/users/8?x=client-text"}, {"GET", "/fail"}, {"GET", "/panic"},
				{"GET", "/late"}, {"GET", "/foreign"}, {"GET", "/nope"}, {"GET", "/client-chosen-path-1"}, {"BREW", "/fail"},
			} {
				s.do(t, c.method, c.path, "X-Request-ID", "client-request-id-1")
			}
			got := s.counts(t)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("count{%s} = %d, want %d", k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := tt.want[k]; !ok {
					t.Errorf("unexpected data point {%s} = %d", k, got[k])
				}
				for _, client := range []string{"/users/7", "client-text", "client-chosen", "client-request-id", "BREW", "CHOSEN_BY_UPSTREAM"} {
					if strings.Contains(k, client) {
						t.Errorf("data point {%s} holds the client's %q", k, client)
					}
				}
			}
		})
	}
}

// TestNoSpan: without a span in the context there is no traceId member and
// no trace_id, and nothing panics; the failure is counted all the same.
// A request with only a propagated span context (no SDK) gets its trace ID.
func TestNoSpan(t *testing.T) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	otl, err := problemotel.New(problemotel.Options{MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), OnFailure: otl.OnFailure})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	propagated := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := propagation.TraceContext{}.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	tests := []struct {
		name    string
		h       http.Handler
		header  string
		traceID any
	}{
		{"no span, 404", r, "", nil},
		{"no span, panic", r, "", nil},
		{"no span, a traceparent nobody read", r, inboundParent, nil},
		{"a propagated span context only", propagated(r), inboundParent, inboundTrace},
		{"an invalid traceparent", propagated(r), "00-00000000000000000000000000000000-00f067aa0ba902b7-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/nope"
			if strings.Contains(tt.name, "panic") {
				path = "/panic"
			}
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if tt.header != "" {
				req.Header.Set("traceparent", tt.header)
			}
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body["traceId"] != tt.traceID || logs.last(t)["trace_id"] != tt.traceID {
				t.Errorf("traceId %v, log trace_id %v; want %v", body["traceId"], logs.last(t)["trace_id"], tt.traceID)
			}
		})
	}
}

// TestGlobalMeterProvider: the zero Options use the global provider, and
// nothing breaks while it is the default no-op one.
func TestGlobalMeterProvider(t *testing.T) {
	otl, err := problemotel.New(problemotel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OnFailure: otl.OnFailure})
	rec := httptest.NewRecorder()
	pl.Handler(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d", rec.Code)
	}
}
