package problemhttp_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
)

// Benchmarks run each case beside its baseline, so ratios come from one run:
//
//	go test -run '^$' -bench . -benchmem ./problemhttp/

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func okHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// discardWriter is a ResponseWriter that costs nothing, so the benchmarks
// measure the middleware rather than httptest.ResponseRecorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

func (w *discardWriter) reset() {
	clear(w.h)
	w.code = 0
}

func runBench(b *testing.B, h http.Handler, req *http.Request, want int) {
	b.Helper()
	w := &discardWriter{h: make(http.Header)}
	h.ServeHTTP(w, req)
	if w.code != want && !(want == 200 && w.code == 0) {
		b.Fatalf("status %d, want %d", w.code, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
	}
}

func runParallel(b *testing.B, h http.Handler, req *http.Request) {
	b.Helper()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: make(http.Header)}
		for pb.Next() {
			w.reset()
			h.ServeHTTP(w, req)
		}
	})
}

func benchPipeline() *problemhttp.Pipeline {
	return problemhttp.New(problemhttp.Options{Logger: discard})
}

// happyRouters are the three stacks of the happy-path comparison.
func happyRouters() map[string]http.Handler {
	bare := chi.NewRouter()
	bare.Get("/healthz", okHandler)

	chiStack := chi.NewRouter()
	chiStack.Use(chimw.RequestID, chimw.Recoverer)
	chiStack.Get("/healthz", okHandler)

	pl := benchPipeline()
	ours := chi.NewRouter()
	ours.Use(pl.Handler)
	ours.NotFound(pl.NotFound)
	ours.MethodNotAllowed(pl.MethodNotAllowed)
	ours.Get("/healthz", okHandler)
	return map[string]http.Handler{"bare_chi": bare, "chi_RequestID_Recoverer": chiStack, "problemkit": ours}
}

func BenchmarkHappyPath(b *testing.B) {
	routers := happyRouters()
	for _, name := range []string{"bare_chi", "chi_RequestID_Recoverer", "problemkit"} {
		b.Run(name, func(b *testing.B) {
			runBench(b, routers[name], httptest.NewRequest(http.MethodGet, "/healthz", nil), 200)
		})
	}
}

func BenchmarkHappyPathParallel(b *testing.B) {
	routers := happyRouters()
	for _, name := range []string{"bare_chi", "chi_RequestID_Recoverer", "problemkit"} {
		b.Run(name, func(b *testing.B) {
			runParallel(b, routers[name], httptest.NewRequest(http.MethodGet, "/healthz", nil))
		})
	}
}

var benchUserNotFound = &problem.Code{
	Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
	Title: "User not found", Detail: "No user has the ID {{.userId}}.",
}

// BenchmarkTypedError compares a typed domain error rendered as a 404
// problem with a hand-written handler that marshals the same document and
// sets the same headers.
func BenchmarkTypedError(b *testing.B) {
	catalog := problem.NewCatalog("https://api.example.com/problems/").MustRegister(benchUserNotFound)
	pl := problemhttp.New(problemhttp.Options{Logger: discard, Catalog: catalog})
	ours := chi.NewRouter()
	ours.Use(pl.Handler)
	ours.Get("/users/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return benchUserNotFound.New().With("userId", 42)
	}))

	handWritten := chi.NewRouter()
	handWritten.Use(chimw.RequestID, chimw.Recoverer)
	handWritten.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]any{
			"type": "https://api.example.com/problems/user-not-found", "title": "User not found",
			"status": 404, "detail": "No user has the ID 42.", "instance": r.URL.Path,
			"code": "USER_NOT_FOUND", "requestId": chimw.GetReqID(r.Context()),
			"timestamp": time.Now().UTC().Format(time.RFC3339), "userId": 42,
		})
		h := w.Header()
		h.Set("Content-Type", "application/problem+json")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Language", "en")
		h.Set("Vary", "Accept, Accept-Language")
		h.Set("X-Request-Id", chimw.GetReqID(r.Context()))
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
	})

	req := httptest.NewRequest(http.MethodGet, "/users/42", nil)
	b.Run("hand_written", func(b *testing.B) { runBench(b, handWritten, req, 404) })
	b.Run("problemkit", func(b *testing.B) { runBench(b, ours, req, 404) })
}

// BenchmarkPanic compares a panic answered with a 500 problem and a log
// record with chi's Recoverer, which writes a bare 500 and prints a stack.
func BenchmarkPanic(b *testing.B) {
	boom := func(http.ResponseWriter, *http.Request) { panic("boom") }
	chiStack := chi.NewRouter()
	// chi's Recoverer hands the panic to the request's LogEntry when there
	// is one; a no-op entry stands for a logger writing to nowhere, as ours
	// writes to a discarding slog handler.
	chiStack.Use(chimw.RequestID, withNopLogEntry, chimw.Recoverer)
	chiStack.Get("/panic", boom)

	pl := benchPipeline()
	ours := chi.NewRouter()
	ours.Use(pl.Handler)
	ours.Get("/panic", boom)

	req := httptest.NewRequest(http.MethodGet, "/panic", nil)
	b.Run("chi_Recoverer", func(b *testing.B) { runBench(b, chiStack, req, 500) })
	b.Run("problemkit", func(b *testing.B) { runBench(b, ours, req, 500) })
}

func BenchmarkRequestIDValidation(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		problemhttp.ValidRequestID("0193b0c4-6f1e-7c2a-9d4e-2b1f0a9c8e77")
	}
}

type nopLogEntry struct{}

func (nopLogEntry) Write(int, int, http.Header, time.Duration, any) {}
func (nopLogEntry) Panic(any, []byte)                               {}

func withNopLogEntry(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, chimw.WithLogEntry(r, nopLogEntry{}))
	})
}
