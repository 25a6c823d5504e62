package upstream

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/problemkit/problemkit/problem"
)

// Defaults of DecodeOptions.
const (
	// DefaultMaxBodyBytes is how much of an upstream body DecodeResponse
	// reads when DecodeOptions.MaxBodyBytes is zero.
	DefaultMaxBodyBytes = 64 << 10
	// DefaultMaxExcerptBytes is the size bound of ResponseError.Excerpt when
	// DecodeOptions.MaxExcerptBytes is zero.
	DefaultMaxExcerptBytes = 512
)

// maxDrainBytes bounds what DecodeResponse discards after the part it reads,
// so the connection can be reused; a longer body closes the connection.
const maxDrainBytes = 256 << 10

// maxRequestIDBytes bounds ResponseError.RequestID.
const maxRequestIDBytes = 128

// defaultRequestIDHeaders are the headers services commonly echo their
// request ID in, most specific first.
var defaultRequestIDHeaders = []string{
	"X-Request-Id",     // de facto standard; OpenAI, many gateways
	"Request-Id",       // Stripe
	"X-Amzn-RequestId", // AWS API Gateway, Lambda
	"X-Amz-Request-Id", // S3
	"X-Ms-Request-Id",  // Azure
	"X-Github-Request-Id",
	"X-Correlation-Id",
	"X-Trace-Id",
	"Cf-Ray", // Cloudflare, last: it names the edge, not the origin
}

// DefaultRequestIDHeaders returns the headers DecodeResponse looks for the
// upstream's request ID in, in order, when DecodeOptions.RequestIDHeaders is
// nil. The slice is a copy.
func DefaultRequestIDHeaders() []string {
	return append([]string(nil), defaultRequestIDHeaders...)
}

// ResponseError is an error response of another service, read by
// DecodeResponse: its status, headers, request ID and problem, decoded from
// the body or synthesized from the status.
//
// A ResponseError describes what another service said, not what this API
// should answer: it deliberately has no StatusCode, ErrorCode, Problem or
// ProblemError method, so the catalog ([problem.Catalog.Map]) never turns
// an upstream's 404 into this API's 404 by accident. Wrap it in an error
// that decides the mapping, as [Error] does.
type ResponseError struct {
	// Status is the HTTP status code of the response.
	Status int
	// Header is a copy of the response header; Retry-After is in it.
	Header http.Header
	// RequestID is the upstream's own request ID, from the first of the
	// request ID headers present, else from the problem's requestId member;
	// printable ASCII, at most 128 bytes. Quote it to the upstream's
	// support.
	RequestID string
	// Problem is the upstream's problem: decoded from an RFC 9457 document
	// (JSON or XML), built from a common non-RFC error shape, or
	// synthesized from the status. It is never nil. Its Status is the
	// document's when that is an error status (400–599), otherwise the
	// HTTP status; an empty Type is problem.BlankType and an empty Title the status
	// phrase.
	Problem *problem.Problem
	// Excerpt is the start of the raw body for logs: valid UTF-8, control
	// characters replaced, white space collapsed, at most
	// DecodeOptions.MaxExcerptBytes bytes, ending in "…" when cut.
	Excerpt string
	// Truncated reports whether the body was longer than
	// DecodeOptions.MaxBodyBytes or could not be read to its end; a
	// truncated body is never parsed.
	Truncated bool
}

// Error returns a one-line description for logs: the status, the
// upstream's code, title and detail, or the body excerpt when the body held
// no message.
func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("upstream responded ")
	b.WriteString(strconv.Itoa(e.Status))
	said := false
	if p := e.Problem; p != nil {
		if p.Code != "" {
			b.WriteString(" ")
			b.WriteString(oneLine(p.Code, 64))
			said = true
		}
		if p.Title != "" && p.Title != problem.StatusTitle(e.Status) {
			b.WriteString(": ")
			b.WriteString(oneLine(p.Title, 128))
			said = true
		}
		if p.Detail != "" {
			b.WriteString(": ")
			b.WriteString(oneLine(p.Detail, 256))
			said = true
		}
	}
	if !said && e.Excerpt != "" {
		b.WriteString(": body ")
		b.WriteString(strconv.Quote(e.Excerpt))
	}
	return b.String()
}

// oneLine returns s as one sanitized line of at most n bytes.
func oneLine(s string, n int) string { return excerpt([]byte(s), n) }

// DecodeOptions configures DecodeResponse. The zero value means the
// defaults.
type DecodeOptions struct {
	// MaxBodyBytes is how much of the body is read; a longer body is not
	// parsed. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxExcerptBytes bounds ResponseError.Excerpt. Zero means
	// DefaultMaxExcerptBytes; a negative value keeps no excerpt.
	MaxExcerptBytes int
	// RequestIDHeaders lists the headers the upstream's request ID is
	// looked for in, in order. Nil means DefaultRequestIDHeaders.
	RequestIDHeaders []string
}

