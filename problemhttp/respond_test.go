package problemhttp_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"net"
	"net/url"
	"time"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// Codes an application would declare.
var (
	userNotFound = &problem.Code{
		Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
		Title: "User not found", Detail: "No user has the ID {{.userId}}.",
	}
	paymentsDown = &problem.Code{
		Code: "PAYMENTS_DOWN", Status: http.StatusServiceUnavailable,
		Title: "Payments unavailable", Detail: "Payments are paused. Retry in {{.retryAfter}} seconds.",
	}
)

func testCatalog() *problem.Catalog {
	return problem.NewCatalog("https://api.example.com/problems/").MustRegister(userNotFound, paymentsDown)
}

// statusErr is a domain error that never imports problemkit.
type statusErr struct{ table string }

func (e statusErr) Error() string   { return "no row in " + e.table }
func (e statusErr) StatusCode() int { return http.StatusNotFound }

// foreignErr carries another service's problem document.
type foreignErr struct{ doc *problem.Problem }

func (e foreignErr) Error() string             { return "upstream said: " + e.doc.Title }
func (e foreignErr) Problem() *problem.Problem { return e.doc }

// poolErr is a duck-typed 5xx whose code the catalog does not declare.
type poolErr struct{}

func (poolErr) Error() string     { return "pg pool exhausted on db-7.internal" }
func (poolErr) StatusCode() int   { return http.StatusServiceUnavailable }
func (poolErr) ErrorCode() string { return "PG_POOL_EXHAUSTED" }

// codedErr names a catalog code without importing problemkit.
type codedErr struct{}

func (codedErr) Error() string     { return "lookup failed for user 7 in shard /var/db/users.db" }
func (codedErr) ErrorCode() string { return "USER_NOT_FOUND" }

