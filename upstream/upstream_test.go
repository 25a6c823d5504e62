package upstream_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/upstream"
)

// secret is planted in upstream bodies and headers; it must never reach a
// problem.
const secret = "s3cr3t-upstream-internals"

// render builds the problem document the middleware would write for pe, in
// English, so tests can scan what clients see.
func render(pe *problem.Error) []byte {
	p := &problem.Problem{
		Type:       problem.NewCatalog("").TypeURI(pe.Code()),
		Title:      pe.Title().String(),
		Status:     pe.Code().Status,
		Detail:     pe.Code().DetailMessage(pe.Extensions()).String(),
		Code:       pe.Code().Code,
		Extensions: pe.Extensions(),
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// call sends a GET to url through a Client and returns its *upstream.Error.
func call(t *testing.T, opts upstream.Options, url string) *upstream.Error {
	t.Helper()
	return callCtx(t, context.Background(), opts, http.MethodGet, url)
}

func callCtx(t *testing.T, ctx context.Context, opts upstream.Options, method, url string) *upstream.Error {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := upstream.New("billing-internal", opts).Do(req)
	if resp != nil {
		resp.Body.Close()
		t.Fatalf("Do returned a response with status %d, want an error", resp.StatusCode)
	}
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		t.Fatalf("Do error = %v (%T), want *upstream.Error", err, err)
	}
	return ue
}

// quietTLSServer is a TLS upstream whose certificate no client trusts; it
// does not log the handshake errors that follow.
func quietTLSServer() *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	return srv
}

// deadURL returns the URL of a port nothing listens on.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1/charges?api_key=" + secret
}

func TestDoTransportFailures(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	tlsSrv := quietTLSServer()
	defer tlsSrv.Close()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	once := upstream.RetryOptions{MaxAttempts: 1}
	tests := []struct {
		name   string
		ctx    context.Context
		opts   upstream.Options
		url    string
		kind   upstream.Kind
		code   *problem.Code
		status int
	}{
		{"client timeout", context.Background(), upstream.Options{Timeout: 50 * time.Millisecond, Retry: once}, slow.URL + "/slow", upstream.Timeout, problem.UpstreamTimeout, 504},
		{"refused", context.Background(), upstream.Options{Retry: once}, deadURL(t), upstream.Unreachable, problem.UpstreamUnavailable, 502},
		{"dns", context.Background(), upstream.Options{Retry: once}, "http://billing." + secret + ".invalid/v1", upstream.Unreachable, problem.UpstreamUnavailable, 502},
		{"tls untrusted", context.Background(), upstream.Options{Retry: once}, tlsSrv.URL + "/v1", upstream.Unreachable, problem.UpstreamUnavailable, 502},
		{"canceled", canceled, upstream.Options{}, slow.URL, upstream.Canceled, problem.ClientClosedRequest, 499},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			ue := callCtx(t, tt.ctx, tt.opts, http.MethodGet, tt.url)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if ue.Kind != tt.kind || ue.Status != 0 || ue.Response != nil || ue.Err == nil {
				t.Errorf("got kind %v status %d response %v err %v, want kind %v, no status/response, a cause", ue.Kind, ue.Status, ue.Response, ue.Err, tt.kind)
			}
			pe := ue.ProblemError()
			if pe.Code() != tt.code || pe.Code().Status != tt.status {
				t.Errorf("problem %s %d, want %s %d", pe.Code().Code, pe.Code().Status, tt.code.Code, tt.status)
			}
			if pe.Header().Get("Retry-After") != "" {
				t.Errorf("Retry-After = %q, want none", pe.Header().Get("Retry-After"))
			}
			if !errors.Is(pe, ue) {
				t.Error("the problem's cause chain does not hold the upstream error")
			}
			if strings.Contains(ue.Error(), secret) && tt.name != "dns" {
				t.Errorf("log text leaks the query string: %s", ue.Error())
			}
			if b := render(pe); strings.Contains(string(b), secret) || strings.Contains(string(b), "127.0.0.1") || strings.Contains(string(b), "billing") {
				t.Errorf("problem leaks the upstream: %s", b)
			}
		})
	}
}