// DecodeResponse reads the body of resp, an error response of another
// service, and returns what it says; the zero DecodeOptions are the
// defaults. It always reads at most MaxBodyBytes,
// then discards a bounded rest and closes the body; it never fails, since a
// body that cannot be read or parsed is still an answer with a status.
// A nil resp gives nil.
//
// It understands application/problem+json and application/problem+xml
// (RFC 9457, Appendix B), problem-like JSON sent as application/json, and
// the common non-RFC shapes:
//
//	{"message": "…"}
//	{"error": "…"}  and  {"error": "code", "error_description": "…"}  (OAuth 2)
//	{"error": {"message": "…", "type": "…", "code": "…"}}  (OpenAI and others)
//	{"errors": ["…"]}  and  {"errors": [{"message": "…"}]}  (GraphQL, JSON:API)
//
// Anything else, such as an HTML error page, keeps only the Excerpt.
func DecodeResponse(resp *http.Response, o DecodeOptions) *ResponseError {
	if resp == nil {
		return nil
	}
	maxBody := o.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	var data []byte
	truncated := false
	if resp.Body != nil {
		var err error
		data, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		if int64(len(data)) > maxBody {
			data, truncated = data[:maxBody], true
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainBytes))
		}
		if err != nil {
			truncated = true
		}
		_ = resp.Body.Close()
	}
	return o.decode(resp.StatusCode, resp.Header, data, truncated)
}

// decode builds the ResponseError of a body already read.
func (o DecodeOptions) decode(status int, header http.Header, data []byte, truncated bool) *ResponseError {
	e := &ResponseError{Status: status, Header: header.Clone(), Truncated: truncated}
	if e.Header == nil {
		e.Header = make(http.Header)
	}
	maxExcerpt := o.MaxExcerptBytes
	if maxExcerpt == 0 {
		maxExcerpt = DefaultMaxExcerptBytes
	}
	if maxExcerpt > 0 {
		e.Excerpt = excerpt(data, maxExcerpt)
	}

	var p *problem.Problem
	if !truncated && len(data) > 0 {
		mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
		switch {
		case mt == problem.MediaTypeXML, isXML(mt) && bytes.Contains(data, []byte(problem.XMLNamespace)):
			p = decodeXMLProblem(data)
		case mt == problem.MediaType, isJSON(mt), mt == "" || mt == "text/plain" || mt == "application/octet-stream":
			p = decodeJSONProblem(data, mt == problem.MediaType)
		}
	}
	if p == nil {
		p = &problem.Problem{}
	}
	if p.Status < 400 || p.Status > 599 {
		p.Status = status
	}
	if p.Type == "" {
		p.Type = problem.BlankType
	}
	if p.Title == "" {
		p.Title = problem.StatusTitle(p.Status)
	}
	e.Problem = p

	headers := o.RequestIDHeaders
	if headers == nil {
		headers = defaultRequestIDHeaders
	}
	for _, h := range headers {
		if id := requestID(header.Get(h)); id != "" {
			e.RequestID = id
			break
		}
	}
	if e.RequestID == "" {
		e.RequestID = requestID(p.RequestID)
	}
	return e
}

func isJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

func isXML(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// requestID keeps the printable ASCII of a header value, bounded.
func requestID(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > maxRequestIDBytes {
		v = v[:maxRequestIDBytes]
	}
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r
		}
		return -1
	}, v)
}

// excerpt returns the start of data as one line of valid UTF-8 of at most
// n bytes: invalid bytes become U+FFFD, control characters and runs of white
// space one space, and bidirectional formatting characters, which could
// disguise a log line, are dropped. A cut excerpt ends in "…".
func excerpt(data []byte, n int) string {
	const ellipsis = "…"
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	space, cut := false, false
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case isBidiControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		if b.Len() > n {
			cut = true
			break
		}
	}
	s := b.String()
	if !cut {
		return s
	}
	m := n - len(ellipsis)
	suffix := ellipsis
	if m < 0 {
		m, suffix = n, ""
	}
	for m > 0 && !utf8.RuneStart(s[m]) {
		m--
	}
	return strings.TrimRight(s[:m], " ") + suffix
}

func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// decodeJSONProblem reads an RFC 9457 document or a common error shape. It
// returns nil for a body that is not a JSON object.
func decodeJSONProblem(data []byte, isProblem bool) *problem.Problem {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil || raw == nil {
		return nil
	}
	p := &problem.Problem{}
	if isProblem || hasString(raw, "type") || hasString(raw, "title") || hasString(raw, "detail") {
		if p.UnmarshalJSON(data) != nil {
			p = &problem.Problem{}
		}
	}
	code, msg := shapeMessage(raw)
	if p.Detail == "" {
		p.Detail = msg
	}
	if p.Code == "" {
		p.Code = code
	}
	if p.Code == "" {
		p.Code = scalarString(raw["code"])
	}
	return p
}

