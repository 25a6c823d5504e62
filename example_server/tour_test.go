package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/tour.md and docs/idempotency.md from the server's real answers")

// A tour step is one curl command shown in docs/tour.md with the answer the
// server really gives, so the tour cannot rot: TestTour fails when
// they differ.
type tourStep struct {
	title  string
	note   string
	call   call
	repeat int  // send the call this many times; show the last answer
	dev    bool // ask the development-mode server
	// concurrent sends the call this many times at once to a server whose
	// transfers take a second (-transfer-delay 1s); shows a 409.
	concurrent int
	headers    []string
	cmd        string // the command shown, when curlCommand's would not read well
}

var tour = []tourStep{
	{title: "A healthy route", call: call{method: "GET", path: "/healthz"}},
	{title: "Sign-up with seven broken rules, in Korean",
		note: "Every failing field at once, each with its JSON pointer, rule and parameter; the messages and field labels in the client's language.",
		call: call{method: "POST", path: "/users", header: map[string]string{"Accept-Language": "ko"},
			body: `{"username":"a!","email":"nope","password":"short","age":200,"address":{"city":"","zip":"123"},"tags":["ok",""]}`}},
	{title: "Malformed JSON", call: call{method: "POST", path: "/users", body: `{"username": "bob",}`}},
	{title: "A taken username", call: call{method: "POST", path: "/users",
		body: `{"username":"taken","email":"t@example.com","password":"long enough","age":30,"address":{"city":"Seoul","zip":"04524"}}`}},
	{title: "A path parameter that is not a number", call: call{method: "GET", path: "/users/abc"}},
	{title: "A user that does not exist", call: call{method: "GET", path: "/users/999"}},
	{title: "A transfer without an Idempotency-Key", call: call{method: "POST", path: "/transfers", body: `{"from":1,"to":2,"amount":100,"currency":"KRW"}`}},
	{title: "Insufficient funds, in Korean", call: call{method: "POST", path: "/transfers", header: map[string]string{"Idempotency-Key": "tour-1", "Accept-Language": "ko-KR"},
		body: `{"from":1,"to":2,"amount":7000,"currency":"KRW"}`}},
	{title: "The same transfer sent twice", note: "The first one succeeds (201); the second is refused, naming the request that did it.",
		call: call{method: "POST", path: "/transfers", header: map[string]string{"Idempotency-Key": "tour-2"}, body: `{"from":1,"to":2,"amount":1000,"currency":"KRW"}`}, repeat: 2},
	{title: "The same Idempotency-Key for another transfer", note: "The key names one request: another body under it is refused, and nothing is carried out.",
		call: call{method: "POST", path: "/transfers", header: map[string]string{"Idempotency-Key": "tour-2"}, body: `{"from":1,"to":2,"amount":2000,"currency":"KRW"}`}},
	{title: "A retry while the first transfer still runs", note: "Started with `-transfer-delay 1s`, so that a transfer takes a second: of two requests sent at once with one key, one runs (201), the other is told to wait:",
		call:       call{method: "POST", path: "/transfers", header: map[string]string{"Idempotency-Key": "tour-3"}, body: `{"from":1,"to":2,"amount":500,"currency":"KRW"}`},
		concurrent: 2, headers: []string{"Retry-After"},
		cmd: "for i in 1 2; do curl -si -X POST 'localhost:8080/transfers' -H 'Idempotency-Key: tour-3' -H 'Content-Type: application/json' -d '{\"from\":1,\"to\":2,\"amount\":500,\"currency\":\"KRW\"}' & done; wait"},
	{title: "The upstream answers 500", note: "Its body (an OpenAI-style error naming internal hosts and keys) stays in our log.",
		call: call{method: "GET", path: "/upstream/embeddings?fail=500"}},
	{title: "The upstream answers 502 with an HTML page", call: call{method: "GET", path: "/upstream/embeddings?fail=502"}},
	{title: "The upstream is too slow", call: call{method: "GET", path: "/upstream/embeddings?fail=timeout"}},
	{title: "The upstream rate-limits us", call: call{method: "GET", path: "/upstream/embeddings?fail=429"}, headers: []string{"Retry-After"}},
	{title: "The upstream rejects our API key", note: "Our credentials, not the client's fault: a 502, logged at error level.",
		call: call{method: "GET", path: "/upstream/embeddings?fail=401"}},
	{title: "An expired token, renewed", note: "The upstream rejects the client's first OAuth 2 token as expired; the client gets a new one and sends the request again, once. No token reaches the log.",
		call: call{method: "GET", path: "/upstream/embeddings?fail=expired"}},
	{title: "The upstream's quota is used up", note: "Its first answer is a 200 with `X-RateLimit-Remaining: 0` and a reset 30 seconds away. Until the reset the client does not call it: the second request is answered at once, with the time left.",
		call: call{method: "GET", path: "/upstream/quota"}, repeat: 2, headers: []string{"Retry-After"}},
	{title: "An upstream that stays down", note: "It answers 500 every time. After five failures in a row the circuit breaker opens: for 30 seconds the sixth request and the next ones are answered at once, without a call.",
		call: call{method: "GET", path: "/upstream/flaky"}, repeat: 6, headers: []string{"Retry-After"}},
	{title: "An SDK's error", note: "The embeddings API again, through an SDK-style client that takes an `*http.Client` and returns its own error type, whose `StatusCode()` is the upstream's 429. The answer is that of `/upstream/embeddings?fail=429`, not a 429 of ours.",
		call: call{method: "GET", path: "/upstream/sdk?fail=429"}, headers: []string{"Retry-After"}},
	{title: "Too many requests", note: "Five per minute per client. Every answer carries the IETF draft's `RateLimit-Policy` (quota `q`, window `w`) and `RateLimit` (`r` left, `t` seconds until the window renews); the sixth:",
		call: call{method: "GET", path: "/limited"}, repeat: 6, headers: []string{"Retry-After", "RateLimit-Policy", "RateLimit"}},
	{title: "Another middleware's error response", note: "`/admin` is guarded by an auth middleware that knows nothing of problemkit and answers `http.Error(w, \"Unauthorized\", 401)`; the pipeline makes it a problem and keeps its challenge. With `-H 'Authorization: Bearer demo-admin'` the answer is 200.",
		call: call{method: "GET", path: "/admin"}, headers: []string{"WWW-Authenticate"}},
	{title: "A body over http.MaxBytesReader's limit", note: "The handler answers with `http.Error`, as handlers without problemkit do:",
		call: call{method: "POST", path: "/upload", body: strings.Repeat("x", 2048)},
		cmd:  "head -c 2048 /dev/zero | curl -si -X POST 'localhost:8080/upload' --data-binary @-"},
	{title: "A panic", note: "The panic message holds a fake secret (`db password=hunter2`): the client sees none of it; the log has it, under the same request ID.",
		call: call{method: "GET", path: "/panic"}},
	{title: "A handler that misses its own 100 ms deadline", call: call{method: "GET", path: "/slow"}},
	{title: "Following a problem's type URI", note: "Each type URI is a page of the catalog, as HTML for browsers or as JSON:",
		call: call{method: "GET", path: "/problems/insufficient-funds", header: map[string]string{"Accept": "application/json"}}},
	{title: "A path no route matches", call: call{method: "GET", path: "/nope"}},
	{title: "A method the path does not support", call: call{method: "DELETE", path: "/users/1"}, headers: []string{"Allow"}},
	{title: "Development mode adds a debug member", note: "Started without `-production`, every problem also carries the error chain (and, for panics, the stack):",
		call: call{method: "GET", path: "/users/999"}, dev: true},
}

