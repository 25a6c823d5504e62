package problemtest_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemtest"
)

func TestCheckAcceptsPipelineResponses(t *testing.T) {
	pl := problemhttp.New(problemhttp.Options{})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("db password=hunter2") })
	r.Get("/err", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return errors.New("open /etc/app/key.pem: permission denied")
	}))
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, path := range []string{"/boom", "/err", "/nowhere"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := problemtest.Check(resp)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		body, _ := p.MarshalJSON()
		if leaks := problemtest.Leaks(body, "hunter2", "key.pem"); len(leaks) > 0 {
			t.Errorf("%s leaks: %v", path, leaks)
		}
	}
}

func TestCheckFindsViolations(t *testing.T) {
	good := func() http.Header {
		return http.Header{"Content-Type": {"application/problem+json"}, "Cache-Control": {"no-store"}, "X-Request-Id": {"r1"}}
	}
	const body = `{"type":"about:blank","title":"Not Found","status":404,"code":"NOT_FOUND","requestId":"r1","timestamp":"2026-11-22T01:02:03Z"}`
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   string // a substring of the error; "" means valid
	}{
		{"valid", 404, good(), body, ""},
		{"status mismatch", 400, good(), body, "differs from the HTTP status 400"},
		{"wrong content type", 404, http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}, "X-Request-Id": {"r1"}}, body, "Content-Type"},
		{"cacheable", 404, http.Header{"Content-Type": {"application/problem+json"}, "X-Request-Id": {"r1"}}, body, "Cache-Control"},
		{"request ID mismatch", 404, http.Header{"Content-Type": {"application/problem+json"}, "Cache-Control": {"no-store"}, "X-Request-Id": {"r2"}}, body, "requestId"},
		{"not JSON", 404, good(), `<html>oops</html>`, "not a JSON object"},
		{"no code", 404, good(), strings.Replace(body, `"code":"NOT_FOUND",`, "", 1), "code"},
		{"string status", 404, good(), strings.Replace(body, `"status":404`, `"status":"404"`, 1), "status member"},
		{"success status", 200, good(), strings.Replace(body, `404`, `200`, 1), "not an error status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := problemtest.CheckBody(tt.status, tt.header, []byte(tt.body))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("error = %q, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestLeaks(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		secrets []string
		want    int
	}{
		{"clean", `{"title":"Internal Server Error","detail":"An unexpected error occurred."}`, []string{"hunter2"}, 0},
		{"stack", `{"detail":"goroutine 7 [running]:\nmain.go:12"}`, nil, 2},
		{"runtime frame", `{"detail":"runtime.gopanic"}`, nil, 1},
		{"file path", `{"detail":"open /etc/passwd: denied"}`, nil, 1},
		{"windows path", `{"detail":"C:\\app\\x"}`, nil, 1},
		{"secret", `{"detail":"password=hunter2"}`, []string{"hunter2"}, 1},
		{"escaped secret", `{"detail":"say \"hi\" now"}`, []string{`say "hi" now`}, 1},
		{"debug member", `{"debug":{}}`, nil, 1},
		{"URL path is not a file path", `{"instance":"/users/42","type":"https://api.example.com/problems/x"}`, nil, 0},
		{"instance looking like a file path", `{"instance":"/app/tmp/report","title":"Not Found"}`, nil, 0},
		{"a file path elsewhere still counts", `{"instance":"/app/x","detail":"open /app/config.yaml"}`, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemtest.Leaks([]byte(tt.body), tt.secrets...); len(got) != tt.want {
				t.Errorf("Leaks = %v, want %d findings", got, tt.want)
			}
		})
	}
}

func TestCheckWithCustomRequestIDHeader(t *testing.T) {
	pl := problemhttp.New(problemhttp.Options{RequestIDHeader: "X-Correlation-ID"})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problemhttp.WriteError(w, r, errors.New("boom"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if _, err := (problemtest.Options{RequestIDHeader: "X-Correlation-ID"}).CheckBody(rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		t.Errorf("with the configured header: %v", err)
	}
	if _, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes()); err == nil || !strings.Contains(err.Error(), "X-Request-ID") {
		t.Errorf("with the default header: %v, want a request-ID mismatch", err)
	}
}
