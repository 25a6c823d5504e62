package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the real server: with
// EXAMPLE_SERVER_MAIN=1 it runs main, signals and all (TestSIGTERM).
func TestMain(m *testing.M) {
	if os.Getenv("EXAMPLE_SERVER_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Traces a client continues with its traceparent header.
const (
	panicTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	userTrace  = "5a3e0f2b9c8d7e6f1a2b3c4d5e6f7a8b"
)

func traceparent(traceID string) map[string]string {
	return map[string]string{"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01"}
}

// runOTel runs the real server in-process with -otel and the args; stop
// shuts it down as SIGTERM does (it cancels run's context) and returns
// what it wrote on stdout once run has returned, exporters flushed.
func runOTel(t *testing.T, args ...string) (base string, logs *syncBuffer, stop func() string) {
	t.Helper()
	logs, stdout := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	addrc, errc := make(chan string, 1), make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-otel"}, args...), stdout, logs, func(a string) { addrc <- a })
	}()
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-errc:
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start in 10s")
	}
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("server stopped with %v", err)
			}
		}
		return stdout.String()
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

// keyValue is an attribute as the stdout exporters write it.
type keyValue struct {
	Key   string
	Value struct{ Value any }
}

type keyValues []keyValue

func (kvs keyValues) get(key string) any {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value.Value
		}
	}
	return nil
}

// spanDoc is a span as stdouttrace writes it.
type spanDoc struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
	SpanKind    int
	Attributes  keyValues
	Events      []struct {
		Name       string
		Attributes keyValues
	}
	Status struct{ Code, Description string }
}

// point is one data point of the problem counter.
type point struct {
	Attributes keyValues
	Value      float64
}

// exported splits what the exporters wrote into spans and the problem
// counter's data points, from the last metrics document (the counter is
// cumulative, and the last one is written at shutdown).
func exported(t *testing.T, stdout string) (spans []spanDoc, problems []point) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	for {
		var doc map[string]json.RawMessage
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("stdout holds something else than the exporters' JSON: %v\n%s", err, stdout)
		}
		raw, _ := json.Marshal(doc)
		switch {
		case doc["SpanContext"] != nil:
			var s spanDoc
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatal(err)
			}
			spans = append(spans, s)
		case doc["ScopeMetrics"] != nil:
			var m struct {
				ScopeMetrics []struct {
					Metrics []struct {
						Name string
						Data struct{ DataPoints []point }
					}
				}
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			for _, sm := range m.ScopeMetrics {
				for _, mt := range sm.Metrics {
					if mt.Name == "http.server.problems" {
						problems = mt.Data.DataPoints
					}
				}
			}
		}
	}
	return spans, problems
}

