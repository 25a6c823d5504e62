package test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemotel"
)

// The integration's cost, beside the same pipeline without it:
//
//	go test -run '^$' -bench . -benchmem ./problemotel/

// discardWriter is a ResponseWriter that costs nothing, so the benchmark
// measures the pipeline rather than httptest.ResponseRecorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkNotFoundOTel is a typed 404 on chi, logged to a discarding text
// handler, with a recording server span in the request's context (started
// once: starting it is otelhttp's cost, which both cases would pay):
// without the integration, with it (traceId member, trace_id and span_id
// in the record, error.type on the span, the counter through an SDK meter
// provider), and with it but no span.
func BenchmarkNotFoundOTel(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	otl, err := problemotel.New(problemotel.Options{MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	ctx, span := tp.Tracer("bench").Start(context.Background(), "GET /users/{id}", trace.WithSpanKind(trace.SpanKindServer))
	b.Cleanup(func() { span.End() })

	router := func(onFailure func(*problemhttp.Failure)) http.Handler {
		pl := problemhttp.New(problemhttp.Options{
			Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
			Catalog:   problem.NewCatalog("https://api.example.com/problems/").MustRegister(userNotFound),
			OnFailure: onFailure,
		})
		r := chi.NewRouter()
		r.Use(pl.Handler)
		r.Get("/users/{id}", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
			return userNotFound.New().With("userId", 42)
		}))
		return r
	}
	traced := httptest.NewRequest(http.MethodGet, "/users/42", nil).WithContext(ctx)
	untraced := httptest.NewRequest(http.MethodGet, "/users/42", nil)
	tests := []struct {
		name string
		h    http.Handler
		req  *http.Request
	}{
		{"without", router(nil), traced},
		{"problemotel", router(otl.OnFailure), traced},
		{"problemotel_no_span", router(otl.OnFailure), untraced},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			w := &discardWriter{h: make(http.Header)}
			tt.h.ServeHTTP(w, tt.req)
			if w.code != http.StatusNotFound {
				b.Fatalf("status %d, want 404", w.code)
			}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				tt.h.ServeHTTP(w, tt.req)
			}
		})
	}
}