func hasString(raw map[string]json.RawMessage, k string) bool {
	var s string
	return json.Unmarshal(raw[k], &s) == nil && s != ""
}

// scalarString returns a JSON string, or the text of a JSON number.
func scalarString(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String()
	}
	return ""
}

// maxJoinedMessages bounds how many entries of an "errors" array make the
// detail.
const maxJoinedMessages = 5

// shapeMessage reads the code and message of the common non-RFC error
// shapes.
func shapeMessage(raw map[string]json.RawMessage) (code, msg string) {
	msg = scalarString(raw["message"])
	if d := scalarString(raw["error_description"]); d != "" {
		return scalarString(raw["error"]), d
	}
	if v, ok := raw["error"]; ok {
		var s string
		var obj map[string]json.RawMessage
		switch {
		case json.Unmarshal(v, &s) == nil:
			if msg == "" {
				msg = s
			} else if !strings.ContainsAny(s, " \t") {
				code = s
			}
		case json.Unmarshal(v, &obj) == nil && obj != nil:
			c, m := objectMessage(obj)
			code = c
			if msg == "" {
				msg = m
			}
		}
	}
	if msg == "" {
		if v, ok := raw["errors"]; ok {
			msg = listMessage(v)
		}
	}
	return code, msg
}

// objectMessage reads {"message", "code", "type"}-like error objects.
func objectMessage(obj map[string]json.RawMessage) (code, msg string) {
	for _, k := range []string{"message", "detail", "title", "error_description", "error"} {
		if msg = scalarString(obj[k]); msg != "" {
			break
		}
	}
	code = scalarString(obj["code"])
	if code == "" {
		code = scalarString(obj["type"])
	}
	return code, msg
}

// listMessage joins the messages of an "errors" array of strings or
// objects.
func listMessage(v json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(v, &list) != nil {
		return ""
	}
	var msgs []string
	for _, item := range list {
		m := scalarString(item)
		if m == "" {
			var obj map[string]json.RawMessage
			if json.Unmarshal(item, &obj) == nil {
				_, m = objectMessage(obj)
			}
		}
		if m != "" {
			msgs = append(msgs, m)
		}
		if len(msgs) == maxJoinedMessages {
			break
		}
	}
	return strings.Join(msgs, "; ")
}

// maxXMLDepth bounds the nesting of a problem+xml document.
const maxXMLDepth = 32

var errXMLDepth = errors.New("problem: xml nested too deeply")

// decodeXMLProblem reads an RFC 9457 Appendix B document: a <problem>
// element in the urn:ietf:rfc:7807 namespace (or none) whose children are
// the members; repeated <i> children make arrays and other children objects.
// It returns nil for anything else.
func decodeXMLProblem(data []byte) *problem.Problem {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "problem" || se.Name.Space != problem.XMLNamespace && se.Name.Space != "" {
				return nil
			}
			break
		}
	}
	members, err := readXMLObject(d, 0)
	if err != nil {
		return nil
	}
	if s, ok := members["status"].(string); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			members["status"] = n
		}
	}
	// Reuse the JSON reader, so both forms follow the same rules.
	doc, err := json.Marshal(members)
	if err != nil {
		return nil
	}
	p := &problem.Problem{}
	if p.UnmarshalJSON(doc) != nil {
		return nil
	}
	return p
}

// readXMLObject reads the children of the element just started until its
// end, as a map by child name.
func readXMLObject(d *xml.Decoder, depth int) (map[string]any, error) {
	v, err := readXMLValue(d, depth)
	if err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	return map[string]any{}, nil
}

// readXMLValue reads the content of the element just started until its
// end: text, an array when every child is <i>, or an object.
func readXMLValue(d *xml.Decoder, depth int) (any, error) {
	if depth > maxXMLDepth {
		return nil, errXMLDepth
	}
	var text strings.Builder
	var obj map[string]any
	var arr []any
	onlyItems := true
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if text.Len() < DefaultMaxBodyBytes {
				text.Write(t)
			}
		case xml.StartElement:
			v, err := readXMLValue(d, depth+1)
			if err != nil {
				return nil, err
			}
			if obj == nil {
				obj = make(map[string]any)
			}
			obj[t.Name.Local] = v
			if t.Name.Local == "i" {
				arr = append(arr, v)
			} else {
				onlyItems = false
			}
		case xml.EndElement:
			switch {
			case obj == nil:
				return strings.TrimSpace(text.String()), nil
			case onlyItems:
				return arr, nil
			default:
				return obj, nil
			}
		}
	}
}

// ParseRetryAfter parses a Retry-After header value (RFC 9110 §10.2.3):
// delta-seconds or an HTTP-date, which is measured from now. A date in the
// past gives zero. It reports false for an empty or invalid value. Huge
// delta-seconds are capped at 2^31 seconds rather than overflowing.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return 0, false
			}
		}
		const maxSeconds = 1 << 31
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > maxSeconds { // only a range error is possible here
			n = maxSeconds
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

var _ error = (*ResponseError)(nil)