// series writes a data point's attributes in one line, sorted.
func (p point) series() string {
	var parts []string
	for _, kv := range p.Attributes {
		parts = append(parts, fmt.Sprintf("%s=%v", kv.Key, kv.Value.Value))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// TestOTel runs -otel through the real server on both routers: the
// traceId member is the client's trace ID and the log record's; the /panic
// span is Error with one exception event, the 4xx spans are Unset, spans
// are named after routes; the counter counts by code, status and route;
// no production output holds the panic's secret.
func TestOTel(t *testing.T) {
	for _, tt := range []struct{ mux, mode string }{{"chi", "production"}, {"std", "production"}, {"chi", "development"}} {
		t.Run(tt.mux+"/"+tt.mode, func(t *testing.T) {
			args := []string{"-mux", tt.mux}
			if tt.mode == "production" {
				args = append(args, "-production")
			}
			base, logs, stop := runOTel(t, args...)
			calls := []struct {
				call
				status          int
				traceID, span   string
				code, spanState string
			}{
				{call{method: "GET", path: "/panic", header: traceparent(panicTrace)}, 500, panicTrace, "GET /panic", "INTERNAL_ERROR", "Error"},
				{call{method: "GET", path: "/users/999", header: traceparent(userTrace)}, 404, userTrace, "GET /users/{id}", "USER_NOT_FOUND", "Unset"},
				{call{method: "GET", path: "/nope"}, 404, "", "GET", "ROUTE_NOT_FOUND", "Unset"},
			}
			traceIDs := map[string]string{} // by path
			for _, c := range calls {
				r := c.do(t, base)
				var body map[string]any
				if err := json.Unmarshal(r.body, &body); err != nil || r.status != c.status {
					t.Fatalf("%s: %d %s", c.path, r.status, r.body)
				}
				id, _ := body["traceId"].(string)
				if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) || c.traceID != "" && id != c.traceID {
					t.Errorf("%s: traceId %q, want %q", c.path, id, c.traceID)
				}
				traceIDs[c.path] = id
				if !strings.Contains(logs.String(), `trace_id=`+id) && !strings.Contains(logs.String(), `"trace_id":"`+id+`"`) {
					t.Errorf("%s: no log record has trace_id %s:\n%s", c.path, id, logs)
				}
			}

			out := stop()
			spans, problems := exported(t, out)
			for _, c := range calls {
				var found *spanDoc
				for i := range spans {
					if spans[i].SpanContext.TraceID == traceIDs[c.path] {
						found = &spans[i]
					}
				}
				if found == nil {
					t.Errorf("%s: no span of trace %s on stdout", c.path, traceIDs[c.path])
					continue
				}
				var exceptions []string
				for _, e := range found.Events {
					if e.Name == "exception" {
						exceptions = append(exceptions, fmt.Sprint(e.Attributes.get("exception.message")))
					}
				}
				if found.Name != c.span || found.Status.Code != c.spanState || found.Attributes.get("error.type") != c.code {
					t.Errorf("%s: span %q status %s error.type %v; want %q %s %s", c.path, found.Name, found.Status.Code, found.Attributes.get("error.type"), c.span, c.spanState, c.code)
				}
				if want := map[bool]int{true: 1, false: 0}[c.status >= 500]; len(exceptions) != want {
					t.Errorf("%s: %d exception events, want %d", c.path, len(exceptions), want)
				}
				if c.status >= 500 && tt.mode == "development" && !strings.Contains(exceptions[0], panicSecret) {
					t.Errorf("development: the exception is %q, want the panic's text", exceptions[0])
				}
			}
			if tt.mode == "production" && strings.Contains(out, panicSecret) {
				t.Errorf("stdout holds the panic's secret %q", panicSecret)
			}

			got := map[string]float64{}
			for _, p := range problems {
				got[p.series()] = p.Value
			}
			want := map[string]float64{
				"error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/panic":      1,
				"error.type=USER_NOT_FOUND http.request.method=GET http.response.status_code=404 http.route=/users/{id}": 1,
				"error.type=ROUTE_NOT_FOUND http.request.method=GET http.response.status_code=404":                       1,
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("http.server.problems{%s} = %v, want %v; all: %v", k, got[k], v, got)
				}
			}
			if len(got) != len(want) {
				t.Errorf("http.server.problems has %d series, want %d: %v", len(got), len(want), got)
			}
		})
	}
}

