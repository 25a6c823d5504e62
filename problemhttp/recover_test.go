package problemhttp_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problemhttp"
)

func TestPanicBecomesProblem(t *testing.T) {
	tests := []struct {
		name       string
		production bool
		value      any
	}{
		{"string in production", true, "db password=hunter2"},
		{"error in production", true, errors.New("open /etc/app/secret.key: permission denied")},
		{"string in development", false, "db password=hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{Development: !tt.production})
			r := pipetest.NewRouter(pl)
			r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic(tt.value) })
			rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/panic", nil))
			checkProblem(t, rec, p, 500, "INTERNAL_ERROR")
			body := rec.Body.String()
			for _, leak := range []string{"hunter2", "secret.key", "goroutine ", ".go:", "runtime."} {
				if tt.production && strings.Contains(body, leak) {
					t.Errorf("production body leaks %q: %s", leak, body)
				}
			}
			rec0 := logs.One(t)
			if rec0["level"] != "ERROR" || rec0["msg"] != "panic recovered" || rec0["requestId"] != p.RequestID {
				t.Errorf("log record = %v", rec0)
			}
			if !strings.Contains(rec0["panic"].(string), "hunter2") && !strings.Contains(rec0["panic"].(string), "secret.key") {
				t.Errorf("the log lost the panic value: %v", rec0["panic"])
			}
			if !strings.Contains(rec0["stack"].(string), "recover_test.go") {
				t.Errorf("the log has no stack of the panic")
			}
		})
	}
}

func TestErrAbortHandlerIsRepanicked(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-panicked", v)
		}
		if logs.String() != "" {
			t.Errorf("an intended abort was logged: %s", logs)
		}
	}()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/abort", nil))
	t.Fatal("ServeHTTP returned normally")
}

// TestPanicAfterPartialWrite runs over a real connection: the client must
// see a broken response, never a problem glued to the half-written body.
func TestPanicAfterPartialWrite(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[1,2,`)
		w.(http.Flusher).Flush()
		panic("stream source failed")
	})
	srv := httptest.NewUnstartedServer(r)
	srv.Config.ErrorLog = nil
	srv.Start()
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d: the started 200 must stand", resp.StatusCode)
	}
	if readErr == nil {
		t.Errorf("the client read a complete body %q: the connection should have been aborted", body)
	}
	if strings.Contains(string(body), "INTERNAL_ERROR") || string(body) != `{"items":[1,2,` {
		t.Errorf("body = %q: a problem was appended", body)
	}
	rec0 := logs.Eventually(t)
	if rec0["level"] != "ERROR" || !strings.Contains(rec0["note"].(string), "response started") || rec0["panic"] != "stream source failed" {
		t.Errorf("log record = %v", rec0)
	}
}

func TestHijackedConnectionLeftAlone(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/ws", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack through the pipeline's writer: %v", err)
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello")
		_ = buf.Flush()
		defer conn.Close()
		panic("websocket handler bug")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(bufio.NewReader(conn))
	if !strings.HasSuffix(string(got), "hello") || strings.Contains(string(got), "problem") {
		t.Errorf("hijacked connection got %q", got)
	}
	rec0 := logs.Eventually(t)
	if rec0["level"] != "ERROR" || !strings.Contains(rec0["note"].(string), "hijacked") {
		t.Errorf("log record = %v", rec0)
	}
}