func TestDoTimeoutIsDeadlineExceeded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	ue := callCtx(t, ctx, upstream.Options{}, http.MethodGet, srv.URL)
	if ue.Kind != upstream.Timeout || !errors.Is(ue, context.DeadlineExceeded) {
		t.Fatalf("got %v (%v), want a timeout wrapping context.DeadlineExceeded", ue.Kind, ue)
	}
	if got := ue.ProblemError().Code().Status; got != http.StatusGatewayTimeout {
		t.Errorf("status %d, want 504", got)
	}
}

type answer struct {
	status      int
	contentType string
	header      map[string]string
	body        string
}

func serve(a answer) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
}

func TestDoErrorResponses(t *testing.T) {
	huge := `{"message":"` + strings.Repeat(secret, 10000) + `"}`
	tests := []struct {
		name       string
		answer     answer
		kind       upstream.Kind
		retryAfter time.Duration
		code       *problem.Code
		status     int
		header     string // our Retry-After
		upstreamID string
		detail     string // the decoded upstream detail
	}{
		{"400 problem+json", answer{400, problem.MediaType, map[string]string{"X-Request-ID": "req-1"},
			`{"type":"https://up/probs/bad","title":"Bad thing","status":400,"detail":"field x ` + secret + `","code":"BAD_X"}`},
			upstream.Rejected, 0, problem.UpstreamRejected, 502, "", "req-1", "field x " + secret},
		{"401 oauth", answer{401, "application/json", map[string]string{"Request-Id": "req_2"},
			`{"error":"invalid_client","error_description":"bad key ` + secret + `"}`},
			upstream.AuthFailed, 0, problem.UpstreamAuth, 502, "", "req_2", "bad key " + secret},
		{"403 message", answer{403, "application/json", nil, `{"message":"forbidden ` + secret + `"}`},
			upstream.AuthFailed, 0, problem.UpstreamAuth, 502, "", "", "forbidden " + secret},
		{"404 errors strings", answer{404, "application/json", nil, `{"errors":["no ` + secret + `","gone"]}`},
			upstream.Rejected, 0, problem.UpstreamRejected, 502, "", "", "no " + secret + "; gone"},
		{"422 errors objects", answer{422, "application/json", nil, `{"errors":[{"message":"bad ` + secret + `","path":["x"]}]}`},
			upstream.Rejected, 0, problem.UpstreamRejected, 502, "", "", "bad " + secret},
		{"429 openai", answer{429, "application/json", map[string]string{"Retry-After": "7", "X-Request-Id": "req_abc"},
			`{"error":{"message":"Rate limit reached ` + secret + `","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
			upstream.RateLimited, 7 * time.Second, problem.UpstreamRateLimited, 503, "7", "req_abc", "Rate limit reached " + secret},
		{"503 no retry-after", answer{503, "text/plain", nil, "overloaded " + secret},
			upstream.RateLimited, 0, problem.UpstreamRateLimited, 503, "30", "", ""},
		{"503 huge retry-after clamped", answer{503, "", map[string]string{"Retry-After": "86400"}, ""},
			upstream.RateLimited, 24 * time.Hour, problem.UpstreamRateLimited, 503, "300", "", ""},
		{"503 sub-second rounds to 1", answer{503, "", map[string]string{"Retry-After": "0"}, ""},
			upstream.RateLimited, 0, problem.UpstreamRateLimited, 503, "1", "", ""},
		{"500 problem+xml", answer{500, problem.MediaTypeXML, map[string]string{"X-Amzn-RequestId": "aws-1"},
			`<?xml version="1.0"?><problem xmlns="urn:ietf:rfc:7807"><title>Boom</title><status>500</status><detail>db ` + secret + `</detail></problem>`},
			upstream.ServerError, 0, problem.UpstreamError, 502, "", "aws-1", "db " + secret},
		{"502 cloudflare html", answer{502, "text/html; charset=UTF-8", map[string]string{"CF-RAY": "8a1b2c3d4e5f-FRA"},
			"<!DOCTYPE html><html><head><title>" + secret + " | 502: Bad gateway</title></head><body>Bad gateway</body></html>"},
			upstream.ServerError, 0, problem.UpstreamError, 502, "", "8a1b2c3d4e5f-FRA", ""},
		{"504 huge json", answer{504, "application/json", nil, huge},
			upstream.ServerError, 0, problem.UpstreamError, 502, "", "", ""},
		{"418 other 4xx", answer{418, "", nil, ""},
			upstream.Rejected, 0, problem.UpstreamRejected, 502, "", "", ""},
	}
	for _, tt := range tests {
		for _, label := range []string{"", "billing"} {
			t.Run(fmt.Sprintf("%s/label=%q", tt.name, label), func(t *testing.T) {
				srv := serve(tt.answer)
				defer srv.Close()
				ue := call(t, upstream.Options{Label: label, Retry: upstream.RetryOptions{MaxAttempts: 1}}, srv.URL+"/v1/charges?key="+secret)

				if ue.Kind != tt.kind || ue.Status != tt.answer.status || ue.RetryAfter != tt.retryAfter {
					t.Errorf("kind %v status %d retryAfter %v, want %v %d %v", ue.Kind, ue.Status, ue.RetryAfter, tt.kind, tt.answer.status, tt.retryAfter)
				}
				if ue.Service != "billing-internal" || ue.Attempts != 1 || ue.Method != http.MethodGet || ue.URL != srv.URL+"/v1/charges" {
					t.Errorf("service %q attempts %d request %s %s", ue.Service, ue.Attempts, ue.Method, ue.URL)
				}
				var re *upstream.ResponseError
				if !errors.As(ue, &re) || re != ue.Response {
					t.Fatal("errors.As does not find the upstream's ResponseError")
				}
				if re.RequestID != tt.upstreamID || re.Problem.Detail != tt.detail {
					t.Errorf("upstream request id %q detail %q, want %q %q", re.RequestID, re.Problem.Detail, tt.upstreamID, tt.detail)
				}
				if len(re.Excerpt) > upstream.DefaultMaxExcerptBytes {
					t.Errorf("excerpt of %d bytes", len(re.Excerpt))
				}

				pe := ue.ProblemError()
				if pe.Code() != tt.code || pe.Code().Status != tt.status {
					t.Errorf("problem %s %d, want %s %d", pe.Code().Code, pe.Code().Status, tt.code.Code, tt.status)
				}
				if got := pe.Header().Get("Retry-After"); got != tt.header {
					t.Errorf("Retry-After %q, want %q", got, tt.header)
				}
				dep, named := pe.Extensions()["dependency"]
				if named != (label != "") || named && dep != label {
					t.Errorf("dependency = %v, %v; want it only as %q", dep, named, label)
				}
				doc := string(render(pe))
				for _, leak := range []string{secret, "127.0.0.1", srv.URL, "billing-internal", "req-1", "req_2", "req_abc", "aws-1", "8a1b"} {
					if strings.Contains(doc, leak) {
						t.Errorf("problem shows %q: %s", leak, doc)
					}
				}
				if !strings.Contains(ue.Error(), "billing-internal") || !strings.Contains(ue.Error(), tt.kind.String()) || strings.Contains(ue.Error(), "key="+secret) {
					t.Errorf("log text %q: want service and kind, no query string", ue.Error())
				}
			})
		}
	}
}

func TestDoSuccessPassesThrough(t *testing.T) {
	tests := []struct {
		name   string
		status int
	}{
		{"200", http.StatusOK},
		{"204", http.StatusNoContent},
		{"304", http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(answer{tt.status, "", nil, ""})
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			resp, err := upstream.New("svc", upstream.Options{}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	srv := serve(answer{http.StatusTooManyRequests, "", map[string]string{"Retry-After": "12"}, ""})
	defer srv.Close()
	c := upstream.New("svc", upstream.Options{})
	resp, err := c.Check(http.Get(srv.URL + "/x?token=" + secret))
	var ue *upstream.Error
	if resp != nil || !errors.As(err, &ue) {
		t.Fatalf("Check = %v, %v; want an *upstream.Error", resp, err)
	}
	if ue.Kind != upstream.RateLimited || ue.ProblemError().Header().Get("Retry-After") != "12" || ue.URL != srv.URL+"/x" {
		t.Errorf("got %v, Retry-After %q, URL %q", ue.Kind, ue.ProblemError().Header().Get("Retry-After"), ue.URL)
	}

	resp, err = c.Check(http.Get(deadURL(t)))
	if resp != nil || !errors.As(err, &ue) || ue.Kind != upstream.Unreachable || ue.Method != http.MethodGet || strings.Contains(ue.Error(), secret) {
		t.Errorf("Check of a refused call = %v, %v", resp, err)
	}
}

func TestErrorTextAndDebug(t *testing.T) {
	srv := serve(answer{503, problem.MediaType, map[string]string{"X-Request-ID": "up-42", "Retry-After": "3"},
		`{"title":"Busy","status":503,"detail":"try later"}`})
	defer srv.Close()
	ue := call(t, upstream.Options{Retry: upstream.RetryOptions{MaxAttempts: 1}}, srv.URL+"/v1/x")
	text := ue.Error()
	for _, want := range []string{"upstream billing-internal: rate limited", "status 503", "request id up-42", "retry after 3s", "GET " + srv.URL + "/v1/x", "try later"} {
		if !strings.Contains(text, want) {
			t.Errorf("Error() = %q, want it to contain %q", text, want)
		}
	}
	d := ue.Debug()
	p, _ := d["problem"].(map[string]any)
	if d["service"] != "billing-internal" || d["status"] != 503 || d["requestId"] != "up-42" || d["retryAfter"] != int64(3) || p["detail"] != "try later" {
		t.Errorf("Debug() = %v", d)
	}
}

func TestProblemErrorOfBareError(t *testing.T) {
	tests := []struct {
		name string
		err  *upstream.Error
		want string
	}{
		{"absent retry-after uses default", &upstream.Error{Kind: upstream.RateLimited}, "30"},
		{"rounded up", &upstream.Error{Kind: upstream.RateLimited, RetryAfter: 1500 * time.Millisecond}, "2"},
		{"clamped", &upstream.Error{Kind: upstream.RateLimited, RetryAfter: time.Hour}, "300"},
		{"only for rate limits", &upstream.Error{Kind: upstream.ServerError, RetryAfter: time.Hour}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.ProblemError().Header().Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMapperUsesProvider(t *testing.T) {
	srv := serve(answer{404, problem.MediaType, nil, `{"title":"Not Found","status":404,"code":"USER_NOT_FOUND"}`})
	defer srv.Close()
	ue := call(t, upstream.Options{Retry: upstream.RetryOptions{MaxAttempts: 1}}, srv.URL)
	// An upstream 404 must never become this API's 404, however deeply wrapped.
	got := problem.NewCatalog("").Map(fmt.Errorf("load user: %w", ue))
	if got.Code() != problem.UpstreamRejected || got.Code().Status != http.StatusBadGateway {
		t.Errorf("mapped to %s %d, want UPSTREAM_REJECTED 502", got.Code().Code, got.Code().Status)
	}
	// Even the bare upstream response is not taken for this API's answer.
	got = problem.NewCatalog("").Map(ue.Response)
	if got.Code().Status == http.StatusNotFound {
		t.Errorf("a bare ResponseError mapped to %d", got.Code().Status)
	}
}

// counter is an upstream that fails the first fail requests with status and
// header, then answers 200; it counts requests and records bodies.
type counter struct {
	fail   int
	status int
	header map[string]string
	n      atomic.Int32
	bodies chan string
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(c.n.Add(1))
	if c.bodies != nil {
		b, _ := io.ReadAll(r.Body)
		c.bodies <- string(b)
	}
	if n <= c.fail {
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(c.status)
		io.WriteString(w, `{"message":"try again"}`)
		return
	}
	io.WriteString(w, "ok")
}

var fast = upstream.RetryOptions{MaxAttempts: 3, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond}

func TestRetryMethods(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		key      string
		attempts int32
	}{
		{"GET", http.MethodGet, "", 3},
		{"HEAD", http.MethodHead, "", 3},
		{"OPTIONS", http.MethodOptions, "", 3},
		{"PUT", http.MethodPut, "", 3},
		{"DELETE", http.MethodDelete, "", 3},
		{"TRACE", http.MethodTrace, "", 3},
		{"POST", http.MethodPost, "", 1},
		{"PATCH", http.MethodPatch, "", 1},
		{"POST with Idempotency-Key", http.MethodPost, "k-1", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &counter{fail: 100, status: http.StatusBadGateway}
			srv := httptest.NewServer(up)
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL, nil)
			if tt.key != "" {
				req.Header.Set("Idempotency-Key", tt.key)
			}
			_, err := upstream.New("svc", upstream.Options{Retry: fast}).Do(req)
			var ue *upstream.Error
			if !errors.As(err, &ue) || ue.Kind != upstream.ServerError {
				t.Fatalf("err = %v, want a server error", err)
			}
			if got := up.n.Load(); got != tt.attempts || ue.Attempts != int(tt.attempts) {
				t.Errorf("%d requests, Attempts %d; want %d", got, ue.Attempts, tt.attempts)
			}
		})
	}
}

func TestRetryStatuses(t *testing.T) {
	tests := []struct {
		status   int
		attempts int32
	}{
		{http.StatusTooManyRequests, 2},
		{http.StatusBadGateway, 2},
		{http.StatusServiceUnavailable, 2},
		{http.StatusGatewayTimeout, 2},
		{http.StatusInternalServerError, 1},
		{http.StatusNotImplemented, 1},
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusNotFound, 1},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			up := &counter{fail: 1, status: tt.status}
			srv := httptest.NewServer(up)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			resp, err := upstream.New("svc", upstream.Options{Retry: fast}).Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			if got := up.n.Load(); got != tt.attempts {
				t.Errorf("%d requests, want %d", got, tt.attempts)
			}
			if succeeded := err == nil; succeeded != (tt.attempts == 2) {
				t.Errorf("err = %v after %d requests", err, up.n.Load())
			}
		})
	}
}

func TestRetryTransportFailures(t *testing.T) {
	tlsSrv := quietTLSServer()
	defer tlsSrv.Close()
	tests := []struct {
		name     string
		url      string
		attempts int
	}{
		{"refused is retried", deadURL(t), 3},
		{"unknown host is not", "http://nowhere.invalid/", 1},
		{"untrusted certificate is not", tlsSrv.URL, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := callCtx(t, context.Background(), upstream.Options{Retry: fast}, http.MethodGet, tt.url)
			if ue.Kind != upstream.Unreachable || ue.Attempts != tt.attempts {
				t.Errorf("kind %v after %d attempts, want unreachable after %d", ue.Kind, ue.Attempts, tt.attempts)
			}
		})
	}
}

func TestRetryReplaysBody(t *testing.T) {
	tests := []struct {
		name string
		body func() io.Reader
	}{
		{"GetBody", func() io.Reader { return strings.NewReader("payload") }},
		{"stream", func() io.Reader { return io.MultiReader(strings.NewReader("pay"), strings.NewReader("load")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &counter{fail: 2, status: http.StatusServiceUnavailable, bodies: make(chan string, 3)}
			srv := httptest.NewServer(up)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodPut, srv.URL, tt.body())
			resp, err := upstream.New("svc", upstream.Options{Retry: fast}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			for range 3 {
				if got := <-up.bodies; got != "payload" {
					t.Errorf("attempt got body %q", got)
				}
			}
		})
	}
}

func TestRetryHonorsRetryAfter(t *testing.T) {
	up := &counter{fail: 1, status: http.StatusServiceUnavailable, header: map[string]string{"Retry-After": "1"}}
	srv := httptest.NewServer(up)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	start := time.Now()
	// WaitMax is far below the upstream's Retry-After: Retry-After wins.
	resp, err := upstream.New("svc", upstream.Options{Retry: fast}).Do(req)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if up.n.Load() != 2 || elapsed < 900*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("%d requests in %v, want 2 about 1s apart", up.n.Load(), elapsed)
	}
}

func TestRetryAfterBeyondDeadlineStopsAtOnce(t *testing.T) {
	up := &counter{fail: 100, status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "20"}}
	srv := httptest.NewServer(up)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	ue := callCtx(t, ctx, upstream.Options{Retry: fast}, http.MethodGet, srv.URL)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("took %v, want no wait", elapsed)
	}
	if ue.Kind != upstream.RateLimited || ue.Attempts != 1 || ue.RetryAfter != 20*time.Second || ue.ProblemError().Header().Get("Retry-After") != "20" {
		t.Errorf("got %v", ue)
	}
}

func TestRetryStopsAtDeadline(t *testing.T) {
	tests := []struct {
		name string
		opts upstream.RetryOptions
		ctx  time.Duration
	}{
		{"context deadline", upstream.RetryOptions{MaxAttempts: 1000, WaitMin: 20 * time.Millisecond, WaitMax: 40 * time.Millisecond}, 300 * time.Millisecond},
		{"MaxElapsed", upstream.RetryOptions{MaxAttempts: 1000, WaitMin: 20 * time.Millisecond, WaitMax: 40 * time.Millisecond, MaxElapsed: 300 * time.Millisecond}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := &counter{fail: 1 << 30, status: http.StatusBadGateway}
			srv := httptest.NewServer(up)
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
			defer cancel()
			start := time.Now()
			ue := callCtx(t, ctx, upstream.Options{Retry: tt.opts}, http.MethodGet, srv.URL)
			elapsed := time.Since(start)
			// 1000 attempts would take over 10s; generous slack for loaded machines.
			if elapsed > 2*time.Second {
				t.Errorf("took %v, want to stop near 300ms", elapsed)
			}
			// The last attempt may be cut by the deadline itself; either way
			// the caller gets a typed upstream failure, not a bare context error.
			if st := ue.ProblemError().Code().Status; st != http.StatusBadGateway && st != http.StatusGatewayTimeout || ue.Attempts < 3 {
				t.Errorf("got %v (problem status %d) after %d attempts", ue, st, ue.Attempts)
			}
			// The deadline may cut the last attempt before it reaches the server.
			if n := int(up.n.Load()); n != ue.Attempts && n != ue.Attempts-1 {
				t.Errorf("server saw %d requests, Attempts %d", n, ue.Attempts)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		kind upstream.Kind
		want string
	}{
		{upstream.Timeout, "timeout"},
		{upstream.RateLimited, "rate limited"},
		{upstream.Kind(0), "kind(0)"},
	}
	for _, tt := range tests {
		if got := tt.kind.String(); got != tt.want {
			t.Errorf("%d.String() = %q, want %q", int(tt.kind), got, tt.want)
		}
	}
}

func TestCheckNothing(t *testing.T) {
	c := upstream.New("svc", upstream.Options{})
	resp, err := c.Check(nil, nil)
	var ue *upstream.Error
	if resp != nil || !errors.As(err, &ue) || ue.Kind != upstream.Unreachable {
		t.Errorf("Check(nil, nil) = %v, %v; want an Unreachable *upstream.Error", resp, err)
	}
}
