package problemhttp_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// Secrets a client sends that must never reach the log.
var hygHeaders = []struct{ name, value, secret string }{
	{"Authorization", "Bearer hyg-auth-secret-1", "hyg-auth-secret-1"},
	{"Cookie", "session=hyg-cookie-secret-2", "hyg-cookie-secret-2"},
	{"Set-Cookie", "sid=hyg-setcookie-secret-3", "hyg-setcookie-secret-3"},
	{"Proxy-Authorization", "Basic hyg-proxy-secret-4", "hyg-proxy-secret-4"},
	{"X-Api-Key", "hyg-apikey-secret-5", "hyg-apikey-secret-5"},
}

const (
	hygFieldSecret  = "hyg-field-secret-6"
	hygNumberSecret = "98765432123456" // a secret sent as a number
)

// hygLogin is a body whose password is marked secret.
type hygLogin struct {
	User     string `json:"user" validate:"required,min=3"`
	Password string `json:"password" validate:"required,min=32" problem:"secret"`
	Pin      int32  `json:"pin" problem:"secret"`
}

// hygHandlers are the two slog handlers the hygiene tests run with.
var hygHandlers = []struct {
	name string
	new  func(io.Writer) slog.Handler
	// line checks one line of output is one well-formed record.
	line func(string) error
}{
	{"text", func(w io.Writer) slog.Handler {
		return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	}, func(line string) error {
		if !strings.HasPrefix(line, "time=") {
			return errors.New("text line does not start with time=")
		}
		return nil
	}},
	{"json", func(w io.Writer) slog.Handler {
		return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	}, func(line string) error {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			return err
		}
		if m["msg"] == "forged" || !strings.HasPrefix(line, `{"time":`) {
			return errors.New("forged JSON record")
		}
		return nil
	}},
}

// hygRouter is the application under test, logging through h. The
// application's own credentials for an upstream are attacked in the
// problemhttp/test module, which has the upstream package.
func hygRouter(h slog.Handler) http.Handler {
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(h)})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Post("/login", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in hygLogin
		if err := validation.Decode(r, &in); err != nil {
			return err
		}
		return nil
	}))
	r.Get("/unmapped", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return errors.New("lookup failed")
	}))
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("handler bug") })
	r.Get("/multiline", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return errors.New("first line\nlevel=ERROR msg=forged\n{\"level\":\"ERROR\",\"msg\":\"forged\"}")
	}))
	r.Get("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	return r
}

// withSecretHeaders adds every secret header to req.
func withSecretHeaders(req *http.Request) *http.Request {
	for _, h := range hygHeaders {
		req.Header.Set(h.name, h.value)
	}
	return req
}

// viaRecorder sends req in memory, so that it may carry bytes no client
// would send.
func viaRecorder(req func() *http.Request) func(*testing.T, http.Handler) {
	return func(t *testing.T, h http.Handler) {
		h.ServeHTTP(httptest.NewRecorder(), req())
	}
}

// viaTCP writes a hand-made request over a real connection.
func viaTCP(raw string) func(*testing.T, http.Handler) {
	return func(t *testing.T, h http.Handler) {
		srv := httptest.NewServer(h)
		defer srv.Close() // waits for the handler, and so for its log record
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("read response: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("status %d, want a failure", resp.StatusCode)
		}
	}
}

