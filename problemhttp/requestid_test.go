package problemhttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problemhttp"
)

func TestRequestID(t *testing.T) {
	tests := []struct {
		name    string
		inbound string
		keep    bool
	}{
		{"none sent", "", false},
		{"safe inbound kept", "req-42.a_b:c", true},
		{"uuid inbound kept", "0193b0c4-6f1e-7c2a-9d4e-2b1f0a9c8e77", true},
		{"128 bytes kept", strings.Repeat("a", 128), true},
		{"129 bytes replaced", strings.Repeat("a", 129), false},
		{"space replaced", "abc def", false},
		{"CRLF injection replaced", "abc\r\nSet-Cookie: x=1", false},
		{"log forging replaced", "abc\n{\"level\":\"ERROR\"}", false},
		{"HTML replaced", "<script>", false},
		{"unicode replaced", "요청-1", false},
		{"quote replaced", `a"b`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, _ := pipetest.NewPipeline(problemhttp.Options{})
			r := pipetest.NewRouter(pl)
			var fromCtx string
			r.Get("/", func(w http.ResponseWriter, r *http.Request) {
				fromCtx, _ = problemhttp.RequestIDFromContext(r.Context())
				problemhttp.WriteError(w, r, userNotFound.New())
			})
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.inbound != "" {
				req.Header["X-Request-Id"] = []string{tt.inbound}
			}
			rec, p := serve(t, r, req)
			got := rec.Header().Get("X-Request-ID")
			if tt.keep && got != tt.inbound {
				t.Errorf("request ID = %q, want the inbound %q", got, tt.inbound)
			}
			if !tt.keep {
				u, err := uuid.Parse(got)
				if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
					t.Errorf("request ID %q is not a fresh UUIDv7 (err %v)", got, err)
				}
			}
			if p.RequestID != got || fromCtx != got {
				t.Errorf("header %q, body %q, context %q: must be equal", got, p.RequestID, fromCtx)
			}
		})
	}
}

func TestRequestIDsAreUniqueAndOrdered(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	h := pl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	seen := make(map[string]bool)
	prev := ""
	for range 1000 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		id := rec.Header().Get("X-Request-ID")
		if seen[id] {
			t.Fatalf("duplicate request ID %q", id)
		}
		if id < prev {
			t.Fatalf("request IDs not time-ordered: %q after %q", id, prev)
		}
		seen[id], prev = true, id
	}
}

func TestRequestIDHeaderIsConfigurable(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{RequestIDHeader: "x-correlation-id"})
	r := pipetest.NewRouter(pl)
	req := httptest.NewRequest(http.MethodGet, "/nope", nil)
	req.Header.Set("X-Correlation-Id", "corr-1")
	req.Header.Set("X-Request-ID", "ignored")
	rec, p := serve(t, r, req)
	if got := rec.Header().Get("X-Correlation-Id"); got != "corr-1" || p.RequestID != "corr-1" {
		t.Errorf("header %q, body %q, want corr-1", got, p.RequestID)
	}
	if rec.Header().Get("X-Request-ID") != "" {
		t.Errorf("the default header was written too")
	}
}

func TestContextWithRequestID(t *testing.T) {
	ctx := problemhttp.ContextWithRequestID(context.Background(), "job-7")
	if id, ok := problemhttp.RequestIDFromContext(ctx); !ok || id != "job-7" {
		t.Errorf("got %q, %v", id, ok)
	}
	if _, ok := problemhttp.RequestIDFromContext(context.Background()); ok {
		t.Errorf("a bare context has a request ID")
	}
}

func TestRequestIDsUniqueUnderConcurrency(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	h := pl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	const workers, each = 8, 500
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
				ids <- rec.Header().Get("X-Request-ID")
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := make(map[string]bool, workers*each)
	for id := range ids {
		if seen[id] {
			t.Fatalf("duplicate request ID %q", id)
		}
		seen[id] = true
	}
}

// TestRequestIDMountedTwice: a sub-router with the pipeline too keeps the
// ID the outer one assigned, so everything between them logs the same ID.
func TestRequestIDMountedTwice(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	var outer, inner string
	r := pipetest.NewRouter(pl)
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			outer, _ = problemhttp.RequestIDFromContext(r.Context())
			next.ServeHTTP(w, r)
		})
	})
	r.Route("/api", func(sub chiRouter) {
		sub.Use(pl.Handler)
		sub.Get("/x", func(w http.ResponseWriter, r *http.Request) {
			inner, _ = problemhttp.RequestIDFromContext(r.Context())
			problemhttp.WriteError(w, r, userNotFound.New())
		})
	})
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/api/x", nil))
	if outer == "" || inner != outer || p.RequestID != outer || rec.Header().Get("X-Request-ID") != outer {
		t.Errorf("outer %q, inner %q, body %q, header %q: want one ID", outer, inner, p.RequestID, rec.Header().Get("X-Request-ID"))
	}
}
