package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
)

// readmeBlock returns what the README holds between the markers name:begin
// and name:end, inside its code fence.
func readmeBlock(t *testing.T, name string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- "+name+":begin -->", "<!-- "+name+":end -->"
	_, rest, ok := strings.Cut(string(readme), begin)
	block, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("README.md has no %s … %s", begin, end)
	}
	block = strings.TrimSpace(block)
	if i := strings.Index(block, "\n"); i >= 0 && strings.HasPrefix(block, "```") {
		block = block[i+1:]
	}
	return strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(block, "```")), "\n")
}

// TestREADME: the README's quick start is this command, whole, but for
// the doc comment above its package clause.
func TestREADME(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := strings.Cut(string(src), "package main\n")
	want := "package main\n" + strings.TrimSpace(code)
	if got := readmeBlock(t, "quickstart"); got != want {
		t.Errorf("the README's quick start differs from internal/quickstart/main.go; copy the file (from its package clause) into the README")
	}
}

// TestQuickStart runs what the README promises of the quick start: the
// Korean 422 it shows, member for member but the request ID and the time,
// an English 404 with a whole sentence, and a 201.
func TestQuickStart(t *testing.T) {
	h, err := newHandler()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(`{"email":"ada@","age":17}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "ko")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var got, want map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
	}
	if err := json.Unmarshal([]byte(readmeBlock(t, "quickstart-answer")), &want); err != nil {
		t.Fatalf("the README's answer is not JSON: %v", err)
	}
	if rec.Code != 422 || rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("Content-Language") != "ko" {
		t.Errorf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Language"))
	}
	if got["requestId"] != rec.Header().Get("X-Request-Id") || got["timestamp"] == nil {
		t.Errorf("requestId %v, header %q, timestamp %v", got["requestId"], rec.Header().Get("X-Request-Id"), got["timestamp"])
	}
	for _, k := range []string{"requestId", "timestamp"} {
		delete(got, k)
		delete(want, k)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the answer differs from the README's:\n got %v\nwant %v", got, want)
	}

	tests := []struct {
		name, method, path string
		status             int
		detail             string
	}{
		{"a user that does not exist", http.MethodGet, "/users/7", 404, "No user has the ID 7."},
		{"a user that does", http.MethodGet, "/users/1", 200, ""},
		{"a path no route matches", http.MethodGet, "/accounts", 404, "No resource exists at this path."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			var p struct{ Detail string }
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != tt.status || p.Detail != tt.detail {
				t.Errorf("%d %q, want %d %q", rec.Code, p.Detail, tt.status, tt.detail)
			}
		})
	}
}
