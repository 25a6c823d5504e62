package problemhttp_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

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
	if !p.Timestamp.Equal(pipetest.FixedNow) {
		t.Errorf("timestamp = %v, want %v", p.Timestamp, pipetest.FixedNow)
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
