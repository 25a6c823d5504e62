package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// TestHalfClosedClients: the demo's slow routes, asked by a client that
// sends its request and shuts down its sending side, answer a problem —
// never net/http's implicit 200 with an empty body.
func TestHalfClosedClients(t *testing.T) {
	base, _ := startServer(t, "-production")
	for _, path := range []string{"/slow", "/upstream/embeddings?fail=timeout", "/upstream/embeddings?fail=500"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no response: %v", err)
			}
			defer resp.Body.Close()
			var p problem.Problem
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
				t.Fatalf("%s with a body that is no problem: %v", resp.Status, err)
			}
			if resp.StatusCode < 400 || p.Status != resp.StatusCode || resp.Header.Get("Content-Type") != problem.MediaType {
				t.Errorf("a half-closed client got %s %s %+v", resp.Status, resp.Header.Get("Content-Type"), p)
			}
		})
	}
}

// TestTemplateInjection is the attack of the security report, against the
// real demo in production mode: a member name that is a template comes back
// as text, evaluated nowhere, at once.
func TestTemplateInjection(t *testing.T) {
	base, _ := startServer(t, "-production")
	for _, name := range []string{`{{printf "%s-%d" "ssti" 49}}`, "{{range 100000000}}{{end}}", "{{range 500000}}0123456789{{end}}"} {
		for _, lang := range []string{"en", "ko"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				body, _ := json.Marshal(map[string]int{name: 1})
				start := time.Now()
				r := call{method: "POST", path: "/users", body: string(body), header: map[string]string{"Content-Type": "application/json", "Accept-Language": lang}}.do(t, base)
				if took := time.Since(start); took > 10*time.Second { // generous: a loaded CI machine under -race; the payloads once cost seconds of CPU each
					t.Errorf("took %v", took)
				}
				var p problem.Problem
				if err := json.Unmarshal(r.body, &p); err != nil || r.status != 422 || len(p.Errors) != 1 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				if fe := p.Errors[0]; fe.Field != name || !strings.Contains(fe.Detail, name) || strings.Contains(string(r.body), "ssti-49") || len(r.body) > 4<<10 {
					t.Errorf("field %q, detail %q (%d bytes)", fe.Field, fe.Detail, len(r.body))
				}
			})
		}
	}
}

// TestServerLimits: the demo's http.Server bounds every phase of a
// request, and leaves room for its slowest route.
func TestServerLimits(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Errorf("unbounded: %+v", srv)
	}
	// The upstream routes give up within their MaxElapsed of 2 s.
	if srv.WriteTimeout < 10*time.Second {
		t.Errorf("WriteTimeout %v cuts the slow routes short", srv.WriteTimeout)
	}
	base, _ := startServer(t, "-production")
	// A header block over MaxHeaderBytes is refused before any handler.
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("b", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 64 KiB header: %s, want 431", resp.Status)
	}
}