func TestErrorsBecomeProblems(t *testing.T) {
	const secret = "pq: password authentication failed for user app at /srv/app/db.go:42"
	tests := []struct {
		name       string
		production bool
		err        error
		status     int
		code       string
		title      string
		detail     string
		ext        map[string]any
		want       map[string]any // standard members to compare, by name
		hidden     []string       // must not appear in the body
		debug      bool           // a debug member is expected
	}{
		{
			name: "typed error", err: userNotFound.New().With("userId", 7),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID 7.",
			ext: map[string]any{"userId": float64(7)}, debug: true,
		},
		{
			name: "typed error in production", production: true, err: userNotFound.New().With("userId", 7).Wrap(errors.New(secret)),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID 7.",
			ext: map[string]any{"userId": float64(7)}, hidden: []string{secret, "debug"},
		},
		{
			name: "wrapped twice with %w", production: true, err: fmt.Errorf("handler: %w", fmt.Errorf("service: %w", userNotFound.New().With("userId", 3))),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID 3.",
			ext: map[string]any{"userId": float64(3)},
		},
		{
			name: "joined with another error", production: true, err: errors.Join(errors.New(secret), userNotFound.New().With("userId", 4)),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID 4.",
			ext: map[string]any{"userId": float64(4)}, hidden: []string{secret},
		},
		{
			name: "call-site detail on a 4xx is shown", production: true, err: userNotFound.New().WithDetail("User 9 was deleted."),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "User 9 was deleted.",
		},
		{
			name: "duck-typed StatusCode", production: true, err: fmt.Errorf("get: %w", statusErr{table: "users"}),
			status: 404, code: "NOT_FOUND", title: "Not Found", detail: "The requested resource does not exist.", hidden: []string{"no row in users"},
		},
		{
			name: "duck-typed ErrorCode in the catalog", production: true, err: codedErr{},
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID .",
			hidden: []string{"/var/db/users.db", "shard"},
		},
		{
			name: "unmapped error in production", production: true, err: fmt.Errorf("load: %w", errors.New(secret)),
			status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error",
			detail: "An unexpected error occurred. If it persists, contact support and quote the request ID.",
			hidden: []string{secret, "password", "db.go", "load:", "debug"},
		},
		{
			name: "unmapped error in development", err: fmt.Errorf("load: %w", errors.New(secret)),
			status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error",
			detail: "An unexpected error occurred. If it persists, contact support and quote the request ID.",
			debug:  true,
		},
		{
			name: "declared 5xx in production keeps declared texts and members", production: true,
			err:    paymentsDown.New().With("retryAfter", 30).WithDetail("stripe said: " + secret).Wrap(errors.New(secret)),
			status: 503, code: "PAYMENTS_DOWN", title: "Payments unavailable", detail: "Payments are paused. Retry in 30 seconds.",
			ext: map[string]any{"retryAfter": float64(30)}, hidden: []string{secret, "stripe"},
		},
		{
			name: "declared 5xx in development shows the call-site detail", err: paymentsDown.New().With("retryAfter", 30).WithDetail("stripe is down"),
			status: 503, code: "PAYMENTS_DOWN", title: "Payments unavailable", detail: "stripe is down",
			ext: map[string]any{"retryAfter": float64(30)}, debug: true,
		},
		{
			name: "deadline exceeded", production: true, err: fmt.Errorf("query: %w", context.DeadlineExceeded),
			status: 503, code: "TIMEOUT", title: "Request timed out", detail: "The server could not complete the request in time.",
			hidden: []string{"query", "deadline"},
		},
		{
			name: "foreign 5xx problem keeps nothing of its own", production: true,
			err: foreignErr{doc: &problem.Problem{Status: 503, Type: "https://internal.corp/x", Code: "PG_DOWN",
				Title: `db-7.internal refused {{printf "%s" "INJECTED"}}`, Detail: "dial tcp 10.0.0.7:5432",
				Extensions: map[string]any{"dsn": "postgres://u:hunter2@db"}}},
			status: 503, code: "SERVICE_UNAVAILABLE", title: "Service unavailable", detail: "The service is temporarily unavailable. Please retry later.",
			want:   map[string]any{"type": "https://api.example.com/problems/service-unavailable"},
			hidden: []string{"hunter2", "INJECTED", "internal.corp", "PG_DOWN", "db-7.internal", "10.0.0.7", "dsn"},
		},
		{
			name: "foreign 4xx title is shown, never run as a template", production: true,
			err:    foreignErr{doc: &problem.Problem{Status: 409, Title: `{{printf "%s" "INJECTED"}} conflict`, Code: "SLOT_TAKEN"}},
			status: 409, code: "SLOT_TAKEN", title: `{{printf "%s" "INJECTED"}} conflict`,
		},
		{
			name: "a foreign problem wrapped", production: true,
			err:    fmt.Errorf("call: %w", foreignErr{doc: &problem.Problem{Status: 410, Title: "Gone fishing", Code: "FISH_GONE"}}),
			status: 410, code: "FISH_GONE", title: "Gone fishing",
		},
		{
			name: "duck-typed 5xx hides its internal code", production: true, err: poolErr{},
			status: 503, code: "SERVICE_UNAVAILABLE", title: "Service unavailable", detail: "The service is temporarily unavailable. Please retry later.",
			hidden: []string{"PG_POOL", "db-7.internal"},
		},
		{
			name: "extension cannot overwrite standard members", production: true,
			err:    userNotFound.New().With("status", 200).With("title", "hijacked").With("code", "X").With("userId", 1),
			status: 404, code: "USER_NOT_FOUND", title: "User not found", detail: "No user has the ID 1.",
			ext: map[string]any{"userId": float64(1)}, hidden: []string{"hijacked"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{Development: !tt.production, Catalog: testCatalog()})
			r := pipetest.NewRouter(pl)
			r.Get("/things/{id}", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))

			rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/things/7", nil))

			checkProblem(t, rec, p, tt.status, tt.code)
			if p.Title != tt.title {
				t.Errorf("title = %q, want %q", p.Title, tt.title)
			}
			if p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
			if p.Instance != "/things/7" {
				t.Errorf("instance = %q", p.Instance)
			}
			if got := p.Type; tt.want["type"] != nil && got != tt.want["type"] {
				t.Errorf("type = %q, want %v", got, tt.want["type"])
			}
			for k, want := range tt.ext {
				if got := p.Extensions[k]; got != want {
					t.Errorf("extension %q = %#v, want %#v", k, got, want)
				}
			}
			if _, ok := p.Extensions["debug"]; ok != tt.debug {
				t.Errorf("debug member present = %v, want %v", ok, tt.debug)
			}
			for _, h := range tt.hidden {
				if strings.Contains(rec.Body.String(), h) {
					t.Errorf("body leaks %q: %s", h, rec.Body)
				}
			}
			rec0 := logs.One(t)
			if rec0["requestId"] != p.RequestID || rec0["code"] != tt.code || rec0["status"] != float64(tt.status) {
				t.Errorf("log record does not describe the failure: %v", rec0)
			}
			if rec0["route"] != "/things/{id}" || rec0["method"] != "GET" || rec0["path"] != "/things/7" {
				t.Errorf("log record misses route, method or path: %v", rec0)
			}
			if got := rec0["error"].(string); got != tt.err.Error() {
				t.Errorf("logged error = %q, want the full cause %q", got, tt.err.Error())
			}
		})
	}
}