// TestSIGTERM runs the real server as a process and stops it with SIGTERM
// while a request is in flight: the request finishes, the process exits 0
// and, with -otel, stdout then holds the /panic span (status Error) and
// the problem counter.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server as a process")
	}
	for _, withOTel := range []bool{false, true} {
		t.Run(fmt.Sprintf("otel=%v", withOTel), func(t *testing.T) {
			args := []string{"-addr", "127.0.0.1:0", "-production"}
			if withOTel {
				args = append(args, "-otel")
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "EXAMPLE_SERVER_MAIN=1")
			var stdout, stderr syncBuffer
			cmd.Stdout = &stdout
			logs, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
			})
			addr := listening(t, logs, &stderr)
			go func() { done <- cmd.Wait() }()
			base := "http://" + addr

			r := call{method: "GET", path: "/panic", header: traceparent(panicTrace)}.do(t, base)
			var body map[string]any
			if err := json.Unmarshal(r.body, &body); err != nil || r.status != 500 {
				t.Fatalf("/panic: %d %s", r.status, r.body)
			}
			if withOTel && body["traceId"] != panicTrace {
				t.Errorf("traceId %v, want %s", body["traceId"], panicTrace)
			}

			// A request the server is reading when the signal comes: it
			// has asked for the body (100 Continue), and gets it only once
			// the server has stopped accepting.
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("POST", base+"/users", pr)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Expect", "100-continue")
			reading := make(chan struct{})
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{Got100Continue: func() { close(reading) }}))
			client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
			answer := make(chan response, 1)
			go func() {
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("the request in flight failed: %v", err)
					answer <- response{}
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				answer <- response{status: resp.StatusCode, body: b}
			}()
			select {
			case <-reading:
			case <-time.After(10 * time.Second):
				t.Fatal("the server never read the request body")
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				conn, err := net.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					break // the listener is closed: the server is shutting down
				}
				conn.Close()
				if time.Now().After(deadline) {
					t.Fatal("the server still accepts 10 s after SIGTERM")
				}
				time.Sleep(10 * time.Millisecond)
			}
			_, _ = io.WriteString(pw, `{"username":"late","email":"late@example.com","password":"long enough","age":30,"address":{"city":"Seoul","zip":"04524"}}`)
			pw.Close()
			if got := <-answer; got.status != http.StatusCreated {
				t.Errorf("the request in flight got %d %s, want 201", got.status, got.body)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit: %v\n%s", err, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the server did not exit 20 s after SIGTERM")
			}
			if !strings.Contains(stderr.String(), "example_server stopped") {
				t.Errorf("no graceful stop in the log:\n%s", stderr.String())
			}
			if !withOTel {
				if stdout.String() != "" {
					t.Errorf("stdout without -otel: %s", stdout.String())
				}
				return
			}
			spans, problems := exported(t, stdout.String())
			var panicSpan, lateSpan bool
			for _, s := range spans {
				panicSpan = panicSpan || s.SpanContext.TraceID == panicTrace && s.Name == "GET /panic" && s.Status.Code == "Error"
				lateSpan = lateSpan || s.Name == "POST /users" && fmt.Sprint(s.Attributes.get("http.response.status_code")) == "201"
			}
			if !panicSpan || !lateSpan {
				t.Errorf("stdout lacks the /panic span (%v) or the one of the request in flight (%v):\n%s", panicSpan, lateSpan, stdout.String())
			}
			counted := false
			for _, p := range problems {
				counted = counted || p.series() == "error.type=INTERNAL_ERROR http.request.method=GET http.response.status_code=500 http.route=/panic" && p.Value == 1
			}
			if !counted {
				t.Errorf("stdout lacks the problem counter of /panic: %v", problems)
			}
		})
	}
}

// listening reads the server's JSON log until it says where it listens,
// then copies the rest into rest.
func listening(t *testing.T, logs io.Reader, rest *syncBuffer) string {
	t.Helper()
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = rest.Write(append(bytes.Clone(line), '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "example_server listening" {
				addrc <- rec.Addr
			}
		}
	}()
	select {
	case a := <-addrc:
		return a
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not listen within 20 s")
	}
	return ""
}

const (
	otelBegin = "<!-- otel:begin (generated by TestOTelWalkthrough; go test ./example_server -run TestOTelWalkthrough -update) -->"
	otelEnd   = "<!-- otel:end -->"
)

// Normalizers for the OpenTelemetry samples: what differs from run to run.
var (
	reLogTime = regexp.MustCompile(`("time": ")[^"]+"`)
	reStack   = regexp.MustCompile(`("stack": )"(?:[^"\\]|\\.)*"`)
)

