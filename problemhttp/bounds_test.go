package problemhttp_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/internal/pipetest"
)

// maxLogLine is the promise of docs/security.md: a record stays below
// 16 KiB whatever the request.
const maxLogLine = 16 << 10

// TestReflectionIsBounded sends requests made of huge client text through
// every place it can be reflected, and checks that no log line reaches
// 16 KiB and that the problem body keeps each value to its size, marked
// as cut.
func TestReflectionIsBounded(t *testing.T) {
	huge := strings.Repeat("a\"\n\x1b가", 40<<10) // 280 KiB, expensive to escape
	plain := strings.Repeat("x", 200<<10)
	tests := []struct {
		name   string
		status int
		send   func(t *testing.T, base string) (*http.Response, error)
	}{
		{"200 KiB path", 404, func(t *testing.T, base string) (*http.Response, error) {
			return http.Get(base + "/" + plain)
		}},
		{"200 KiB escaped path", 404, func(t *testing.T, base string) (*http.Response, error) {
			return http.Get(base + "/" + url.PathEscape(huge))
		}},
		{"huge member name", 422, func(t *testing.T, base string) (*http.Response, error) {
			return http.Post(base+"/body", "application/json", strings.NewReader("{"+jsonString(huge)+":1}"))
		}},
		{"many huge map keys", 422, func(t *testing.T, base string) (*http.Response, error) {
			var b strings.Builder
			b.WriteString(`{"meta":{`)
			for i := range 20 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%s:\"x\"", jsonString(fmt.Sprint(i)+plain[:20<<10]))
			}
			b.WriteString("}}")
			return http.Post(base+"/body", "application/json", strings.NewReader(b.String()))
		}},
		{"a time value the decoder quotes", 422, func(t *testing.T, base string) (*http.Response, error) {
			return http.Post(base+"/when", "application/json", strings.NewReader(`{"when":`+jsonString(huge)+`}`))
		}},
		{"an error text that quotes the client", 500, func(t *testing.T, base string) (*http.Response, error) {
			return http.Get(base + "/fail?q=" + url.QueryEscape(huge))
		}},
		{"a panic value that quotes the client", 500, func(t *testing.T, base string) (*http.Response, error) {
			return http.Get(base + "/panic?v=" + url.QueryEscape(huge))
		}},
		{"a huge header parameter", 400, func(t *testing.T, base string) (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, base+"/header", nil)
			req.Header.Set("X-Thing", plain)
			return http.DefaultClient.Do(req)
		}},
		{"a 20 KiB method", 405, func(t *testing.T, base string) (*http.Response, error) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { conn.Close() })
			fmt.Fprintf(conn, "%s /things/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", strings.Repeat("M", 20<<10))
			return http.ReadResponse(bufio.NewReader(conn), nil)
		}},
	}
	for _, hh := range hygHandlers {
		for _, dev := range []bool{false, true} {
			for _, tt := range tests {
				t.Run(fmt.Sprintf("%s/development=%v/%s", hh.name, dev, tt.name), func(t *testing.T) {
					out := &pipetest.Logs{}
					srv := httptest.NewServer(hostileAPI(t, slog.New(hh.new(out)), dev))
					defer srv.Close()
					resp, err := tt.send(t, srv.URL)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != tt.status {
						t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
					}
					checkBounded(t, body)
					srv.Close() // every handler has returned: the record is written
					lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
					if len(lines) != 1 {
						t.Fatalf("%d log lines, want 1", len(lines))
					}
					if n := len(lines[0]); n >= maxLogLine {
						t.Errorf("a %d-byte log line: %.300s", n, lines[0])
					}
					if err := hh.line(lines[0]); err != nil {
						t.Errorf("%v: %.300s", err, lines[0])
					}
				})
			}
		}
	}
}

// checkBounded checks every string of a problem body against its size:
// the instance 1 KiB, field names 256 bytes, texts 4 KiB.
func checkBounded(t *testing.T, body []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&doc); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if n := len(body); n > 64<<10 {
		t.Errorf("a %d-byte body", n)
	}
	limit := func(name string, v any, n int) {
		if s, _ := v.(string); len(s) > n {
			t.Errorf("%s: %d bytes, want at most %d", name, len(s), n)
		}
	}
	limit("instance", doc["instance"], 1<<10)
	limit("title", doc["title"], 4<<10)
	limit("detail", doc["detail"], 4<<10)
	errs, _ := doc["errors"].([]any)
	for _, e := range errs {
		f, _ := e.(map[string]any)
		limit("errors[].field", f["field"], 256)
		limit("errors[].pointer", f["pointer"], 1<<10)
		limit("errors[].detail", f["detail"], 4<<10)
		limit("errors[].value", f["value"], 4<<10)
	}
}
