package problemotel_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"go.opentelemetry.io/otel/trace"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemotel"
)

// The request's context carries a span, as otelhttp or any instrumentation
// around the pipeline puts it there: the problem gets its trace ID. With
// the SDK behind the global providers, the span is marked and the problem
// counted too; the problemotel/test module shows that end to end.
func Example() {
	otl, err := problemotel.New(problemotel.Options{}) // the global meter provider
	if err != nil {
		panic(err)
	}
	pl := problemhttp.New(problemhttp.Options{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnFailure: otl.OnFailure,
	})
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return problem.NotFound.New()
	}))
	traced := func(next http.Handler) http.Handler { // stands for otelhttp.NewHandler
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
			sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
			sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
			next.ServeHTTP(w, r.WithContext(trace.ContextWithSpanContext(r.Context(), sc)))
		})
	}

	rec := httptest.NewRecorder()
	traced(pl.Handler(mux)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/orders/A-17", nil))
	var body struct {
		Code    string `json:"code"`
		TraceID string `json:"traceId"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	fmt.Println(rec.Code, body.Code, body.TraceID)
	// Output:
	// 404 NOT_FOUND 4bf92f3577b34da6a3ce929d0e0e4736
}