// renderOTel runs the OpenTelemetry walk-through of docs/opentelemetry.md against the real
// server and writes what each signal holds, normalized.
func renderOTel(t *testing.T) string {
	base, logs, stop := runOTel(t, "-production")
	curl := map[string]string{"User-Agent": "curl/8.14.1"}
	panicked := call{method: "GET", path: "/panic", header: map[string]string{"User-Agent": curl["User-Agent"], "traceparent": traceparent(panicTrace)["traceparent"]}}.do(t, base)
	call{method: "GET", path: "/users/999", header: curl}.do(t, base)
	call{method: "GET", path: "/nope", header: curl}.do(t, base)
	spans, problems := exported(t, stop())

	var span *spanDoc
	for i := range spans {
		if spans[i].SpanContext.TraceID == panicTrace {
			span = &spans[i]
		}
	}
	if span == nil {
		t.Fatal("no span of the /panic trace")
	}
	// The span ID is random: give it the one of the W3C examples, in the
	// span and in the log record alike.
	const spanID = "b7ad6b7169203331"
	fix := func(s string) string {
		s = strings.ReplaceAll(s, span.SpanContext.SpanID, spanID)
		s = reLoopback.ReplaceAllString(s, "http://localhost:8080")
		s = reUUID.ReplaceAllString(s, "019aa2b5-35c1-7d6e-9a4f-0c8b7e6d5f41")
		s = reTime.ReplaceAllString(s, "2026-11-22T01:02:03Z")
		return s
	}

	var b strings.Builder
	b.WriteString(otelBegin + "\n\n")
	b.WriteString("```sh\ngo run ./example_server -production -otel 2>server.log\n" +
		"curl -s localhost:8080/panic -H 'traceparent: 00-" + panicTrace + "-00f067aa0ba902b7-01'\n" +
		"curl -s localhost:8080/users/999; curl -s localhost:8080/nope\n# then Ctrl-C: the server flushes its spans and metrics to stdout\n```\n\n")

	var pretty bytes.Buffer
	if err := json.Indent(&pretty, bytes.TrimSpace(panicked.body), "", "  "); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "The problem carries the trace ID, not the traceparent:\n\n```json\n%s\n```\n\n", fix(pretty.String()))

	var record string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"trace_id":"`+panicTrace+`"`) {
			record = line
		}
	}
	pretty.Reset()
	if err := json.Indent(&pretty, []byte(record), "", "  "); err != nil {
		t.Fatalf("no JSON log record of the /panic trace: %v\n%s", err, logs)
	}
	rec := reStack.ReplaceAllString(pretty.String(), `${1}"goroutine 21 [running]:\n…"`)
	rec = reLogTime.ReplaceAllString(rec, `${1}2026-11-22T01:02:03.123456789Z"`)
	fmt.Fprintf(&b, "Its log record on stderr has the same trace ID, the server span's ID and, for the operator, the cause (the stack is cut here):\n\n```json\n%s\n```\n\n", fix(rec))

	type event struct {
		Name       string
		Attributes map[string]any
	}
	condensed := struct {
		Name                string
		SpanContext, Parent struct{ TraceID, SpanID string }
		SpanKind            int
		Attributes          map[string]any
		Events              []event
		Status              struct{ Code, Description string }
	}{Name: span.Name, SpanContext: span.SpanContext, Parent: span.Parent, SpanKind: span.SpanKind,
		Attributes: attributeMap(span.Attributes), Status: span.Status}
	for _, e := range span.Events {
		condensed.Events = append(condensed.Events, event{e.Name, attributeMap(e.Attributes)})
	}
	out, _ := json.MarshalIndent(condensed, "", "  ")
	fmt.Fprintf(&b, "Its span on stdout (condensed from the exporter's JSON: attributes as name: value; resource, scope and times left out; the ports fixed). SpanKind 2 is server. error.type and the exception event are problemotel's (otelhttp marks a 5xx Error too), and the event holds the redacted text, not the panic:\n\n```json\n%s\n```\n\n", fix(string(out)))

	var lines []string
	for _, p := range problems {
		var attrs []string
		for _, kv := range p.Attributes {
			v, _ := json.Marshal(kv.Value.Value)
			attrs = append(attrs, fmt.Sprintf("%s=%s", kv.Key, v))
		}
		lines = append(lines, fmt.Sprintf("http.server.problems{%s} %v", strings.Join(attrs, ", "), p.Value))
	}
	slices.Sort(lines)
	fmt.Fprintf(&b, "The problem counter on stdout, one series per code, status and route (condensed: one line per data point):\n\n```\n%s\n```\n\n", strings.Join(lines, "\n"))
	b.WriteString(otelEnd)
	return b.String()
}

// attributeMap is the exporter's attribute list as name: value, with the
// ports that change from run to run fixed.
func attributeMap(kvs keyValues) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.Value
	}
	for k, v := range map[string]any{"server.address": "localhost", "server.port": 8080, "network.peer.port": 51234} {
		if _, ok := m[k]; ok {
			m[k] = v
		}
	}
	return m
}

func TestOTelWalkthrough(t *testing.T) {
	got := renderOTel(t)
	readme, err := os.ReadFile("../docs/opentelemetry.md")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(readme, []byte(otelBegin))
	end := bytes.Index(readme, []byte(otelEnd))
	if start < 0 || end < start {
		t.Fatalf("docs/opentelemetry.md has no markers %q … %q", otelBegin, otelEnd)
	}
	current := string(readme[start : end+len(otelEnd)])
	if current == got {
		return
	}
	if *update {
		out := append(append(append([]byte{}, readme[:start]...), got...), readme[end+len(otelEnd):]...)
		if err := os.WriteFile("../docs/opentelemetry.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the samples in docs/opentelemetry.md differ from what the server writes; run\n\tgo test ./example_server -run TestOTelWalkthrough -update\nfirst difference: %s", firstDifference(current, got))
}
