package test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemotel"
)

func Example() {
	// An SDK, as the application sets it up; a manual reader stands for
	// an exporter here.
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) }()

	otl, err := problemotel.New(problemotel.Options{MeterProvider: mp})
	if err != nil {
		panic(err)
	}
	pl := problemhttp.New(problemhttp.Options{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnFailure: otl.OnFailure,
	})
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return problem.Generic(http.StatusNotFound).New()
	}))
	h := otelhttp.NewHandler(pl.Handler(mux), "server",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(propagation.TraceContext{}))

	req := httptest.NewRequest(http.MethodGet, "/orders/A-17", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body struct {
		Code    string `json:"code"`
		TraceID string `json:"traceId"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	fmt.Println(rec.Code, body.Code, body.TraceID)

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != problemotel.CounterName {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				fmt.Println(m.Name, attrString(dp.Attributes.ToSlice()), dp.Value)
			}
		}
	}
	// Output:
	// 404 NOT_FOUND 4bf92f3577b34da6a3ce929d0e0e4736
	// http.server.problems error.type=NOT_FOUND http.request.method=GET http.response.status_code=404 http.route=/orders/{id} 1
}