// Normalizers for what differs from run to run.
var (
	reUUID      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reTime      = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	reRetry     = regexp.MustCompile(`("retryAfter": )\d+`)
	reLoopback  = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	tourHeaders = []string{"Content-Type", "Content-Language"}
)

const (
	tourBegin = "<!-- tour:begin (generated by TestTour; go test ./example_server -run TestTour -update) -->"
	tourEnd   = "<!-- tour:end -->"
)

func renderTour(t *testing.T) string {
	prod, _ := startServer(t, "-production")
	dev, _ := startServer(t)
	slow, _ := startServer(t, "-production", "-transfer-delay", "1s")
	var b strings.Builder
	b.WriteString(tourBegin + "\n")
	for _, s := range tour {
		base := prod
		if s.dev {
			base = dev
		}
		var r response
		for range max(s.repeat, 1) {
			r = s.call.do(t, base)
		}
		if s.concurrent > 0 {
			r = concurrentAnswer(t, s, slow)
		}
		fmt.Fprintf(&b, "\n## %s\n\n", s.title)
		if s.note != "" {
			fmt.Fprintf(&b, "%s\n\n", s.note)
		}
		cmd := s.cmd
		if cmd == "" {
			cmd = curlCommand(s)
		}
		fmt.Fprintf(&b, "```sh\n%s\n```\n\n", cmd)
		fmt.Fprintf(&b, "```http\nHTTP/1.1 %d %s\n", r.status, http.StatusText(r.status))
		for _, h := range append(append([]string{}, tourHeaders...), s.headers...) {
			if v := r.header.Get(h); v != "" {
				fmt.Fprintf(&b, "%s: %s\n", h, normalizeHeader(h, v, s))
			}
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, bytes.TrimSpace(r.body), "", "  "); err != nil {
			t.Fatalf("%s: body is not JSON: %s", s.title, r.body)
		}
		fmt.Fprintf(&b, "\n%s\n```\n", normalize(pretty.String(), s))
	}
	b.WriteString("\n" + tourEnd)
	return b.String()
}

