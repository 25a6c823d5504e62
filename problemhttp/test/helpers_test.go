package test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/problemhttp"
)

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