func TestLogHygiene(t *testing.T) {
	var secrets []string
	for _, h := range hygHeaders {
		secrets = append(secrets, h.secret)
	}
	secrets = append(secrets, hygFieldSecret, hygNumberSecret)
	const secretHeaders = "Authorization: Bearer hyg-auth-secret-1\r\nCookie: session=hyg-cookie-secret-2\r\n" +
		"Set-Cookie: sid=hyg-setcookie-secret-3\r\nProxy-Authorization: Basic hyg-proxy-secret-4\r\n" +
		"X-Api-Key: hyg-apikey-secret-5\r\n"

	tests := []struct {
		name string
		send func(*testing.T, http.Handler)
		// absent is what the client sent that must not reach the log at
		// all: a rejected request ID, a header's value, raw control bytes.
		absent []string
	}{
		{name: "secret field fails validation", send: viaRecorder(func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"user":"bob","password":"`+hygFieldSecret+`"}`))
			req.Header.Set("Content-Type", "application/json")
			return withSecretHeaders(req)
		})},
		{name: "secret field sent as a number", send: viaRecorder(func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"user":"bob","password":`+hygNumberSecret+`}`))
			req.Header.Set("Content-Type", "application/json")
			return withSecretHeaders(req)
		})},
		{name: "secret number out of its field's range", send: viaRecorder(func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"user":"bob","pin":`+hygNumberSecret+`}`))
			req.Header.Set("Content-Type", "application/json")
			return withSecretHeaders(req)
		})},
		{name: "secret field in malformed JSON", send: viaRecorder(func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"user":"bob","password":"`+hygFieldSecret+`",}`))
			req.Header.Set("Content-Type", "application/json")
			return withSecretHeaders(req)
		})},
		{name: "unmapped error", send: viaRecorder(func() *http.Request {
			return withSecretHeaders(httptest.NewRequest(http.MethodGet, "/unmapped", nil))
		})},
		{name: "panic", send: viaRecorder(func() *http.Request {
			return withSecretHeaders(httptest.NewRequest(http.MethodGet, "/panic", nil))
		})},
		{name: "secret headers over TCP", send: viaTCP("GET /unmapped HTTP/1.1\r\nHost: x\r\n" + secretHeaders + "Connection: close\r\n\r\n")},
		{
			name: "LF and a JSON record in the path",
			send: viaTCP("GET /x%0a{\"level\":\"ERROR\",\"msg\":\"forged\"} HTTP/1.1\r\nHost: x\r\n" + secretHeaders + "Connection: close\r\n\r\n"),
		},
		{
			name: "CRLF and a text record in the path",
			send: viaTCP("GET /x%0d%0atime=2026-01-01T00:00:00Z%20level=ERROR%20msg=forged HTTP/1.1\r\nHost: x\r\n" + secretHeaders + "Connection: close\r\n\r\n"),
		},
		{
			name: "CRLF in the path, in memory",
			send: viaRecorder(func() *http.Request {
				return withSecretHeaders(httptest.NewRequest(http.MethodGet, "/x%0d%0atime=2026-01-01T00:00:00Z%20level=ERROR%20msg=forged", nil))
			}),
		},
		{
			name: "LF in the request ID",
			send: viaRecorder(func() *http.Request {
				req := withSecretHeaders(httptest.NewRequest(http.MethodGet, "/unmapped", nil))
				req.Header["X-Request-Id"] = []string{"abc\nlevel=ERROR msg=forged-id\r\n{\"msg\":\"forged-id\"}"}
				return req
			}),
			absent: []string{"forged-id"},
		},
		{
			name: "control bytes in a header",
			send: viaRecorder(func() *http.Request {
				req := withSecretHeaders(httptest.NewRequest(http.MethodGet, "/nowhere", nil))
				req.Header.Set("User-Agent", "agent\x1b[2K\x07\x00\rlevel=ERROR msg=forged-ua")
				return req
			}),
			absent: []string{"forged-ua", "\x1b", "\x07"},
		},
		{
			name:   "LF in an error's text",
			send:   viaRecorder(func() *http.Request { return withSecretHeaders(httptest.NewRequest(http.MethodGet, "/multiline", nil)) }),
			absent: []string{"\nlevel=ERROR", "\n{"},
		},
	}
	for _, hh := range hygHandlers {
		for _, tt := range tests {
			t.Run(hh.name+"/"+tt.name, func(t *testing.T) {
				out := &pipetest.Logs{}
				h := hygRouter(hh.new(out))
				tt.send(t, h)

				got := out.String()
				lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
				if got == "" || len(lines) != 1 {
					t.Fatalf("%d log lines for one failure, want exactly 1:\n%s", len(lines), got)
				}
				if err := hh.line(lines[0]); err != nil {
					t.Errorf("%v: %s", err, lines[0])
				}
				if strings.ContainsAny(got[:len(got)-1], "\r\n\x00\x07\x1b") {
					t.Errorf("raw control bytes in the log: %q", got)
				}
				for _, s := range secrets {
					if strings.Contains(got, s) {
						t.Errorf("the log leaks %q: %s", s, got)
					}
				}
				for _, a := range tt.absent {
					if strings.Contains(got, a) {
						t.Errorf("the log holds the client's %q: %s", a, got)
					}
				}

				// The application still serves a normal request.
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ok", nil))
				if rec.Code != 200 || rec.Body.String() != "ok" {
					t.Errorf("next request: %d %q", rec.Code, rec.Body)
				}
			})
		}
	}
}