func normalize(s string, step tourStep) string {
	s = reLoopback.ReplaceAllString(s, "http://localhost:8080")
	s = reUUID.ReplaceAllString(s, "019aa2b5-35c1-7d6e-9a4f-0c8b7e6d5f41")
	s = reTime.ReplaceAllString(s, "2026-11-22T01:02:03Z")
	if step.call.path == "/limited" {
		// The seconds left in the rate-limit window depend on the clock.
		s = reRetry.ReplaceAllString(s, "${1}42")
	}
	if step.dev {
		// The upstream fake's port and Go's stack differ per run; keep
		// the debug member short and stable.
		s = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(s, "127.0.0.1:PORT")
	}
	return s
}

// normalizeHeader is normalize for one header value: the seconds left in
// the rate-limit window depend on the clock.
func normalizeHeader(name, value string, step tourStep) string {
	if step.call.path == "/limited" {
		switch name {
		case "Retry-After":
			return "42"
		case "RateLimit":
			return regexp.MustCompile(`t=\d+`).ReplaceAllString(value, "t=42")
		}
	}
	return normalize(value, step)
}

// curlCommand writes the call as the curl command a reader would type.
func curlCommand(s tourStep) string {
	var parts []string
	if s.repeat > 1 {
		parts = append(parts, fmt.Sprintf("for i in $(seq %d); do ", s.repeat))
	}
	parts = append(parts, "curl -si")
	if s.call.method != "GET" {
		parts = append(parts, "-X "+s.call.method)
	}
	parts = append(parts, "'localhost:8080"+s.call.path+"'")
	for _, k := range slices.Sorted(maps.Keys(s.call.header)) {
		parts = append(parts, fmt.Sprintf("-H '%s: %s'", k, s.call.header[k]))
	}
	if s.call.body != "" {
		parts = append(parts, "-H 'Content-Type: application/json'", "-d '"+s.call.body+"'")
	}
	cmd := strings.Join(parts, " ")
	if s.repeat > 1 {
		cmd = strings.Replace(cmd, "do  curl", "do curl", 1) + "; done"
	}
	return cmd
}

func TestTour(t *testing.T) {
	got := renderTour(t)
	readme, err := os.ReadFile("../docs/tour.md")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(readme, []byte(tourBegin))
	end := bytes.Index(readme, []byte(tourEnd))
	if start < 0 || end < start {
		t.Fatalf("docs/tour.md has no tour markers %q … %q", tourBegin, tourEnd)
	}
	current := string(readme[start : end+len(tourEnd)])
	if current == got {
		return
	}
	if *update {
		out := append(append(append([]byte{}, readme[:start]...), got...), readme[end+len(tourEnd):]...)
		if err := os.WriteFile("../docs/tour.md", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/tour.md differs from what the server answers; run\n\tgo test ./example_server -run TestTour -update\nfirst difference: %s", firstDifference(current, got))
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\ndocs:   %s\nserver: %s", i+1, al[i], bl[i])
		}
	}
	return "one is longer"
}

// concurrentAnswer sends the step's call s.concurrent times at once and
// returns the answer that is not the 201.
func concurrentAnswer(t *testing.T, s tourStep, base string) response {
	answers := make(chan response, s.concurrent)
	for range s.concurrent {
		go func() { answers <- s.call.do(t, base) }()
	}
	var refused response
	for range s.concurrent {
		if r := <-answers; r.status != http.StatusCreated {
			refused = r
		}
	}
	if refused.status == 0 {
		t.Fatalf("%s: every request was carried out", s.title)
	}
	return refused
}
