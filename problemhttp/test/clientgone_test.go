package test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/upstream"
)

// goneAPI has routes that fail only because their client left: a handler
// waiting on its context, and upstream calls that the cancellation cuts
// short (one hanging, one retrying a 500 with backoff). Each tells busy
// when the work the client will abandon has started.
func goneAPI(t *testing.T, logger *slog.Logger) (h http.Handler, busy <-chan struct{}) {
	started := make(chan struct{}, 16)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(hang.Close)
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Slow enough that the client's departure is seen during the
		// first attempt, not after it failed.
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(300 * time.Millisecond):
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(fail.Close)
	client := upstream.New("up", upstream.Options{
		Timeout: 10 * time.Second,
		Retry:   upstream.RetryOptions{MaxAttempts: 5, WaitMin: 2 * time.Second, WaitMax: 3 * time.Second, MaxElapsed: 20 * time.Second},
	})
	call := func(url string) http.HandlerFunc {
		return problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
			req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, url, nil)
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			return resp.Body.Close()
		})
	}
	pl := problemhttp.New(problemhttp.Options{Logger: logger})
	r := pipetest.NewRouter(pl)
	r.Get("/wait", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		started <- struct{}{}
		<-r.Context().Done()
		return fmt.Errorf("build report: %w", r.Context().Err())
	}))
	r.Method(http.MethodGet, "/upstream/hang", call(hang.URL))
	r.Method(http.MethodGet, "/upstream/500", call(fail.URL))
	r.Get("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	return r, started
}

// goneCases are the routes, and what a client that left gets from each:
// the cancellation is the only failure it saw.
var goneCases = []struct {
	path  string
	code  string
	level string
}{
	{"/wait", "CLIENT_CLOSED_REQUEST", "INFO"},
	{"/upstream/hang", "CLIENT_CLOSED_REQUEST", "INFO"},
	{"/upstream/500", "CLIENT_CLOSED_REQUEST", "INFO"},
}

// TestHalfClosedClientGetsNoSuccess: a client that sends its request and
// shuts down its sending side still reads. net/http cancels the request's
// context when it sees the end of the input; the pipeline must then answer
// with a problem, never let net/http send its implicit 200.
func TestHalfClosedClientGetsNoSuccess(t *testing.T) {
	for _, tt := range goneCases {
		path := tt.path
		t.Run(path, func(t *testing.T) {
			out := &pipetest.Logs{}
			h, _ := goneAPI(t, slog.New(slog.NewJSONHandler(out, nil)))
			srv := httptest.NewServer(h)
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no response to a half-closed client: %v", err)
			}
			defer resp.Body.Close()
			if took := time.Since(start); took > 10*time.Second { // generous, for a loaded machine: without the cancellation it waits for good
				t.Errorf("answered after %v: the cancellation was not seen", took)
			}
			if resp.StatusCode < 400 {
				t.Fatalf("a half-closed client got %s: a failure answered as a success", resp.Status)
			}
			var p problem.Problem
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
				t.Fatalf("body is not a problem: %v", err)
			}
			if p.Status != resp.StatusCode || p.Code != tt.code || resp.Header.Get("Content-Type") != problem.MediaType {
				t.Errorf("got %d %s %+v, want a %s problem", resp.StatusCode, resp.Header.Get("Content-Type"), p, tt.code)
			}
			srv.Close()
			rec := out.One(t)
			if rec["level"] != tt.level || rec["status"] != float64(resp.StatusCode) {
				t.Errorf("log record = %v, want one %s record of a %d", rec, tt.level, resp.StatusCode)
			}
		})
	}
}

// TestGoneClientCostsNothing: a client that closes its connection
// outright gets nothing (nobody reads), costs one info record, and the
// server goes on serving.
func TestGoneClientCostsNothing(t *testing.T) {
	for _, tt := range goneCases {
		path := tt.path
		t.Run(path, func(t *testing.T) {
			out := &pipetest.Logs{}
			h, busy := goneAPI(t, slog.New(slog.NewJSONHandler(out, nil)))
			srv := httptest.NewServer(h)
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
			<-busy
			_ = conn.(*net.TCPConn).SetLinger(0)
			conn.Close() // a reset: the client is gone

			resp, err := srv.Client().Get(srv.URL + "/ok")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "ok" {
				t.Errorf("after a gone client: %d %q", resp.StatusCode, body)
			}
			rec := out.Eventually(t)
			if rec["level"] != tt.level || rec["code"] != tt.code || strings.Contains(out.String(), "panic") {
				t.Errorf("log = %s, want one %s record of %s", out, tt.level, tt.code)
			}
		})
	}
}