func TestTypeURIs(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"application code under the catalog base", userNotFound.New(), "https://api.example.com/problems/user-not-found"},
		{"built-in code under the catalog base", validation.Failed.New(), "https://api.example.com/problems/validation-error"},
		{"plain HTTP problem", statusErr{}, "about:blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, _ := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog()})
			r := pipetest.NewRouter(pl)
			r.Get("/", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			_, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/", nil))
			if p.Type != tt.want {
				t.Errorf("type = %q, want %q", p.Type, tt.want)
			}
		})
	}
}

func TestDevelopmentDebugMember(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{Development: true})
	r := pipetest.NewRouter(pl)
	r.Get("/err", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return fmt.Errorf("load user: %w", sql.ErrNoRows)
	}))
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom at the disco") })

	_, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/err", nil))
	debug, _ := p.Extensions["debug"].(map[string]any)
	if debug["error"] != "load user: sql: no rows in result set" {
		t.Errorf("debug.error = %v", debug["error"])
	}
	chain, _ := debug["chain"].([]any)
	if len(chain) != 2 || chain[1].(map[string]any)["type"] != "*errors.errorString" {
		t.Errorf("debug.chain = %v, want the wrapper and *errors.errorString", chain)
	}

	_, p = serve(t, r, httptest.NewRequest(http.MethodGet, "/panic", nil))
	debug, _ = p.Extensions["debug"].(map[string]any)
	if debug["panic"] != "boom at the disco" {
		t.Errorf("debug.panic = %v", debug["panic"])
	}
	stack, _ := debug["stack"].([]any)
	if len(stack) < 3 || !strings.Contains(fmt.Sprint(stack), "respond_test.go") {
		t.Errorf("debug.stack does not show the panicking frame: %v", stack)
	}
}

func TestRegisteredSentinel(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog().MapError(sql.ErrNoRows, userNotFound)})
	r := pipetest.NewRouter(pl)
	r.Get("/", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return fmt.Errorf("select user: %w", sql.ErrNoRows)
	}))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/", nil))
	checkProblem(t, rec, p, 404, "USER_NOT_FOUND")
}

func TestRenderedHeaders(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/busy", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		// Headers meant for the success response must not survive.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "9999")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Vary", "Origin")
		return problem.ServiceUnavailable.New().WithHeader("Retry-After", "120")
	}))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/busy", nil))
	checkProblem(t, rec, p, 503, "SERVICE_UNAVAILABLE")
	tests := []struct{ header, want string }{
		{"Retry-After", "120"},
		{"Content-Length", fmt.Sprint(rec.Body.Len())},
		{"ETag", ""},
		{"Content-Language", "en"},
		{"Vary", "Origin, Accept, Accept-Language"},
	}
	for _, tt := range tests {
		if got := strings.Join(rec.Header().Values(tt.header), ", "); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// TestProblemHeadersNotAliased answers with one *problem.Error, whose
// header slice has spare capacity, the way a shared error value is reused
// across requests: rendering must never append into the Error's own array
// (concurrent requests would race on it).
func TestProblemHeadersNotAliased(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	shared := problem.ServiceUnavailable.New().
		WithHeader("Vary", "Origin").WithHeader("Vary", "X-A").WithHeader("Vary", "X-B")
	r := pipetest.NewRouter(pl)
	r.Get("/busy", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return shared }))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/busy", nil))
	checkProblem(t, rec, p, 503, "SERVICE_UNAVAILABLE")
	if got, want := strings.Join(rec.Header().Values("Vary"), ", "), "Origin, X-A, X-B, Accept, Accept-Language"; got != want {
		t.Errorf("Vary = %q, want %q", got, want)
	}
	vs := shared.Header()["Vary"]
	if spare := vs[len(vs):cap(vs)]; strings.Join(spare, "") != "" {
		t.Errorf("rendering wrote %q into the shared Error's header array", spare)
	}
}

