package problemhttp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the clock of every test pipeline, so bodies are stable.
var fixedNow = time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)

// logs captures the pipeline's records through a real slog JSON handler.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// records decodes every captured record.
func (l *logs) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// one returns the only record, failing when there is not exactly one.
func (l *logs) one(t *testing.T) map[string]any {
	t.Helper()
	recs := l.records(t)
	if len(recs) != 1 {
		t.Fatalf("got %d log records, want exactly 1:\n%s", len(recs), l.String())
	}
	return recs[0]
}

// newPipeline returns a pipeline logging to a capture, with a fixed clock.
func newPipeline(opts problemhttp.Options) (*problemhttp.Pipeline, *logs) {
	l := &logs{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	return problemhttp.New(opts), l
}

// newRouter mounts the pipeline on a chi router the way the README says.
func newRouter(pl *problemhttp.Pipeline) *chi.Mux {
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	return r
}

// serve runs req through h and decodes the problem body when there is one.
func serve(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, *problem.Problem) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.Len() == 0 || !strings.HasPrefix(rec.Header().Get("Content-Type"), problem.MediaType) {
		return rec, nil
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body is not a problem: %v\n%s", err, rec.Body)
	}
	return rec, &p
}

// checkProblem asserts what every problem response must have.
func checkProblem(t *testing.T, rec *httptest.ResponseRecorder, p *problem.Problem, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("HTTP status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if p == nil {
		t.Fatalf("no problem body; Content-Type %q, body %q", rec.Header().Get("Content-Type"), rec.Body)
	}
	if p.Status != rec.Code {
		t.Errorf("status member %d != HTTP status %d", p.Status, rec.Code)
	}
	if p.Code != code {
		t.Errorf("code = %q, want %q", p.Code, code)
	}
	if got := rec.Header().Get("Content-Type"); got != problem.MediaType {
		t.Errorf("Content-Type = %q, want %q", got, problem.MediaType)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if id := rec.Header().Get("X-Request-ID"); id == "" || id != p.RequestID {
		t.Errorf("X-Request-ID %q != requestId %q", id, p.RequestID)
	}
	if !p.Timestamp.Equal(fixedNow) {
		t.Errorf("timestamp = %v, want %v", p.Timestamp, fixedNow)
	}
	if p.Title == "" || p.Type == "" {
		t.Errorf("title %q, type %q: both must be set", p.Title, p.Type)
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	var indented bytes.Buffer
	if err := json.Indent(&indented, got, "", "  "); err != nil {
		t.Fatalf("golden %s: not JSON: %v", name, err)
	}
	indented.WriteByte('\n')
	if *update {
		if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(indented.Bytes(), want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, indented.Bytes(), want)
	}
}

// eventually waits up to two seconds for exactly one record: over a real
// connection the client can finish before the server's deferred logging.
func (l *logs) eventually(t *testing.T) map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && strings.TrimSpace(l.String()) == "" {
		time.Sleep(5 * time.Millisecond)
	}
	return l.one(t)
}

// serveRecorded decodes a recorded problem body into a generic map.
func serveRecorded(t *testing.T, rec *httptest.ResponseRecorder) (int, map[string]any) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return rec.Code, m
}
