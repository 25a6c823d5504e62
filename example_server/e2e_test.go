package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problemtest"
)

// syncBuffer collects the server's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs the real server, flags and all, on a loopback port.
func startServer(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, logs, func(a string) { addrc <- a })
	}()
	select {
	case a := <-addrc:
		t.Cleanup(func() {
			// A connection the client dialed and never used (concurrent
			// requests do that) holds Shutdown for 5 s: close them first.
			http.DefaultClient.CloseIdleConnections()
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("server stopped with %v", err)
			}
		})
		return "http://" + a, logs
	case err := <-errc:
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start in 10s")
	}
	return "", nil
}

// call is one request of the tour and of the tests.
type call struct {
	method, path, body string
	header             map[string]string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// request returns the request of c to the server at base.
func (c call) request(t *testing.T, base string) *http.Request {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, base+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	return req
}

func (c call) do(t *testing.T, base string) response {
	t.Helper()
	req := c.request(t, base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// Secrets the demo plants: none may reach a production body, and the
// client's ones no log line.
const (
	panicSecret  = "hunter2"
	clientToken  = "client-bearer-6a1b9c"
	clientCookie = "sid=client-cookie-77e"
	clientPass   = "pw-never-log-me"
)

var upstreamSecrets = []string{"auth_subrequest_error", "sk-live-upstream-internal", "10.2.3.4", "cf_bad_gateway", "cloudflare", "Incorrect API key", "req_upstream_7f3a", "/v1/embeddings", upstreamAPIKey,
	oauthClientSecret, oauthTokenPrefix, "recommendations-db-7.internal", "API rate limit exceeded", "breaker", "quota exhausted"}

// e2eCase is one request of the demo's contract and what it must answer.
type e2eCase struct {
	name   string
	call   call
	status int
	code   string         // "" for a success
	want   map[string]any // members of a JSON body
	html   []string       // what an HTML body contains
	header map[string]string
	fields []string // pointer or in:field of each errors[] entry
}

// e2eCases is the demo's contract, in the order it must run: later
// requests depend on what earlier ones did (a sign-up, then the same name
// again). TestEndToEnd checks each answer; TestOpenAPIContract validates
// each against the server's OpenAPI document.
func e2eCases() []e2eCase {
	auth := map[string]string{"Authorization": "Bearer " + clientToken, "Cookie": clientCookie}
	newUser := `{"username":"bob","email":"bob@example.com","password":"` + clientPass + `","age":30,"address":{"city":"Busan","zip":"48058"},"tags":["go"]}`
	badUser := `{"username":"a!","email":"nope","password":"` + clientPass[:5] + `","age":200,"address":{"city":"","zip":"123"},"tags":["ok",""]}`
	transfer := transferBody
	return []e2eCase{
		{name: "health", call: call{method: "GET", path: "/healthz"}, status: 200, want: map[string]any{"status": "ok"}},
		{name: "sign-up with 7 broken rules, in Korean", call: call{method: "POST", path: "/users", body: badUser, header: map[string]string{"Accept-Language": "ko"}},
			status: 422, code: "VALIDATION_ERROR",
			want:   map[string]any{"title": "요청 값 검증에 실패했습니다", "detail": "7개 필드의 값이 올바르지 않습니다.", "count": float64(7)},
			header: map[string]string{"Content-Language": "ko"},
			fields: []string{"#/username", "#/email", "#/password", "#/age", "#/address/city", "#/address/zip", "#/tags/1"}},
		{name: "sign-up", call: call{method: "POST", path: "/users", body: newUser, header: auth}, status: 201, want: map[string]any{"username": "bob", "id": float64(2)}},
		{name: "username taken", call: call{method: "POST", path: "/users", body: strings.Replace(newUser, "bob", "taken", 1)},
			status: 409, code: "USERNAME_TAKEN", want: map[string]any{"username": "taken", "detail": "The username taken is already in use."}},
		{name: "malformed JSON", call: call{method: "POST", path: "/users", body: `{"username": "x",}`},
			status: 400, code: "MALFORMED_JSON", want: map[string]any{"line": float64(1), "column": float64(18)}},
		{name: "existing user", call: call{method: "GET", path: "/users/1"}, status: 200, want: map[string]any{"username": "alice"}},
		{name: "non-numeric id", call: call{method: "GET", path: "/users/abc"}, status: 400, code: "INVALID_PARAMETER", fields: []string{"path:id"}},
		{name: "unknown user", call: call{method: "GET", path: "/users/999", header: map[string]string{"Accept-Language": "ko-KR,ko;q=0.9"}},
			status: 404, code: "USER_NOT_FOUND", want: map[string]any{"userId": float64(999), "detail": "ID가 999인 사용자가 없습니다."}},
		{name: "transfer without Idempotency-Key", call: call{method: "POST", path: "/transfers", body: transfer("100", "2")},
			status: 400, code: "IDEMPOTENCY_KEY_MISSING"},
		{name: "transfer with a malformed Idempotency-Key", call: call{method: "POST", path: "/transfers", body: transfer("100", "2"), header: map[string]string{"Idempotency-Key": `"unterminated`}},
			status: 400, code: "IDEMPOTENCY_KEY_INVALID", want: map[string]any{"maxLength": float64(255)}},
		{name: "transfer to an unknown account", call: call{method: "POST", path: "/transfers", body: transfer("100", "9"), header: map[string]string{"Idempotency-Key": "k-1"}},
			status: 404, code: "ACCOUNT_NOT_FOUND", want: map[string]any{"accountId": float64(9)}},
		{name: "insufficient funds", call: call{method: "POST", path: "/transfers", body: transfer("7000", "2"), header: map[string]string{"Idempotency-Key": "k-1"}},
			status: 422, code: "INSUFFICIENT_FUNDS", want: map[string]any{"availableBalance": float64(5000), "requiredAmount": float64(7000), "currency": "KRW"}},
		{name: "transfer", call: call{method: "POST", path: "/transfers", body: transfer("1000", "2"), header: map[string]string{"Idempotency-Key": "k-1"}},
			status: 201, want: map[string]any{"amount": float64(1000)}},
		{name: "same Idempotency-Key again", call: call{method: "POST", path: "/transfers", body: transfer("1000", "2"), header: map[string]string{"Idempotency-Key": "k-1"}},
			status: 409, code: "DUPLICATE_REQUEST"},
		{name: "same Idempotency-Key, another transfer", call: call{method: "POST", path: "/transfers", body: transfer("2", "2"), header: map[string]string{"Idempotency-Key": "k-1"}},
			status: 422, code: "IDEMPOTENCY_KEY_REUSED"},
		{name: "the transfer happened once", call: call{method: "GET", path: "/accounts/1"}, status: 200, want: map[string]any{"balance": float64(4000)}},
		{name: "unknown account", call: call{method: "GET", path: "/accounts/9"}, status: 404, code: "ACCOUNT_NOT_FOUND"},
		{name: "upstream fine", call: call{method: "GET", path: "/upstream/embeddings"}, status: 200, want: map[string]any{"model": "text-embedding-3-small"}},
		{name: "upstream 500", call: call{method: "GET", path: "/upstream/embeddings?fail=500", header: auth}, status: 502, code: "UPSTREAM_ERROR", want: map[string]any{"dependency": "embeddings"}},
		{name: "upstream 502", call: call{method: "GET", path: "/upstream/embeddings?fail=502"}, status: 502, code: "UPSTREAM_ERROR"},
		{name: "upstream timeout", call: call{method: "GET", path: "/upstream/embeddings?fail=timeout"}, status: 504, code: "UPSTREAM_TIMEOUT"},
		{name: "upstream 429", call: call{method: "GET", path: "/upstream/embeddings?fail=429"}, status: 503, code: "UPSTREAM_RATE_LIMITED", header: map[string]string{"Retry-After": "7"}},
		{name: "upstream rejects our key", call: call{method: "GET", path: "/upstream/embeddings?fail=401"}, status: 502, code: "UPSTREAM_AUTH_FAILED"},
		{name: "upstream through an SDK", call: call{method: "GET", path: "/upstream/sdk"}, status: 200, want: map[string]any{"model": "text-embedding-3-small"}},
		{name: "upstream 500 through an SDK", call: call{method: "GET", path: "/upstream/sdk?fail=500", header: auth}, status: 502, code: "UPSTREAM_ERROR", want: map[string]any{"dependency": "embeddings"}},
		{name: "upstream 429 through an SDK", call: call{method: "GET", path: "/upstream/sdk?fail=429"}, status: 503, code: "UPSTREAM_RATE_LIMITED", want: map[string]any{"dependency": "embeddings"}, header: map[string]string{"Retry-After": "7"}},
		{name: "upstream timeout through an SDK", call: call{method: "GET", path: "/upstream/sdk?fail=timeout"}, status: 504, code: "UPSTREAM_TIMEOUT", want: map[string]any{"dependency": "embeddings"}},
		{name: "an SDK failure it cannot ask for", call: call{method: "GET", path: "/upstream/sdk?fail=401"}, status: 400, code: "INVALID_PARAMETER", fields: []string{"query:fail"}},
		{name: "panic", call: call{method: "GET", path: "/panic", header: auth}, status: 500, code: "INTERNAL_ERROR"},
		{name: "own deadline", call: call{method: "GET", path: "/slow"}, status: 503, code: "TIMEOUT"},
		{name: "unknown path", call: call{method: "GET", path: "/nope"}, status: 404, code: "ROUTE_NOT_FOUND", want: map[string]any{"type": "about:blank"}},
		{name: "wrong method", call: call{method: "DELETE", path: "/users/1"}, status: 405, code: "METHOD_NOT_ALLOWED", header: map[string]string{"Allow": "GET, HEAD"}},
		{name: "HEAD of a GET route", call: call{method: "HEAD", path: "/healthz"}, status: 200, header: map[string]string{"Content-Type": "application/json"}},
		{name: "HEAD of a user", call: call{method: "HEAD", path: "/users/1"}, status: 200, header: map[string]string{"Content-Type": "application/json"}},
		{name: "HEAD of an unknown user", call: call{method: "HEAD", path: "/users/999"}, status: 404, header: map[string]string{"Content-Type": "application/problem+json"}},
		{name: "HEAD of an unknown path", call: call{method: "HEAD", path: "/nope"}, status: 404, header: map[string]string{"Content-Type": "application/problem+json"}},
		{name: "admin without a token", call: call{method: "GET", path: "/admin"}, status: 401, code: "UNAUTHORIZED",
			header: map[string]string{"WWW-Authenticate": `Bearer realm="example"`}},
		{name: "admin with a wrong token", call: call{method: "GET", path: "/admin", header: map[string]string{"Authorization": "Bearer nope"}}, status: 401, code: "UNAUTHORIZED"},
		{name: "admin", call: call{method: "GET", path: "/admin", header: map[string]string{"Authorization": "Bearer " + adminToken}}, status: 200, want: map[string]any{"area": "admin"}},
		{name: "upload over MaxBytesReader's limit", call: call{method: "POST", path: "/upload", body: strings.Repeat("x", 2048)}, status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "upload", call: call{method: "POST", path: "/upload", body: "small"}, status: 200, want: map[string]any{"bytes": float64(5)}},
		{name: "export cut by TimeoutHandler", call: call{method: "GET", path: "/export"}, status: 503, code: "SERVICE_UNAVAILABLE"},
		{name: "a type URI's page, in Korean", call: call{method: "GET", path: "/problems/user-not-found?lang=ko"}, status: 200,
			html: []string{`<html lang="ko">`, "<h1><code>USER_NOT_FOUND</code></h1>", "사용자를 찾을 수 없습니다"}, header: map[string]string{"Content-Language": "ko"}},
		{name: "a type URI's page as JSON", call: call{method: "GET", path: "/problems/insufficient-funds", header: map[string]string{"Accept": "application/json"}}, status: 200,
			want: map[string]any{"code": "INSUFFICIENT_FUNDS", "status": float64(422)}},
		{name: "the catalog", call: call{method: "GET", path: "/problems"}, status: 200, html: []string{"<h1>Error catalog</h1>", ">INSUFFICIENT_FUNDS</code></a>"}},
		{name: "the catalog as JSON by Accept", call: call{method: "GET", path: "/problems", header: map[string]string{"Accept": "application/json"}}, status: 200, want: map[string]any{"title": "Error catalog"}},
		{name: "a code the catalog lacks", call: call{method: "GET", path: "/problems/no-such-code"}, status: 404, code: "ROUTE_NOT_FOUND"},
		{name: "the OpenAPI document", call: call{method: "GET", path: "/openapi.json"}, status: 200, want: map[string]any{"openapi": "3.1.0"}},
		{name: "HEAD of the OpenAPI document", call: call{method: "HEAD", path: "/openapi.json"}, status: 200, header: map[string]string{"Content-Type": "application/json"}},
	}
}

// transferBody is the JSON of a transfer from account 1.
func transferBody(amount string, to string) string {
	return `{"from":1,"to":` + to + `,"amount":` + amount + `,"currency":"KRW"}`
}

func TestEndToEnd(t *testing.T) {
	for _, run := range []struct{ mode, mux string }{{"development", "chi"}, {"production", "chi"}, {"development", "std"}, {"production", "std"}} {
		mode := run.mode
		t.Run(run.mux+"/"+mode, func(t *testing.T) {
			args := []string{"-mux", run.mux}
			production := mode == "production"
			if production {
				args = append(args, "-production")
			}
			base, logs := startServer(t, args...)
			transfer := transferBody
			auth := map[string]string{"Authorization": "Bearer " + clientToken, "Cookie": clientCookie}
			tests := e2eCases()
			ids := map[string]string{} // response request IDs by step
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.call.do(t, base)
					if r.status != tt.status {
						t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
					}
					for k, v := range tt.header {
						if got := r.header.Get(k); got != v {
							t.Errorf("header %s = %q, want %q", k, got, v)
						}
					}
					if tt.call.method == http.MethodHead {
						if len(r.body) != 0 || r.header.Get("X-Request-ID") == "" {
							t.Errorf("HEAD: %d body bytes, request ID %q", len(r.body), r.header.Get("X-Request-ID"))
						}
						return
					}
					if len(tt.html) > 0 {
						if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
							t.Errorf("Content-Type %q, want HTML", ct)
						}
						for _, want := range tt.html {
							if !strings.Contains(string(r.body), want) {
								t.Errorf("page lacks %q", want)
							}
						}
						return
					}
					var body map[string]any
					if err := json.Unmarshal(r.body, &body); err != nil {
						t.Fatalf("body is not JSON: %s", r.body)
					}
					for k, v := range tt.want {
						if body[k] != v {
							t.Errorf("%s = %#v, want %#v", k, body[k], v)
						}
					}
					checkFields(t, body, tt.fields)
					ids[tt.name] = r.header.Get("X-Request-ID")
					if tt.code == "" {
						return
					}
					p, err := problemtest.CheckBody(r.status, r.header, r.body)
					if err != nil {
						t.Fatalf("not a well-formed problem: %v", err)
					}
					if p.Code != tt.code {
						t.Errorf("code %q, want %q", p.Code, tt.code)
					}
					if _, hasDebug := p.Extensions["debug"]; hasDebug == production {
						t.Errorf("debug member present = %v in %s mode", hasDebug, mode)
					}
					if production {
						if leaks := problemtest.Leaks(r.body, append([]string{panicSecret, clientPass}, upstreamSecrets...)...); len(leaks) > 0 {
							t.Errorf("production body leaks %v: %s", leaks, r.body)
						}
					}
				})
			}

			t.Run("duplicate names the original request", func(t *testing.T) {
				r := call{method: "POST", path: "/transfers", body: transfer("1000", "2"), header: map[string]string{"Idempotency-Key": "k-1"}}.do(t, base)
				var body map[string]any
				_ = json.Unmarshal(r.body, &body)
				if first := ids["transfer"]; first == "" || body["originalRequestId"] != first {
					t.Errorf("originalRequestId = %v, want the first transfer's request ID %q", body["originalRequestId"], first)
				}
				if _, err := time.Parse(time.RFC3339, body["completedAt"].(string)); err != nil {
					t.Errorf("completedAt = %v: %v", body["completedAt"], err)
				}
			})

			t.Run("rate limit", func(t *testing.T) {
				field := regexp.MustCompile(`^"default";r=(\d+);t=(\d+)$`)
				for i := range 6 {
					r := call{method: "GET", path: "/limited"}.do(t, base)
					want := 200
					if i == 5 {
						want = 429
					}
					m := field.FindStringSubmatch(r.header.Get("RateLimit"))
					if r.status != want || r.header.Get("RateLimit-Policy") != `"default";q=5;w=60` || m == nil || m[1] != strconv.Itoa(max(4-i, 0)) {
						t.Fatalf("request %d: %d, RateLimit-Policy %q, RateLimit %q", i+1, r.status, r.header.Get("RateLimit-Policy"), r.header.Get("RateLimit"))
					}
					if want == 200 {
						continue
					}
					p, err := problemtest.CheckBody(r.status, r.header, r.body)
					if err != nil || p.Code != "RATE_LIMITED" || r.header.Get("Retry-After") != strconv.Itoa(max(atoi(m[2]), 1)) {
						t.Errorf("6th request: %d %v Retry-After %q, t=%s: %s", r.status, err, r.header.Get("Retry-After"), m[2], r.body)
					}
				}
			})

			t.Run("upstream token expired", func(t *testing.T) {
				for i := range 2 {
					r := call{method: "GET", path: "/upstream/embeddings?fail=expired", header: auth}.do(t, base)
					if r.status != 200 || !strings.Contains(string(r.body), "text-embedding-3-small") {
						t.Fatalf("call %d: %d %s", i+1, r.status, r.body)
					}
				}
				// The first call: a token, a 401 for it, a new token, the
				// call again; the second reuses the new token.
				if tokens, calls := fakeCalls(logs, "oauth-embeddings", "/oauth/token"), fakeCalls(logs, "oauth-embeddings", "/v1/embeddings"); tokens != 2 || calls != 3 {
					t.Errorf("the fake issued %d tokens and got %d calls, want 2 and 3", tokens, calls)
				}
			})

			t.Run("upstream quota used up", func(t *testing.T) {
				if r := (call{method: "GET", path: "/upstream/quota"}).do(t, base); r.status != 200 {
					t.Fatalf("first call: %d %s", r.status, r.body)
				}
				for i := range 3 {
					r := call{method: "GET", path: "/upstream/quota"}.do(t, base)
					checkHeldBack(t, r, "UPSTREAM_RATE_LIMITED", production)
					if i == 0 && t.Failed() {
						return
					}
				}
				if n := fakeCalls(logs, "quota-search", ""); n != 1 {
					t.Errorf("the fake got %d calls, want 1: the others were answered without one", n)
				}
			})

			t.Run("upstream that stays down", func(t *testing.T) {
				for i := range 5 {
					r := call{method: "GET", path: "/upstream/flaky"}.do(t, base)
					if p, err := problemtest.CheckBody(r.status, r.header, r.body); err != nil || p.Code != "UPSTREAM_ERROR" {
						t.Fatalf("call %d: %d %v %s", i+1, r.status, err, r.body)
					}
				}
				for range 3 {
					checkHeldBack(t, call{method: "GET", path: "/upstream/flaky"}.do(t, base), "UPSTREAM_CIRCUIT_OPEN", production)
				}
				if n := fakeCalls(logs, "flaky-recommendations", ""); n != 5 {
					t.Errorf("the fake got %d calls, want 5: the breaker answered the others", n)
				}
				if !strings.Contains(logs.String(), "breaker open") {
					t.Error("no log record names the breaker's state")
				}
			})

			t.Run("type URIs resolve", func(t *testing.T) {
				for _, c := range []call{{method: "GET", path: "/users/999"}, {method: "POST", path: "/transfers"}} {
					r := c.do(t, base)
					var p map[string]any
					_ = json.Unmarshal(r.body, &p)
					typ, _ := p["type"].(string)
					if !strings.HasPrefix(typ, base+"/problems/") {
						t.Fatalf("type %q is not under this server's /problems/", typ)
					}
					doc := call{method: "GET", path: strings.TrimPrefix(typ, base), header: map[string]string{"Accept-Language": "ko"}}.do(t, base)
					if doc.status != 200 || !strings.Contains(string(doc.body), "<code>"+p["code"].(string)+"</code>") || doc.header.Get("Content-Language") != "ko" {
						t.Errorf("GET %s: %d %s", typ, doc.status, doc.body)
					}
				}
			})

			t.Run("logs", func(t *testing.T) {
				out := logs.String()
				for _, s := range []string{clientToken, clientCookie, clientPass, upstreamAPIKey, oauthClientSecret, oauthTokenPrefix} {
					if strings.Contains(out, s) {
						t.Errorf("a log line carries %q", s)
					}
				}
				if !production {
					return
				}
				var panicRecord map[string]any
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Fatalf("production log line is not JSON: %q", line)
					}
					if rec["msg"] == "panic recovered" {
						panicRecord = rec
					}
				}
				if panicRecord == nil {
					t.Fatal("no log record of the panic")
				}
				if id, _ := panicRecord["requestId"].(string); id == "" || !strings.Contains(panicRecord["panic"].(string), panicSecret) {
					t.Errorf("panic record lacks the request ID or the panic value: %v", panicRecord)
				}
			})
		})
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// checkFields compares the errors[] entries, each named by its pointer or,
// for a parameter, "in:field".
func checkFields(t *testing.T, body map[string]any, want []string) {
	t.Helper()
	entries, _ := body["errors"].([]any)
	var got []string
	for _, e := range entries {
		m := e.(map[string]any)
		if p, ok := m["pointer"].(string); ok {
			got = append(got, p)
		} else {
			got = append(got, m["in"].(string)+":"+m["field"].(string))
		}
		if m["detail"] == "" || m["rule"] == "" {
			t.Errorf("field error without detail or rule: %v", m)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("errors[] = %v, want %v", got, want)
	}
}

// checkHeldBack checks the answer to a call the demo's upstream client
// did not send: a 503 problem of code with a Retry-After of 1 to 30
// seconds, showing nothing of the upstream in production.
func checkHeldBack(t *testing.T, r response, code string, production bool) {
	t.Helper()
	p, err := problemtest.CheckBody(r.status, r.header, r.body)
	if err != nil || r.status != http.StatusServiceUnavailable || p.Code != code {
		t.Fatalf("%d %v %s, want 503 %s", r.status, err, r.body, code)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 30 {
		t.Errorf("Retry-After %q, want 1 to 30", r.header.Get("Retry-After"))
	}
	if leaks := problemtest.Leaks(r.body, upstreamSecrets...); production && len(leaks) > 0 {
		t.Errorf("production body leaks %v: %s", leaks, r.body)
	}
}

// fakeCalls counts the calls the demo's fake upstream name logged getting,
// to path when it is not empty.
func fakeCalls(logs *syncBuffer, name, path string) int {
	n := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(line, "fake upstream called") {
			continue
		}
		text := strings.Contains(line, " fake="+name+" ") && (path == "" || strings.Contains(line, " path="+path))
		json := strings.Contains(line, `"fake":"`+name+`"`) && (path == "" || strings.Contains(line, `"path":"`+path+`"`))
		if text || json {
			n++
		}
	}
	return n
}

// TestIndexAlias: /problems/, the catalog's address in the first version,
// redirects to the documented /problems on both routers, keeping only the
// language switch, and the redirect leads to the index.
func TestIndexAlias(t *testing.T) {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, mux := range []string{"chi", "std"} {
		t.Run(mux, func(t *testing.T) {
			base, _ := startServer(t, "-production", "-mux", mux)
			for _, tt := range []struct {
				method, path, location string
			}{
				{"GET", "/problems/", "/problems"},
				{"HEAD", "/problems/", "/problems"},
				{"GET", "/problems/?lang=ko", "/problems?lang=ko"},
				{"GET", "/problems/?lang=ko&next=https://evil.example", "/problems?lang=ko"},
				{"GET", "/problems/?lang=%0d%0aSet-Cookie:x", "/problems?lang=%0D%0ASet-Cookie%3Ax"},
			} {
				t.Run(tt.method+" "+tt.path, func(t *testing.T) {
					req, err := http.NewRequest(tt.method, base+tt.path, nil)
					if err != nil {
						t.Fatal(err)
					}
					resp, err := noFollow.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != tt.location {
						t.Fatalf("%d Location %q, want 308 %q", resp.StatusCode, resp.Header.Get("Location"), tt.location)
					}
					if resp.Header.Get("Set-Cookie") != "" {
						t.Fatalf("Set-Cookie %q", resp.Header.Get("Set-Cookie"))
					}
				})
			}
			// Followed, the redirect ends at the Korean index.
			r := call{method: "GET", path: "/problems/?lang=ko"}.do(t, base)
			if r.status != 200 || !strings.Contains(string(r.body), `<html lang="ko"`) || !strings.Contains(string(r.body), ">INSUFFICIENT_FUNDS</code></a>") {
				t.Fatalf("followed: %d %.300s", r.status, r.body)
			}
			// A path under it that is no code is still a 404 problem.
			if r := (call{method: "GET", path: "/problems/no/such"}).do(t, base); r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("/problems/no/such: %d %s", r.status, r.header.Get("Content-Type"))
			}
		})
	}
}
