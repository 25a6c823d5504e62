package problemhttp_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// foreignRoutes are handlers and middleware that know nothing of
// problemkit and answer errors the way the standard library and
// third-party middleware do.
var foreignRoutes = []struct {
	pattern string
	h       http.Handler
}{
	{"/auth", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="example"`)
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		w.Header().Set("X-Internal-Backend", "auth-7") // not on the allow-list
		http.Error(w, "Unauthorized: token expired at 10.0.0.7", http.StatusUnauthorized)
	})},
	{"/forbidden", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Forbidden", http.StatusForbidden)
	})},
	{"/missing", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r) // a route that matched, and a resource that does not exist
	})},
	{"/upload", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 8)
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})},
	{"/slow", http.TimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}), 20*time.Millisecond, "<html>timeout</html>")},
	{"/busy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})},
	{"/empty", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError) // no body, no Content-Type
	})},
	{"/teapot", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "short and stout", http.StatusTeapot)
	})},
	{"/json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"error":"taken"}`)
	})},
	{"/problem", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", problem.MediaType)
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"title":"theirs","status":409}`)
	})},
	{"/kept", problemhttp.KeepErrorResponses(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "legacy", http.StatusBadRequest)
	}))},
	// Handlers that write an error response and then fail as well.
	{"/write-and-return", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		http.Error(w, "bad input", http.StatusBadRequest)
		return errors.New("bad input")
	})},
	{"/write-and-panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad input", http.StatusBadRequest)
		panic("after the answer")
	})},
	{"/write-and-return-declared", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		http.Error(w, "bad input", http.StatusBadRequest)
		return validation.Failed.New()
	})},
}

// foreignRouters serves foreignRoutes on chi and on http.ServeMux (with
// method patterns, no catch-all), each behind a pipeline.
func foreignRouters(opts problemhttp.Options) map[string]http.Handler {
	pl := problemhttp.New(opts)
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	mux := http.NewServeMux()
	for _, rt := range foreignRoutes {
		r.Handle(rt.pattern, rt.h)
		mux.Handle("GET "+rt.pattern, rt.h)
		mux.Handle("POST "+rt.pattern, rt.h)
	}
	r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "order") })
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "order") })
	return map[string]http.Handler{"chi": r, "ServeMux": pl.Handler(mux)}
}

// TestForeignErrorResponses: an error response written below the pipeline
// without a problem body is answered as the problem for its status, with
// the headers that matter kept and the rest, body included, dropped; a
// response that is already a problem, or JSON, or on a route that opted
// out, is left alone. On chi and on ServeMux alike.
func TestForeignErrorResponses(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string // "" means: not a problem, left as written
		headers                  map[string]string
		gone                     []string // headers and texts that must not be in the answer
	}{
		{name: "401 keeps its challenge and CORS", method: "GET", path: "/auth", status: 401, code: "UNAUTHORIZED",
			headers: map[string]string{"WWW-Authenticate": `Bearer realm="example"`, "Access-Control-Allow-Origin": "https://app.example.com"},
			gone:    []string{"X-Internal-Backend", "10.0.0.7", "token expired"}},
		{name: "403", method: "GET", path: "/forbidden", status: 403, code: "FORBIDDEN"},
		{name: "404 of a route that matched", method: "GET", path: "/missing", status: 404, code: "NOT_FOUND"},
		{name: "404 of a path no route matches", method: "GET", path: "/nope", status: 404, code: "ROUTE_NOT_FOUND"},
		{name: "405 keeps the router's Allow", method: "DELETE", path: "/orders/7", status: 405, code: "METHOD_NOT_ALLOWED",
			headers: map[string]string{"Allow": "GET, HEAD"}},
		{name: "413 from MaxBytesReader", method: "POST", path: "/upload", body: strings.Repeat("x", 64), status: 413, code: "PAYLOAD_TOO_LARGE",
			gone: []string{"http: request body too large"}},
		{name: "503 from TimeoutHandler", method: "GET", path: "/slow", status: 503, code: "SERVICE_UNAVAILABLE", gone: []string{"<html>"}},
		{name: "429 keeps Retry-After", method: "GET", path: "/busy", status: 429, code: "RATE_LIMITED", headers: map[string]string{"Retry-After": "7"}},
		{name: "an empty 500", method: "GET", path: "/empty", status: 500, code: "INTERNAL_ERROR"},
		{name: "a status without a code of its own", method: "GET", path: "/teapot", status: 400, code: "BAD_REQUEST", gone: []string{"stout"}},
		{name: "a JSON error is the handler's choice", method: "GET", path: "/json", status: 409},
		{name: "a problem already", method: "GET", path: "/problem", status: 409},
		{name: "a route that opted out", method: "GET", path: "/kept", status: 400},
	}
	for name, h := range foreignRouters(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)}) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				isProblem := resp.Header.Get("Content-Type") == problem.MediaType
				if tt.code == "" {
					if isProblem && tt.path != "/problem" {
						t.Errorf("replaced a response it had to leave: %s", body)
					}
					return
				}
				var p problem.Problem
				if !isProblem || json.Unmarshal(body, &p) != nil || p.Code != tt.code || p.Status != resp.StatusCode || p.RequestID != resp.Header.Get("X-Request-ID") {
					t.Fatalf("got %s %q, want a %s problem", resp.Header.Get("Content-Type"), body, tt.code)
				}
				for k, v := range tt.headers {
					if got := resp.Header.Get(k); got != v {
						t.Errorf("%s = %q, want %q", k, got, v)
					}
				}
				for _, g := range tt.gone {
					if resp.Header.Get(g) != "" || strings.Contains(string(body), g) {
						t.Errorf("%q survived the replacement", g)
					}
				}
			})
		}
	}
}

// TestForeignErrorsLogged: a replaced response is logged once, with what
// was written and a warning that says it was replaced.
func TestForeignErrorsLogged(t *testing.T) {
	logs := &pipetest.Logs{}
	h := foreignRouters(problemhttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})["ServeMux"]
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth", nil))
	r := logs.One(t)
	if r["code"] != "UNAUTHORIZED" || r["status"] != float64(401) || r["level"] != "INFO" || r["route"] != "GET /auth" ||
		!strings.HasSuffix(r["error"].(string), "a handler or middleware wrote a 401 text/plain; charset=utf-8") ||
		r["warning"] != "a 401 response written below the pipeline, replaced by the problem UNAUTHORIZED" {
		t.Errorf("record = %v", r)
	}
}

// TestForeignErrorOptions: an application can keep every foreign error
// response, or choose which to replace.
func TestForeignErrorOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    problemhttp.Options
		path    string
		problem bool
	}{
		{"kept by the application", problemhttp.Options{KeepForeignErrors: true}, "/auth", false},
		{"JSON marked convertible", problemhttp.Options{ConvertResponse: func(status int, h http.Header) bool {
			return strings.HasPrefix(h.Get("Content-Type"), "application/json")
		}}, "/json", true},
		{"text left when only JSON is convertible", problemhttp.Options{ConvertResponse: func(status int, h http.Header) bool {
			return strings.HasPrefix(h.Get("Content-Type"), "application/json")
		}}, "/auth", false},
		{"an extra kept header", problemhttp.Options{KeepHeaders: []string{"x-internal-backend"}}, "/auth", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = slog.New(slog.DiscardHandler)
			rec := httptest.NewRecorder()
			foreignRouters(tt.opts)["chi"].ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if got := rec.Header().Get("Content-Type") == problem.MediaType; got != tt.problem {
				t.Errorf("problem = %v, want %v: %s", got, tt.problem, rec.Body)
			}
			if tt.opts.KeepHeaders != nil && rec.Header().Get("X-Internal-Backend") != "auth-7" {
				t.Errorf("KeepHeaders did not keep X-Internal-Backend: %v", rec.Header())
			}
		})
	}
}

// TestHEAD: every GET route answers HEAD with the GET response's status and
// headers and no body, on chi (the pipeline routes it) and ServeMux (which
// does it itself); a HEAD of a path no route matches is a 404 problem
// without a body.
func TestHEAD(t *testing.T) {
	for name, h := range foreignRouters(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)}) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		tests := []struct {
			path   string
			status int
			ctype  string
		}{
			{"/orders/7", 200, "text/plain; charset=utf-8"},
			{"/nope", 404, problem.MediaType},
			{"/forbidden", 403, problem.MediaType},
		}
		for _, tt := range tests {
			t.Run(name+tt.path, func(t *testing.T) {
				resp, err := srv.Client().Head(srv.URL + tt.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.ctype || len(body) != 0 || resp.Header.Get("X-Request-ID") == "" {
					t.Errorf("HEAD %s: %d %q, %d body bytes, request ID %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), resp.Header.Get("X-Request-ID"))
				}
			})
		}
	}
}

// TestFailureAfterReplacedResponse: a handler that writes an error
// response the pipeline replaces, then returns an error or panics, gets
// the replaced problem through whole, not an aborted connection; the
// later failure is logged beside the replacement's record, with a note.
func TestFailureAfterReplacedResponse(t *testing.T) {
	tests := []struct {
		name, path, code, msg string
	}{
		{"an error returned after http.Error", "/write-and-return", "INTERNAL_ERROR", "request failed"},
		{"a panic after http.Error", "/write-and-panic", "INTERNAL_ERROR", "panic recovered"},
		{"a declared error returned after http.Error", "/write-and-return-declared", "VALIDATION_ERROR", "request failed"},
	}
	for _, mux := range []string{"chi", "ServeMux"} {
		for _, tt := range tests {
			t.Run(mux+"/"+tt.name, func(t *testing.T) {
				logs := &pipetest.Logs{}
				h := foreignRouters(problemhttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})[mux]
				srv := httptest.NewServer(h)
				defer srv.Close()
				resp, err := srv.Client().Get(srv.URL + tt.path)
				if err != nil {
					t.Fatalf("the answer was aborted: %v", err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatalf("the body was cut: %v", err)
				}
				var p problem.Problem
				if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != problem.MediaType || json.Unmarshal(body, &p) != nil ||
					p.Code != "BAD_REQUEST" || p.RequestID == "" || strings.Contains(string(body), "bad input") {
					t.Fatalf("%d %s %s, want the BAD_REQUEST problem", resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				recs := logs.Records(t)
				if len(recs) != 2 {
					t.Fatalf("%d records, want the replacement's and the later failure's: %s", len(recs), logs)
				}
				first, later := recs[0], recs[1]
				if first["code"] != "BAD_REQUEST" || first["requestId"] != p.RequestID {
					t.Errorf("replacement record = %v", first)
				}
				if later["code"] != tt.code || later["msg"] != tt.msg || later["status"] != float64(400) || later["requestId"] != p.RequestID ||
					later["note"] != "failure after the response was answered with a problem; nothing more was written" {
					t.Errorf("later record = %v", later)
				}
			})
		}
	}
}
