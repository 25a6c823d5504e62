package upstream

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/problemkit/problemkit/problem"
)

// decodeTestBody records how a body was consumed.
type decodeTestBody struct {
	r      io.Reader
	read   int
	closed bool
}

func (b *decodeTestBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += n
	return n, err
}

func (b *decodeTestBody) Close() error { b.closed = true; return nil }

func decodeTestResponse(status int, contentType, body string, header ...string) (*http.Response, *decodeTestBody) {
	h := make(http.Header)
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	b := &decodeTestBody{r: strings.NewReader(body)}
	return &http.Response{StatusCode: status, Header: h, Body: b}, b
}

const openAIBody = `{
  "error": {
    "message": "Incorrect API key provided: sk-abc***. You can find your API key at https://platform.openai.com/account/api-keys.",
    "type": "invalid_request_error",
    "param": null,
    "code": "invalid_api_key"
  }
}`

const cloudflare502 = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<head>
<title>api.example.com | 502: Bad gateway</title>
<meta charset="UTF-8" />
</head>
<body><div id="cf-wrapper"><h1>Bad gateway</h1><span>Error code 502</span></div></body></html>`

const problemJSON = `{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","balance":30,"accounts":["/account/12345","/account/67890"]}`

const problemXML = `<?xml version="1.0" encoding="UTF-8"?>
<problem xmlns="urn:ietf:rfc:7807">
  <type>https://example.com/probs/out-of-credit</type>
  <title>You do not have enough credit.</title>
  <status>403</status>
  <detail>Your current balance is 30, but that costs 50.</detail>
  <instance>https://example.net/account/12345/msgs/abc</instance>
  <balance>30</balance>
  <accounts>
    <i>https://example.net/account/12345</i>
    <i>https://example.net/account/67890</i>
  </accounts>
</problem>`

func TestDecodeResponseShapes(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantType    string
		wantTitle   string
		wantStatus  int
		wantDetail  string
		wantCode    string
	}{
		{"problem+json", 403, problem.MediaType, problemJSON,
			"https://example.com/probs/out-of-credit", "You do not have enough credit.", 403, "Your current balance is 30, but that costs 50.", ""},
		{"problem+json status differs from HTTP", 500, problem.MediaType, `{"title":"Oops","status":503}`,
			problem.BlankType, "Oops", 503, "", ""},
		{"problem+json status not an error", 500, problem.MediaType, `{"title":"Oops","status":200}`,
			problem.BlankType, "Oops", 500, "", ""},
		{"problem+xml", 403, problem.MediaTypeXML + "; charset=utf-8", problemXML,
			"https://example.com/probs/out-of-credit", "You do not have enough credit.", 403, "Your current balance is 30, but that costs 50.", ""},
		{"xml problem as application/xml", 409, "application/xml", `<problem xmlns="urn:ietf:rfc:7807"><title>Conflict here</title></problem>`,
			problem.BlankType, "Conflict here", 409, "", ""},
		{"xml not a problem", 500, problem.MediaTypeXML, `<error><message>nope</message></error>`,
			problem.BlankType, "Internal Server Error", 500, "", ""},
		{"problem as plain json", 404, "application/json", `{"title":"Not here","detail":"User 7 does not exist.","code":"USER_NOT_FOUND"}`,
			problem.BlankType, "Not here", 404, "User 7 does not exist.", "USER_NOT_FOUND"},
		{"django detail", 404, "application/json", `{"detail":"Not found."}`,
			problem.BlankType, "Not Found", 404, "Not found.", ""},
		{"message", 400, "application/json", `{"message":"name is required","code":400}`,
			problem.BlankType, "Bad Request", 400, "name is required", "400"},
		{"error string", 500, "application/json; charset=utf-8", `{"error":"database is down"}`,
			problem.BlankType, "Internal Server Error", 500, "database is down", ""},
		{"oauth", 401, "application/json", `{"error":"invalid_token","error_description":"The access token expired"}`,
			problem.BlankType, "Unauthorized", 401, "The access token expired", "invalid_token"},
		{"spring boot", 404, "application/json", `{"timestamp":"2024-01-01T00:00:00.000+00:00","status":404,"error":"Not Found","message":"No user 7","path":"/users/7"}`,
			problem.BlankType, "Not Found", 404, "No user 7", ""},
		{"openai", 401, "application/json", openAIBody,
			problem.BlankType, "Unauthorized", 401, "Incorrect API key provided: sk-abc***. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key"},
		{"error object with type only", 400, "application/json", `{"error":{"message":"bad","type":"invalid_request_error"}}`,
			problem.BlankType, "Bad Request", 400, "bad", "invalid_request_error"},
		{"errors strings", 422, "application/json", `{"errors":["a is bad","b is bad"]}`,
			problem.BlankType, "Unprocessable Entity", 422, "a is bad; b is bad", ""},
		{"errors objects", 400, "application/json", `{"errors":[{"message":"x"},{"detail":"y"},{"title":"z"},{"message":"1"},{"message":"2"},{"message":"3"}]}`,
			problem.BlankType, "Bad Request", 400, "x; y; z; 1; 2", ""},
		{"json without content type", 502, "", `  {"message":"upstream says no"}`,
			problem.BlankType, "Bad Gateway", 502, "upstream says no", ""},
		{"json array", 500, "application/json", `["a"]`,
			problem.BlankType, "Internal Server Error", 500, "", ""},
		{"cloudflare html", 502, "text/html; charset=UTF-8", cloudflare502,
			problem.BlankType, "Bad Gateway", 502, "", ""},
		{"empty", 503, "", "",
			problem.BlankType, "Service Unavailable", 503, "", ""},
		{"invalid json", 500, "application/json", `{"message":`,
			problem.BlankType, "Internal Server Error", 500, "", ""},
		{"unknown status", 599, "", "",
			problem.BlankType, "Error", 599, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := decodeTestResponse(tt.status, tt.contentType, tt.body)
			e := DecodeResponse(resp, DecodeOptions{})
			p := e.Problem
			if p.Type != tt.wantType || p.Title != tt.wantTitle || p.Status != tt.wantStatus || p.Detail != tt.wantDetail || p.Code != tt.wantCode {
				t.Errorf("got type %q title %q status %d detail %q code %q,\nwant type %q title %q status %d detail %q code %q",
					p.Type, p.Title, p.Status, p.Detail, p.Code, tt.wantType, tt.wantTitle, tt.wantStatus, tt.wantDetail, tt.wantCode)
			}
			if e.Status != tt.status || e.Truncated {
				t.Errorf("status %d truncated %v", e.Status, e.Truncated)
			}
			if !body.closed || body.read != len(tt.body) {
				t.Errorf("body closed %v, read %d of %d bytes", body.closed, body.read, len(tt.body))
			}
		})
	}
}

