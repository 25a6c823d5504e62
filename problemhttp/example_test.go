package problemhttp_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// quiet is a logger for examples, whose output must be only what they print.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func Example() {
	orderNotFound := &problem.Code{
		Code: "ORDER_NOT_FOUND", Status: http.StatusNotFound,
		Title: "Order not found", Detail: "No order has the ID {{.orderId}}.",
	}
	catalog := problem.NewCatalog("https://api.example.com/problems/").MustRegister(orderNotFound)
	pl := problemhttp.New(problemhttp.Options{
		Catalog: catalog, Logger: quiet,
		Now: func() time.Time { return time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC) },
	})

	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Get("/orders/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return orderNotFound.New().With("orderId", chi.URLParam(r, "id"))
	}))

	req := httptest.NewRequest(http.MethodGet, "/orders/A-17", nil)
	req.Header.Set("X-Request-ID", "req-1")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(rec.Body)
	// Output:
	// 404 application/problem+json
	// {"type":"https://api.example.com/problems/order-not-found","title":"Order not found","status":404,"detail":"No order has the ID A-17.","instance":"/orders/A-17","code":"ORDER_NOT_FOUND","requestId":"req-1","timestamp":"2026-11-22T01:02:03Z","orderId":"A-17"}
}

func ExamplePipeline_MethodNotAllowed() {
	pl := problemhttp.New(problemhttp.Options{Logger: quiet})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Get("/items", func(http.ResponseWriter, *http.Request) {})
	r.Post("/items", func(http.ResponseWriter, *http.Request) {})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/items", nil))
	fmt.Println(rec.Code, rec.Header().Get("Allow"))
	// Output: 405 GET, HEAD, POST
}

func ExampleHandle_serveMux() {
	pl := problemhttp.New(problemhttp.Options{Logger: quiet})
	mux := http.NewServeMux()
	mux.Handle("GET /report", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("render report: %w", errors.New("template: missing key \"total\""))
	}))

	rec := httptest.NewRecorder()
	pl.Handler(mux).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/report", nil))
	var p problem.Problem
	_ = p.UnmarshalJSON(rec.Body.Bytes())
	fmt.Println(p.Status, p.Code)
	fmt.Println(p.Detail)
	// Output:
	// 500 INTERNAL_ERROR
	// An unexpected error occurred. If it persists, contact support and quote the request ID.
}

func ExampleWriteError() {
	pl := problemhttp.New(problemhttp.Options{Logger: quiet})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") == "" {
			problemhttp.WriteError(w, r, validation.InvalidParameter.New().WithFields(problem.FieldError{
				Field: "q", In: "query", Rule: "required", Detail: "q is required",
			}))
			return
		}
		_, _ = io.WriteString(w, "results")
	}))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/search", nil))
	var p problem.Problem
	_ = p.UnmarshalJSON(rec.Body.Bytes())
	fmt.Println(p.Status, p.Code, p.Errors[0].In, p.Errors[0].Field, p.Errors[0].Detail)
	// Output: 400 INVALID_PARAMETER query q q is required
}

func ExampleRequestIDFromContext() {
	pl := problemhttp.New(problemhttp.Options{})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := problemhttp.RequestIDFromContext(r.Context())
		fmt.Println("handling", id)
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Request-ID", "edge-7f3a")
	h.ServeHTTP(httptest.NewRecorder(), req)
	// Output: handling edge-7f3a
}