func TestHEADHasNoBody(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Head("/gone", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return userNotFound.New() }))
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, path := range []string{"/gone", "/nowhere"} {
		resp, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || len(body) != 0 {
			t.Errorf("HEAD %s: status %d, %d body bytes; want 404 and none", path, resp.StatusCode, len(body))
		}
		if resp.Header.Get("Content-Type") != problem.MediaType || resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("HEAD %s: headers %v", path, resp.Header)
		}
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/users/{id}", func(http.ResponseWriter, *http.Request) {})
	r.Delete("/users/{id}", func(http.ResponseWriter, *http.Request) {})
	r.Route("/api", func(r chiRouter) {
		r.Post("/orders", func(http.ResponseWriter, *http.Request) {})
		r.Put("/orders", func(http.ResponseWriter, *http.Request) {})
	})

	tests := []struct {
		name, method, path string
		status             int
		code, allow, title string
	}{
		{"unknown path", http.MethodGet, "/nope", 404, "ROUTE_NOT_FOUND", "", "Not Found"},
		// chi serves HEAD for GET routes only with its GetHead middleware,
		// so HEAD is rightly not listed.
		{"wrong method", http.MethodPost, "/users/1", 405, "METHOD_NOT_ALLOWED", "GET, HEAD, DELETE", "Method Not Allowed"},
		{"wrong method in a sub-router", http.MethodGet, "/api/orders", 405, "METHOD_NOT_ALLOWED", "POST, PUT", "Method Not Allowed"},
		{"unknown path in a sub-router", http.MethodGet, "/api/nope", 404, "ROUTE_NOT_FOUND", "", "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, p := serve(t, r, httptest.NewRequest(tt.method, tt.path, nil))
			checkProblem(t, rec, p, tt.status, tt.code)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if p.Type != "about:blank" || p.Title != tt.title {
				t.Errorf("type %q title %q: want about:blank with the status phrase %q", p.Type, p.Title, tt.title)
			}
		})
	}
	if n := len(logs.Records(t)); n != len(tests) {
		t.Errorf("%d log records for %d failures", n, len(tests))
	}
}

func TestXMLWhenPreferred(t *testing.T) {
	tests := []struct {
		accept string
		ctype  string
	}{
		{"", problem.MediaType},
		{"application/problem+xml", problem.MediaTypeXML},
		{"application/problem+json, application/problem+xml;q=0.9", problem.MediaType},
		{"application/problem+xml, application/problem+json;q=0.5", problem.MediaTypeXML},
		{"application/xml;q=0.8, */*;q=0.1", problem.MediaTypeXML},
		{"application/problem+xml;q=0.5, application/problem+json;q=0.5", problem.MediaType},
		{"text/html, */*", problem.MediaType},
		{"application/problem+xml;q=abc", problem.MediaType},
		{"application/problem+xml;q=0", problem.MediaType},
	}
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/nope", nil)
			req.Header.Set("Accept", tt.accept)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if got := rec.Header().Get("Content-Type"); got != tt.ctype {
				t.Fatalf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if tt.ctype == problem.MediaTypeXML && !strings.Contains(rec.Body.String(), `<problem xmlns="urn:ietf:rfc:7807">`) {
				t.Errorf("XML body has no RFC 9457 root: %s", rec.Body)
			}
			if tt.ctype == problem.MediaTypeXML && !strings.Contains(rec.Body.String(), "<status>404</status>") {
				t.Errorf("XML body has no status: %s", rec.Body)
			}
		})
	}
}

func TestServeMuxAndWriteError(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog()})
	mux := http.NewServeMux()
	mux.Handle("GET /users/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return userNotFound.New().With("userId", r.PathValue("id"))
	}))
	mux.HandleFunc("GET /plain", func(w http.ResponseWriter, r *http.Request) {
		problemhttp.WriteError(w, r, userNotFound.New().With("userId", "p"))
	})
	h := pl.Handler(mux)

	tests := []struct{ path, detail string }{
		{"/users/12", "No user has the ID 12."},
		{"/plain", "No user has the ID p."},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec, p := serve(t, h, httptest.NewRequest(http.MethodGet, tt.path, nil))
			checkProblem(t, rec, p, 404, "USER_NOT_FOUND")
			if p.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
		})
	}

	t.Run("outside any pipeline", func(t *testing.T) {
		// The fallback pipeline is production mode: a handler nobody put
		// behind a Pipeline must not show internals.
		rec := httptest.NewRecorder()
		problemhttp.WriteError(rec, httptest.NewRequest(http.MethodGet, "/x", nil), errors.New("dial db-7.internal: password=hunter2"))
		if rec.Code != 500 || rec.Header().Get("X-Request-ID") == "" {
			t.Errorf("status %d, request ID %q", rec.Code, rec.Header().Get("X-Request-ID"))
		}
		if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(rec.Body.String(), `"debug"`) {
			t.Errorf("the fallback pipeline leaks: %s", rec.Body)
		}
	})
}