func TestDecodeResponseExtensions(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
	}{
		{"json", problem.MediaType, problemJSON},
		{"xml", problem.MediaTypeXML, problemXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := decodeTestResponse(403, tt.contentType, tt.body)
			p := DecodeResponse(resp, DecodeOptions{}).Problem
			accounts, _ := p.Extensions["accounts"].([]any)
			if p.Extensions["balance"] == nil || len(accounts) != 2 || p.Instance == "" {
				t.Errorf("extensions %v instance %q", p.Extensions, p.Instance)
			}
		})
	}
}

func TestDecodeResponseLimits(t *testing.T) {
	big := `{"message":"` + strings.Repeat("a", 100_000) + `"}`
	tests := []struct {
		name          string
		opts          DecodeOptions
		body          string
		wantTruncated bool
		wantDetail    string
		maxExcerpt    int
	}{
		{"default cap", DecodeOptions{}, big, true, "", DefaultMaxExcerptBytes},
		{"raised cap", DecodeOptions{MaxBodyBytes: 1 << 20}, big, false, strings.Repeat("a", 100_000), DefaultMaxExcerptBytes},
		{"small excerpt", DecodeOptions{MaxExcerptBytes: 16}, "0123456789abcdefghij", false, "", 16},
		{"no excerpt", DecodeOptions{MaxExcerptBytes: -1}, "0123456789", false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := decodeTestResponse(500, "application/json", tt.body)
			e := DecodeResponse(resp, tt.opts)
			if e.Truncated != tt.wantTruncated || e.Problem.Detail != tt.wantDetail {
				t.Errorf("truncated %v detail of %d bytes", e.Truncated, len(e.Problem.Detail))
			}
			if len(e.Excerpt) > tt.maxExcerpt || !utf8.ValidString(e.Excerpt) {
				t.Errorf("excerpt of %d bytes, want at most %d: %q", len(e.Excerpt), tt.maxExcerpt, e.Excerpt)
			}
			if !body.closed || body.read != len(tt.body) {
				t.Errorf("body closed %v, drained %d of %d", body.closed, body.read, len(tt.body))
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"short", "hello", 512, "hello"},
		{"white space collapsed", "  a\r\n\t b  \n", 512, "a b"},
		{"controls", "a\x00\x1b[31mb\u0085c", 512, "a [31mb c"},
		{"bidi dropped", "abc\u202edcba", 512, "abcdcba"},
		{"invalid utf-8", "a\xff\xfeb", 512, "a\ufffd\ufffdb"},
		{"cut", "abcdefghij", 8, "abcde…"},
		{"cut before multibyte", "ab한국어", 8, "ab한…"},
		{"multibyte does not fit", "ab한국어", 7, "ab…"},
		{"exact fit", "abcdefgh", 8, "abcdefgh"},
		{"tiny bound", "abcdef", 2, "ab"},
		{"cut trailing space", "abcd efghij", 8, "abcd…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := excerpt([]byte(tt.in), tt.n); got != tt.want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestDecodeResponseRequestID(t *testing.T) {
	tests := []struct {
		name   string
		opts   DecodeOptions
		header []string
		body   string
		want   string
	}{
		{"X-Request-ID", DecodeOptions{}, []string{"X-Request-ID", "abc-1"}, "", "abc-1"},
		{"Stripe", DecodeOptions{}, []string{"Request-Id", "req_9"}, "", "req_9"},
		{"AWS", DecodeOptions{}, []string{"X-Amzn-RequestId", "aws-7"}, "", "aws-7"},
		{"order", DecodeOptions{}, []string{"CF-Ray", "ray", "X-Request-Id", "first"}, "", "first"},
		{"Cloudflare", DecodeOptions{}, []string{"CF-RAY", "8a1b-FRA"}, "", "8a1b-FRA"},
		{"from problem", DecodeOptions{}, nil, `{"title":"x","requestId":"doc-1"}`, "doc-1"},
		{"sanitized", DecodeOptions{}, []string{"X-Request-Id", "a b\x7fc\u00e9"}, "", "abc"},
		{"capped", DecodeOptions{}, []string{"X-Request-Id", strings.Repeat("x", 300)}, "", strings.Repeat("x", 128)},
		{"custom headers", DecodeOptions{RequestIDHeaders: []string{"X-Trace"}}, []string{"X-Trace", "t-1", "X-Request-Id", "ignored"}, "", "t-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := decodeTestResponse(500, problem.MediaType, tt.body, tt.header...)
			if got := DecodeResponse(resp, tt.opts).RequestID; got != tt.want {
				t.Errorf("RequestID = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResponseErrorError(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        string
	}{
		{"problem", 403, problem.MediaType, `{"title":"No credit","detail":"Balance is 30.","code":"OUT_OF_CREDIT"}`, "upstream responded 403 OUT_OF_CREDIT: No credit: Balance is 30."},
		{"status title omitted", 404, "application/json", `{"message":"no user 7"}`, "upstream responded 404: no user 7"},
		{"excerpt", 502, "text/html", "<html>\n<h1>Bad gateway</h1>", `upstream responded 502: body "<html> <h1>Bad gateway</h1>"`},
		{"empty", 503, "", "", "upstream responded 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := decodeTestResponse(tt.status, tt.contentType, tt.body)
			if got := DecodeResponse(resp, DecodeOptions{}).Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// A ResponseError says what another service answered; it must not pass for
// this API's own answer.
func TestResponseErrorIsNotAnAnswer(t *testing.T) {
	resp, _ := decodeTestResponse(404, problem.MediaType, `{"title":"Not Found","status":404,"code":"ROUTE_NOT_FOUND"}`)
	var err error = DecodeResponse(resp, DecodeOptions{})
	var p problem.Provider
	var sc interface{ StatusCode() int }
	var ec interface{ ErrorCode() string }
	var pp interface{ Problem() *problem.Problem }
	if errors.As(err, &p) || errors.As(err, &sc) || errors.As(err, &ec) || errors.As(err, &pp) {
		t.Fatal("ResponseError exposes a status, code or problem the Mapper would answer with")
	}
	if got := problem.NewCatalog("").Map(err); got.Code() != problem.InternalError {
		t.Errorf("a bare ResponseError mapped to %s, want INTERNAL_ERROR", got.Code().Code)
	}
}

func TestDecodeResponseNil(t *testing.T) {
	if DecodeResponse(nil, DecodeOptions{}) != nil {
		t.Error("DecodeResponse(nil, DecodeOptions{}) != nil")
	}
	e := DecodeResponse(&http.Response{StatusCode: 500}, DecodeOptions{})
	if e.Problem == nil || e.Header == nil {
		t.Errorf("no body, no header: %+v", e)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"120", 120 * time.Second, true},
		{" 0 ", 0, true},
		{"99999999999999999999999", (1 << 31) * time.Second, true},
		{"Sun, 22 Nov 2026 01:03:03 GMT", time.Minute, true},
		{"Sunday, 22-Nov-26 01:03:03 GMT", time.Minute, true},
		{"Sun Nov 22 01:03:03 2026", time.Minute, true},
		{"Sun, 22 Nov 2026 01:00:00 GMT", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"12abc", 0, false},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add(401, "application/json", []byte(openAIBody))
	f.Add(502, "text/html; charset=UTF-8", []byte(cloudflare502))
	f.Add(403, problem.MediaType, []byte(problemJSON))
	f.Add(403, problem.MediaTypeXML, []byte(problemXML))
	f.Add(422, "application/json", []byte(`{"errors":[{"message":"x"},"y",3,null]}`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_client","error_description":"bad"}`))
	f.Add(500, "", []byte("\xff\xfe\x00plain \u202e text"))
	f.Add(503, problem.MediaTypeXML, []byte(`<problem xmlns="urn:ietf:rfc:7807"><errors><i><field>a</field></i></errors><status>999</status></problem>`))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 500
		}
		h := http.Header{"Content-Type": {contentType}, "X-Request-Id": {string(body[:min(len(body), 200)])}}
		tb := &decodeTestBody{r: strings.NewReader(string(body))}
		opts := DecodeOptions{MaxBodyBytes: 4096, MaxExcerptBytes: 64}
		e := DecodeResponse(&http.Response{StatusCode: status, Header: h, Body: tb}, opts)
		if !tb.closed {
			t.Fatal("body not closed")
		}
		if e.Problem == nil {
			t.Fatal("nil Problem")
		}
		if s := e.Problem.Status; s != status && (s < 400 || s > 599) {
			t.Fatalf("Problem.Status %d for HTTP %d", s, status)
		}
		if e.Problem.Title == "" || e.Problem.Type == "" {
			t.Fatalf("empty title or type: %+v", e.Problem)
		}
		if len(e.Excerpt) > 64 || !utf8.ValidString(e.Excerpt) || strings.ContainsAny(e.Excerpt, "\n\r\x00\u202e") {
			t.Fatalf("bad excerpt %q", e.Excerpt)
		}
		if len(e.RequestID) > maxRequestIDBytes || strings.ContainsAny(e.RequestID, " \n\r") {
			t.Fatalf("bad request ID %q", e.RequestID)
		}
		if msg := e.Error(); !strings.HasPrefix(msg, "upstream responded ") || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("bad Error() %q", msg)
		}
		if _, err := e.Problem.MarshalJSON(); err != nil {
			t.Fatalf("decoded problem does not marshal: %v", err)
		}
	})
}
