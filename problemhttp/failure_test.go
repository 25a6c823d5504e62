package problemhttp_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
)

// TestOnFailure: the extension point is called once per failure, with the
// request, the cause, the code, the status and the problem about to be
// written (redacted already); what it adds reaches the body and the
// record, and it cannot replace a member.
func TestOnFailure(t *testing.T) {
	var calls atomic.Int32
	var seen problemhttp.Failure
	logs := &pipetest.Logs{}
	pl := problemhttp.New(problemhttp.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		OnFailure: func(f *problemhttp.Failure) {
			calls.Add(1)
			seen = *f
			f.SetMember("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
			if f.SetMember("title", "overwritten") || f.SetMember("traceId", "again") {
				t.Error("SetMember replaced a member")
			}
			f.LogAttrs(slog.String("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))
		},
	})
	r := pipetest.NewRouter(pl)
	r.Get("/fail", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return errors.New("dial db-7.internal: refused")
	}))
	r.Get("/late", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "partial")
		return errors.New("stream broke")
	}))

	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/fail", nil))
	if rec.Code != 500 || p.Extensions["traceId"] != "4bf92f3577b34da6a3ce929d0e0e4736" || p.Title != "Internal Server Error" {
		t.Errorf("body = %s", rec.Body)
	}
	if calls.Load() != 1 || seen.Status != 500 || seen.Code != problem.InternalError || seen.Problem == nil ||
		seen.Request.URL.Path != "/fail" || seen.Err.Error() != "dial db-7.internal: refused" {
		t.Errorf("%d calls, last %+v", calls.Load(), seen)
	}
	if rec0 := logs.One(t); rec0["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("record = %v", rec0)
	}

	srv := httptest.NewServer(r)
	defer srv.Close()
	if resp, err := srv.Client().Get(srv.URL + "/late"); err == nil {
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	srv.Close()
	if calls.Load() != 2 || seen.Status != 202 || seen.Problem != nil || seen.Code != problem.InternalError {
		t.Errorf("after a started response: %d calls, last %+v", calls.Load(), seen)
	}
}

// TestFailureRoute: the hook sees the route pattern the log record has,
// ServeMux's or chi's, never the path, and the pipeline's mode.
func TestFailureRoute(t *testing.T) {
	fail := problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return errors.New("boom") })
	tests := []struct {
		name, path, want string
		dev              bool
		router           func(*problemhttp.Pipeline) http.Handler
	}{
		{"chi", "/users/7", "/users/{id}", false, func(pl *problemhttp.Pipeline) http.Handler {
			r := pipetest.NewRouter(pl)
			r.Get("/users/{id}", fail)
			return r
		}},
		{"chi 404", "/nope/7", "", true, func(pl *problemhttp.Pipeline) http.Handler {
			r := pipetest.NewRouter(pl)
			r.Get("/users/{id}", fail)
			return r
		}},
		{"ServeMux", "/users/7", "GET /users/{id}", true, func(pl *problemhttp.Pipeline) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /users/{id}", fail)
			return pl.Handler(mux)
		}},
		{"ServeMux 404", "/nope/7", "", false, func(pl *problemhttp.Pipeline) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /users/{id}", fail)
			return pl.Handler(mux)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var route string
			var dev bool
			pl := problemhttp.New(problemhttp.Options{
				Logger:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Development: tt.dev,
				OnFailure:   func(f *problemhttp.Failure) { route, dev = f.Route(), f.Development },
			})
			rec := httptest.NewRecorder()
			tt.router(pl).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if route != tt.want || dev != tt.dev {
				t.Errorf("Route() = %q, Development = %v; want %q, %v (status %d)", route, dev, tt.want, tt.dev, rec.Code)
			}
		})
	}
}

// TestFailureDeclared: a code of the catalog, built in or registered, is
// declared; an unregistered one, or a foreign problem's code another
// service chose, is not.
func TestFailureDeclared(t *testing.T) {
	registered := &problem.Code{Code: "ORDER_NOT_FOUND", Status: 404, Title: "Order not found"}
	unregistered := &problem.Code{Code: "ORDER_GONE", Status: 410, Title: "Order gone"}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"registered", registered.New(), true},
		{"built in", problem.Generic(http.StatusConflict).New(), true},
		{"unmapped error", errors.New("boom"), true},
		{"unregistered", unregistered.New(), false},
		{"a foreign problem's own code", foreignErr{&problem.Problem{Status: 409, Code: "CHOSEN_BY_UPSTREAM_1", Title: "x"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var declared bool
			pl := problemhttp.New(problemhttp.Options{
				Logger:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Catalog:   problem.NewCatalog("").MustRegister(registered),
				OnFailure: func(f *problemhttp.Failure) { declared = f.Declared() },
			})
			rec := httptest.NewRecorder()
			pl.Handler(problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err })).
				ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if declared != tt.want {
				t.Errorf("Declared() = %v, want %v (status %d)", declared, tt.want, rec.Code)
			}
		})
	}
	if (&problemhttp.Failure{}).Declared() {
		t.Error("a Failure outside the pipeline is declared")
	}
}