// TestNothingWrittenTwice: a handler that fails after its response
// started gets nothing appended, and the response is aborted, so the client
// sees a broken response and never a truncated success. Both shapes of
// answering an error abort: a returned error and a direct WriteError.
func TestNothingWrittenTwice(t *testing.T) {
	late := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"partial":`)
		w.(http.Flusher).Flush() // the client has the status line and a prefix
	}
	tests := []struct {
		name    string
		handler http.Handler
	}{
		{"returned error", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
			late(w, r)
			return errors.New("stream broke")
		})},
		{"WriteError", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			late(w, r)
			problemhttp.WriteError(w, r, errors.New("stream broke"))
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{})
			r := pipetest.NewRouter(pl)
			r.Method(http.MethodGet, "/late", tt.handler)
			srv := httptest.NewServer(r)
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL + "/late")
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("got %d %q and a clean end: the client could take it for a whole response", resp.StatusCode, body)
			}
			if string(body) != `{"partial":` {
				t.Errorf("body %q: something was appended to the started response", body)
			}
			rec0 := logs.Eventually(t)
			if rec0["level"] != "ERROR" || rec0["status"] != float64(202) || !strings.Contains(rec0["note"].(string), "response started") {
				t.Errorf("log record = %v", rec0)
			}
		})
	}
}

// TestClientGone: a request whose client went away is answered all the
// same, with a 499 problem: nobody may read it, but a client that only
// closed its sending side does, and must not get net/http's implicit 200.
func TestClientGone(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/slow", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done()
		return fmt.Errorf("query: %w", r.Context().Err())
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/slow", nil).WithContext(ctx))
	checkProblem(t, rec, p, 499, "CLIENT_CLOSED_REQUEST")
	rec0 := logs.One(t)
	if rec0["level"] != "INFO" || rec0["status"] != float64(499) || rec0["code"] != "CLIENT_CLOSED_REQUEST" || rec0["msg"] != "client closed request" {
		t.Errorf("log record = %v, want info level, 499", rec0)
	}
}

// TestServerCancelledIsNotAClientGone: a handler that cancels its own
// call (the client still waiting) fails with a 500, not a silent 499.
func TestServerCancelledIsNotAClientGone(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/hedged", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return problem.ClientClosedRequest.New().Wrap(context.Canceled) // as upstream's Canceled kind maps
	}))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/hedged", nil))
	checkProblem(t, rec, p, 500, "INTERNAL_ERROR")
	if rec0 := logs.One(t); rec0["level"] != "ERROR" {
		t.Errorf("log record = %v", rec0)
	}
}

func TestLogLevelsAndSecrets(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		level string
	}{
		{"4xx at info by default", userNotFound.New(), "INFO"},
		{"5xx at error", errors.New("disk full"), "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog()})
			r := pipetest.NewRouter(pl)
			r.Post("/", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			req := httptest.NewRequest(http.MethodPost, "/?api_key=qs-secret", strings.NewReader(`{"password":"body-secret"}`))
			req.Header.Set("Authorization", "Bearer auth-secret")
			req.Header.Set("Cookie", "session=cookie-secret")
			req.Header.Set("X-Api-Key", "key-secret")
			serve(t, r, req)
			if got := logs.One(t)["level"]; got != tt.level {
				t.Errorf("level = %v, want %s", got, tt.level)
			}
			for _, s := range []string{"auth-secret", "cookie-secret", "key-secret", "body-secret", "qs-secret"} {
				if strings.Contains(logs.String(), s) {
					t.Errorf("log leaks %q: %s", s, logs)
				}
			}
		})
	}
}

// TestLogErrorIsErrorText: the record's error is err.Error(), whether the
// pipeline reuses the detail it rendered for the client (English, a 4xx
// returned as it is, with or without a cause) or renders the text again.
func TestLogErrorIsErrorText(t *testing.T) {
	cause := errors.New("row 7: no such user")
	tests := []struct {
		name string
		lang string
		err  error
	}{
		{"4xx in English", "en", userNotFound.New().With("userId", 42)},
		{"4xx in English with a cause", "en", userNotFound.New().With("userId", 42).Wrap(cause)},
		{"4xx in Korean", "ko", userNotFound.New().With("userId", 42).Wrap(cause)},
		{"4xx wrapped", "en", fmt.Errorf("lookup: %w", userNotFound.New().With("userId", 42))},
		{"5xx", "en", paymentsDown.New().Wrap(cause)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog()})
			r := pipetest.NewRouter(pl)
			r.Get("/", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Language", tt.lang)
			serve(t, r, req)
			if got, want := logs.One(t)["error"], tt.err.Error(); got != want {
				t.Errorf("error = %q, want %q", got, want)
			}
		})
	}
}

func TestPanicInsideThePipeline(t *testing.T) {
	catalog := problem.NewCatalog("").MapFunc(func(error) *problem.Error { panic("mapper bug") })
	pl, logs := pipetest.NewPipeline(problemhttp.Options{Catalog: catalog})
	r := pipetest.NewRouter(pl)
	r.Get("/", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return errors.New("x") }))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 || p == nil || p.Status != 500 || p.Code != "INTERNAL_ERROR" || p.RequestID != rec.Header().Get("X-Request-ID") {
		t.Fatalf("got %d %s, want a minimal 500 problem", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "mapper bug") {
		t.Errorf("the pipeline's own panic was not logged: %s", logs)
	}
}

func TestGoldenBodies(t *testing.T) {
	tests := []struct {
		name       string
		production bool
		err        error
	}{
		{"typed_404", true, userNotFound.New().With("userId", 42)},
		{"validation_422", true, validation.Failed.New().With("count", 2).WithFields(
			problem.FieldError{Pointer: "#/email", Field: "email", Rule: "email", Detail: "email must be a valid email address"},
			problem.FieldError{Pointer: "#/address/zip", Field: "address.zip", Rule: "len", Param: "5", Detail: "address.zip must be exactly 5 characters long"},
		)},
		{"internal_500", true, errors.New("connection reset by peer at 10.0.0.3:5432")},
		{"declared_503", true, paymentsDown.New().With("retryAfter", 30).WithHeader("Retry-After", "30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, _ := pipetest.NewPipeline(problemhttp.Options{Development: !tt.production, Catalog: testCatalog()})
			r := pipetest.NewRouter(pl)
			r.Post("/users", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			req := httptest.NewRequest(http.MethodPost, "/users", nil)
			req.Header.Set("X-Request-ID", "golden-request-1")
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			golden(t, tt.name+".json", rec.Body.Bytes())
		})
	}
}

// TestNothingWrittenTwiceHTTP10: over HTTP/1.0 a body ends when the
// connection closes, so an aborted response must end with a reset, not a
// close that would pass for the end of a whole body.
func TestNothingWrittenTwiceHTTP10(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	r := pipetest.NewRouter(pl)
	r.Get("/late", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		_, _ = io.WriteString(w, strings.Repeat(`"x",`, 1500))
		return errors.New("db lost")
	}))
	srv := httptest.NewServer(r)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(conn, "GET /late HTTP/1.0\r\nHost: x\r\n\r\n")
	got, err := io.ReadAll(conn)
	if err == nil {
		t.Errorf("read %d bytes and a clean end: an HTTP/1.0 client takes that for a whole response", len(got))
	}
}

// TestInstanceStaysOnThisHost: a path that starts with "//" must not give
// an instance that reads as a reference to another host.
func TestInstanceStaysOnThisHost(t *testing.T) {
	pl, _ := pipetest.NewPipeline(problemhttp.Options{})
	rec, p := serve(t, pipetest.NewRouter(pl), httptest.NewRequest(http.MethodGet, "//evil.example/x", nil))
	checkProblem(t, rec, p, 404, "ROUTE_NOT_FOUND")
	u, err := url.Parse(p.Instance)
	if err != nil || u.Host != "" || !strings.HasPrefix(p.Instance, "/") {
		t.Errorf("instance %q names host %q", p.Instance, u.Host)
	}
}
