package problemtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/problemkit/problemkit/problem"
)

// RequestIDHeader is the header Check compares with the requestId member
// unless Options say otherwise.
const RequestIDHeader = "X-Request-ID"

// Options adjusts the checks to an application's settings. The zero value
// checks problemkit's defaults.
type Options struct {
	// RequestIDHeader is the header that must equal the requestId member,
	// as problemhttp.Options.RequestIDHeader; empty means RequestIDHeader.
	RequestIDHeader string
}

// Check reads and closes resp's body and reports every way the response
// breaks the problem contract: Content-Type application/problem+json, a JSON
// object body whose status member equals the HTTP status, a 4xx or 5xx
// status, a non-empty type, title and code, a requestId equal to the
// X-Request-ID header, and Cache-Control: no-store. It returns the decoded
// problem when the body could be decoded, with all violations joined.
func Check(resp *http.Response) (*problem.Problem, error) { return Options{}.Check(resp) }

// CheckBody is Check for a response already read, such as an
// httptest.ResponseRecorder's (rec.Code, rec.Header(), rec.Body.Bytes()).
func CheckBody(status int, header http.Header, body []byte) (*problem.Problem, error) {
	return Options{}.CheckBody(status, header, body)
}

// Check is the package-level Check with o's settings.
func (o Options) Check(resp *http.Response) (*problem.Problem, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return o.CheckBody(resp.StatusCode, resp.Header, body)
}

// CheckBody is the package-level CheckBody with o's settings.
func (o Options) CheckBody(status int, header http.Header, body []byte) (*problem.Problem, error) {
	idHeader := o.RequestIDHeader
	if idHeader == "" {
		idHeader = RequestIDHeader
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mt != problem.MediaType {
		fail("Content-Type is %q, want %s", header.Get("Content-Type"), problem.MediaType)
	}
	if status < 400 || status > 599 {
		fail("HTTP status %d is not an error status", status)
	}
	if cc := header.Get("Cache-Control"); cc != "no-store" {
		fail("Cache-Control is %q, want no-store", cc)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		fail("body is not a JSON object: %.200q", body)
		return nil, errors.Join(errs...)
	}
	var p problem.Problem
	if err := json.Unmarshal(trimmed, &p); err != nil {
		fail("body does not decode as a problem: %v", err)
		return nil, errors.Join(errs...)
	}
	if p.Status != status {
		fail("status member %d differs from the HTTP status %d", p.Status, status)
	}
	if _, ok := p.Extensions["status"]; ok {
		fail("status member is not a number")
	}
	if p.Type == "" || p.Title == "" || p.Code == "" {
		fail("type %q, title %q, code %q: each must be set", p.Type, p.Title, p.Code)
	}
	if id := header.Get(idHeader); id == "" || id != p.RequestID {
		fail("requestId %q differs from the %s header %q", p.RequestID, idHeader, id)
	}
	if p.Timestamp.IsZero() {
		fail("timestamp is missing")
	}
	return &p, errors.Join(errs...)
}

// internals are the marks of server internals that must never reach a
// production client: stack traces, Go source positions, runtime frames and
// file system paths.
var internals = []struct {
	name string
	re   *regexp.Regexp
}{
	{"goroutine trace", regexp.MustCompile(`goroutine \d+|goroutine `)},
	{"Go source position", regexp.MustCompile(`\.go:\d*`)},
	{"runtime frame", regexp.MustCompile(`runtime\.`)},
	{"panic text", regexp.MustCompile(`panic:`)},
	{"file path", regexp.MustCompile(`(^|[\s"'(=])(/(usr|home|root|var|etc|srv|opt|tmp|go|app|work)/|[A-Za-z]:\\)`)},
	{"debug member", regexp.MustCompile(`"debug"\s*:`)},
}

var instanceMember = regexp.MustCompile(`"instance"\s*:\s*"(?:[^"\\]|\\.)*"`)

// Leaks reports what in body betrays the server's internals — a stack
// trace, a Go file position, a runtime frame, a panic text, a file path, a
// debug member — or contains any of the given secrets (panic values,
// unmapped errors' texts, upstream bodies, secret field values). It returns
// one line per finding; none means clean.
func Leaks(body []byte, secrets ...string) []string {
	var found []string
	// The instance member is the client's own request path, which may
	// look like a file path ("/app/…"): it is not scanned for internals.
	scanned := instanceMember.ReplaceAll(body, []byte(`"instance":""`))
	for _, m := range internals {
		if loc := m.re.FindIndex(scanned); loc != nil {
			found = append(found, fmt.Sprintf("%s: %q", m.name, excerpt(scanned, loc[0], loc[1])))
		}
	}
	for _, s := range secrets {
		if s != "" && bytes.Contains(body, []byte(s)) {
			found = append(found, fmt.Sprintf("secret %q", s))
		}
		// The secret may have been JSON-escaped on its way out.
		if q, _ := json.Marshal(s); s != "" && len(q) > 2 && !bytes.Equal(q[1:len(q)-1], []byte(s)) && bytes.Contains(body, q[1:len(q)-1]) {
			found = append(found, fmt.Sprintf("secret %q (JSON-escaped)", s))
		}
	}
	return found
}

func excerpt(b []byte, i, j int) string {
	i, j = max(0, i-20), min(len(b), j+20)
	return strings.ToValidUTF8(string(b[i:j]), "?")
}
