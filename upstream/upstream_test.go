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

// TestDoNetworkFailures calls real addresses that fail in the network
// itself — a refused connection, a name that does not resolve, a
// certificate nobody trusts — and a call whose context is already
// cancelled. It waits for nothing: each fails at once, and retries are
// off. Timeouts are tested without a network, on a simulated clock
// (TestDoTimeouts).
func TestDoNetworkFailures(t *testing.T) {
	tlsSrv := quietTLSServer()
	defer tlsSrv.Close()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	once := upstream.RetryOptions{MaxAttempts: 1}
	tests := []struct {
		name   string
		ctx    context.Context
		url    string
		kind   upstream.Kind
		code   *problem.Code
		status int
	}{
		{"refused", context.Background(), deadURL(t), upstream.Unreachable, upstream.Unreachable.Code(), 502},
		{"dns", context.Background(), "http://billing." + secret + ".invalid/v1", upstream.Unreachable, upstream.Unreachable.Code(), 502},
		{"tls untrusted", context.Background(), tlsSrv.URL + "/v1", upstream.Unreachable, upstream.Unreachable.Code(), 502},
		{"canceled", canceled, tlsSrv.URL, upstream.Canceled, problem.ClientClosedRequest, 499},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := callCtx(t, tt.ctx, upstream.Options{Retry: once}, http.MethodGet, tt.url)
			checkTransportFailure(t, ue, tt.kind, tt.code, tt.status)
			if strings.Contains(ue.Error(), secret) && tt.name != "dns" {
				t.Errorf("log text leaks the query string: %s", ue.Error())
			}
		})
	}
}

// checkTransportFailure checks an *upstream.Error of a call that got no
// answer: its kind, the problem it becomes, and that the problem shows
// nothing of the upstream.
func checkTransportFailure(t *testing.T, ue *upstream.Error, kind upstream.Kind, code *problem.Code, status int) {
	t.Helper()
	if ue.Kind != kind || ue.Status != 0 || ue.Response != nil || ue.Err == nil {
		t.Errorf("got kind %v status %d response %v err %v, want kind %v, no status/response, a cause", ue.Kind, ue.Status, ue.Response, ue.Err, kind)
	}
	pe := ue.ProblemError()
	if pe.Code() != code || pe.Code().Status != status {
		t.Errorf("problem %s %d, want %s %d", pe.Code().Code, pe.Code().Status, code.Code, status)
	}
	if pe.Header().Get("Retry-After") != "" {
		t.Errorf("Retry-After = %q, want none", pe.Header().Get("Retry-After"))
	}
	if !errors.Is(pe, ue) {
		t.Error("the problem's cause chain does not hold the upstream error")
	}
	if b := render(pe); strings.Contains(string(b), secret) || strings.Contains(string(b), "127.0.0.1") || strings.Contains(string(b), "billing") {
		t.Errorf("problem leaks the upstream: %s", b)
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
			upstream.Rejected, 0, upstream.Rejected.Code(), 502, "", "req-1", "field x " + secret},
		{"401 oauth", answer{401, "application/json", map[string]string{"Request-Id": "req_2"},
			`{"error":"invalid_client","error_description":"bad key ` + secret + `"}`},
			upstream.AuthFailed, 0, upstream.AuthFailed.Code(), 502, "", "req_2", "bad key " + secret},
		{"403 message", answer{403, "application/json", nil, `{"message":"forbidden ` + secret + `"}`},
			upstream.AuthFailed, 0, upstream.AuthFailed.Code(), 502, "", "", "forbidden " + secret},
		{"404 errors strings", answer{404, "application/json", nil, `{"errors":["no ` + secret + `","gone"]}`},
			upstream.Rejected, 0, upstream.Rejected.Code(), 502, "", "", "no " + secret + "; gone"},
		{"422 errors objects", answer{422, "application/json", nil, `{"errors":[{"message":"bad ` + secret + `","path":["x"]}]}`},
			upstream.Rejected, 0, upstream.Rejected.Code(), 502, "", "", "bad " + secret},
		{"429 openai", answer{429, "application/json", map[string]string{"Retry-After": "7", "X-Request-Id": "req_abc"},
			`{"error":{"message":"Rate limit reached ` + secret + `","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
			upstream.RateLimited, 7 * time.Second, upstream.RateLimited.Code(), 503, "7", "req_abc", "Rate limit reached " + secret},
		{"503 no retry-after", answer{503, "text/plain", nil, "overloaded " + secret},
			upstream.RateLimited, 0, upstream.RateLimited.Code(), 503, "30", "", ""},
		{"503 huge retry-after clamped", answer{503, "", map[string]string{"Retry-After": "86400"}, ""},
			upstream.RateLimited, 24 * time.Hour, upstream.RateLimited.Code(), 503, "300", "", ""},
		{"503 sub-second rounds to 1", answer{503, "", map[string]string{"Retry-After": "0"}, ""},
			upstream.RateLimited, 0, upstream.RateLimited.Code(), 503, "1", "", ""},
		{"500 problem+xml", answer{500, problem.MediaTypeXML, map[string]string{"X-Amzn-RequestId": "aws-1"},
			`<?xml version="1.0"?><problem xmlns="urn:ietf:rfc:7807"><title>Boom</title><status>500</status><detail>db ` + secret + `</detail></problem>`},
			upstream.ServerError, 0, upstream.ServerError.Code(), 502, "", "aws-1", "db " + secret},
		{"502 cloudflare html", answer{502, "text/html; charset=UTF-8", map[string]string{"CF-RAY": "8a1b2c3d4e5f-FRA"},
			"<!DOCTYPE html><html><head><title>" + secret + " | 502: Bad gateway</title></head><body>Bad gateway</body></html>"},
			upstream.ServerError, 0, upstream.ServerError.Code(), 502, "", "8a1b2c3d4e5f-FRA", ""},
		{"504 huge json", answer{504, "application/json", nil, huge},
			upstream.ServerError, 0, upstream.ServerError.Code(), 502, "", "", ""},
		{"418 other 4xx", answer{418, "", nil, ""},
			upstream.Rejected, 0, upstream.Rejected.Code(), 502, "", "", ""},
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
	if got.Code() != upstream.Rejected.Code() || got.Code().Status != http.StatusBadGateway {
		t.Errorf("mapped to %s %d, want UPSTREAM_REJECTED 502", got.Code().Code, got.Code().Status)
	}
	// Even the bare upstream response is not taken for this API's answer.
	got = problem.NewCatalog("").Map(ue.Response)
	if got.Code().Status == http.StatusNotFound {
		t.Errorf("a bare ResponseError mapped to %d", got.Code().Status)
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
