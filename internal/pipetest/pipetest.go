// Package pipetest holds what the tests of package problemhttp share across
// the modules they live in (the core and problemhttp/test): a pipeline
// with a fixed clock whose records are captured through slog's real JSON
// handler, and a chi router mounted the way the README says.
package pipetest

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

// FixedNow is the clock of every test pipeline, so bodies are stable.
var FixedNow = time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)

// Logs captures a pipeline's records; it is safe for concurrent use.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p, one or more records.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Records decodes every captured JSON record, failing t on a line that is
// not one.
func (l *Logs) Records(t testing.TB) []map[string]any {
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

// One returns the only record, failing t when there is not exactly one.
func (l *Logs) One(t testing.TB) map[string]any {
	t.Helper()
	recs := l.Records(t)
	if len(recs) != 1 {
		t.Fatalf("got %d log records, want exactly 1:\n%s", len(recs), l.String())
	}
	return recs[0]
}

// Eventually waits up to two seconds for exactly one record: over a real
// connection the client can finish before the server's deferred logging.
func (l *Logs) Eventually(t testing.TB) map[string]any {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && strings.TrimSpace(l.String()) == "" {
		time.Sleep(5 * time.Millisecond)
	}
	return l.One(t)
}

// NewPipeline returns a pipeline with opts, logging at debug level to the
// Logs it returns unless opts has a Logger, with FixedNow as its clock
// unless opts has one.
func NewPipeline(opts problemhttp.Options) (*problemhttp.Pipeline, *Logs) {
	l := &Logs{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return FixedNow }
	}
	return problemhttp.New(opts), l
}

// NewRouter mounts the pipeline on a chi router the way the README says.
func NewRouter(pl *problemhttp.Pipeline) *chi.Mux {
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	return r
}

// ServeRecorded decodes a recorded body into a generic map, failing t
// when it is not JSON.
func ServeRecorded(t testing.TB, rec *httptest.ResponseRecorder) (int, map[string]any) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return rec.Code, m
}
