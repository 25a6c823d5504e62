package upstream_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/problemkit/problemkit/upstream"
)

func ExampleDecodeResponse() {
	resp := &http.Response{
		StatusCode: http.StatusForbidden,
		Header: http.Header{
			"Content-Type": {"application/problem+json"},
			"Request-Id":   {"req_42"},
		},
		Body: io.NopCloser(strings.NewReader(
			`{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"balance":30}`)),
	}
	e := upstream.DecodeResponse(resp, upstream.DecodeOptions{}) // reads and closes the body
	fmt.Println(e.Status, e.RequestID)
	fmt.Println(e.Problem.Title, e.Problem.Extensions["balance"])
	fmt.Println(e)
	// Output:
	// 403 req_42
	// You do not have enough credit. 30
	// upstream responded 403: You do not have enough credit.
}

func ExampleDecodeResponse_options() {
	resp := &http.Response{
		StatusCode: http.StatusBadGateway,
		Header:     http.Header{"Content-Type": {"text/html"}},
		Body:       io.NopCloser(strings.NewReader("<html>\n  <title>502 Bad Gateway</title>\n</html>")),
	}
	e := upstream.DecodeResponse(resp, upstream.DecodeOptions{MaxExcerptBytes: 32})
	fmt.Println(e.Problem.Status, e.Problem.Title)
	fmt.Printf("%q\n", e.Excerpt)
	// Output:
	// 502 Bad Gateway
	// "<html> <title>502 Bad Gateway…"
}

func ExampleParseRetryAfter() {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	d, ok := upstream.ParseRetryAfter("120", now)
	fmt.Println(d, ok)
	d, ok = upstream.ParseRetryAfter("Sun, 22 Nov 2026 01:04:03 GMT", now)
	fmt.Println(d, ok)
	// Output:
	// 2m0s true
	// 2m0s true
}
