package problemhttp_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// FuzzRequestID feeds arbitrary inbound request IDs to the pipeline. The ID
// it answers with is the inbound one exactly when that is safe, a fresh
// UUIDv7 otherwise; the header equals the body's requestId; nothing unsafe
// reaches a header.
func FuzzRequestID(f *testing.F) {
	for _, seed := range []string{
		"", "req-1", "0193b0c4-6f1e-7c2a-9d4e-2b1f0a9c8e77", "abc\r\nSet-Cookie: x=1",
		"a\nb", "<script>", "요청", strings.Repeat("a", 128), strings.Repeat("a", 129),
		"trace:1.2_3-4", "\x00", "a b", `"quoted"`, "%0d%0a",
	} {
		f.Add(seed)
	}
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problemhttp.WriteError(w, r, problem.RouteNotFound.New())
	}))
	f.Fuzz(func(t *testing.T, inbound string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header["X-Request-Id"] = []string{inbound} // unchecked, as a raw client could send
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		got := rec.Header().Get("X-Request-ID")
		if problemhttp.ValidRequestID(inbound) {
			if got != inbound {
				t.Fatalf("safe inbound %q replaced by %q", inbound, got)
			}
		} else if u, err := uuid.Parse(got); err != nil || u.Version() != 7 {
			t.Fatalf("unsafe inbound %q answered with %q, not a fresh UUIDv7", inbound, got)
		}
		if !problemhttp.ValidRequestID(got) {
			t.Fatalf("unsafe request ID %q in a header", got)
		}
		var p problem.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("body is not a problem: %v", err)
		}
		if p.RequestID != got || p.Status != rec.Code {
			t.Fatalf("requestId %q vs header %q; status %d vs %d", p.RequestID, got, p.Status, rec.Code)
		}
	})
}

// FuzzAccept feeds arbitrary Accept headers: the answer is always a
// well-formed problem, as JSON or as XML, whose status equals the HTTP
// status.
func FuzzAccept(f *testing.F) {
	for _, seed := range []string{
		"", "*/*", "application/problem+xml", "application/problem+json, application/problem+xml;q=0.9",
		"application/xml;q=0.8, */*;q=0.1", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
		"application/problem+xml;q=abc", "application/problem+xml;q=1.5", ";;;,,,", "xml", strings.Repeat("application/xml,", 200),
	} {
		f.Add(seed)
	}
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problemhttp.WriteError(w, r, validation.Failed.New().With("count", 1).WithFields(problem.FieldError{Pointer: "#/a<b>", Field: "a<b>", Rule: "required", Detail: "a & b"}))
	}))
	f.Fuzz(func(t *testing.T, accept string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header["Accept"] = []string{accept}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var p problem.Problem
		switch ct := rec.Header().Get("Content-Type"); ct {
		case problem.MediaType:
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatalf("JSON body does not decode: %v", err)
			}
		case problem.MediaTypeXML:
			var doc struct {
				XMLName xml.Name
				Status  int `xml:"status"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.XMLName.Space != problem.XMLNamespace {
				t.Fatalf("XML body does not decode as an RFC 9457 document: %v", err)
			}
			p.Status = doc.Status
		default:
			t.Fatalf("Content-Type %q", ct)
		}
		if p.Status != rec.Code || rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status member %d, HTTP %d", p.Status, rec.Code)
		}
	})
}

// FuzzFieldText: whatever member name or value a client sends, the field
// detail names the field verbatim, as text, in English and in Korean; the
// echoed value is the value; nothing grows past its bound. The names and
// values go where templates once read them: an unknown member's name, a
// map key, a rejected value.
func FuzzFieldText(f *testing.F) {
	for _, s := range []string{
		"email", "", `{{printf "%s-%d" "ssti" 49}}`, "{{range 100000000}}{{end}}", "{{.}}", `{{template "x"}}`,
		`{{define "x"}}y{{end}}`, "{{/* */}}", "{{", "}}{{", "이름", "\xff\xfe", "a\"b\\c\n", strings.Repeat("{{a}}", 200),
	} {
		f.Add(s, s)
	}
	h := hostileAPI(f, slog.New(slog.DiscardHandler), false)
	known := []string{"name", "nested", "items", "meta"}
	f.Fuzz(func(t *testing.T, name, value string) {
		name, value = roundTrip(name), roundTrip(value) // what the server reads
		value = "not an email " + value
		for _, lang := range []string{"en", "ko"} {
			// A map key, with a rejected value.
			p := fieldProblem(t, h, lang, `{"meta":{`+jsonString(name)+":"+jsonString(value)+"}}")
			field := clip("meta["+name+"]", 256)
			if p.Code != "VALIDATION_ERROR" || len(p.Errors) != 1 {
				t.Fatalf("map key %q: got %s with %d errors", name, p.Code, len(p.Errors))
			}
			fe := p.Errors[0]
			if fe.Field != field || !strings.Contains(fe.Detail, field) || fe.Value != clip(value, 4<<10) || len(fe.Detail) > 4<<10 {
				t.Fatalf("map key %q, value %q (%s): field %q, detail %q, value %q", name, value, lang, fe.Field, fe.Detail, fe.Value)
			}
			// An unknown member.
			if slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, name) }) {
				continue
			}
			p = fieldProblem(t, h, lang, "{"+jsonString(name)+":1}")
			field = clip(name, 256)
			if p.Code != "UNKNOWN_FIELD" || len(p.Errors) != 1 {
				t.Fatalf("member %q: got %s with %d errors", name, p.Code, len(p.Errors))
			}
			fe = p.Errors[0]
			if fe.Field != field || !strings.Contains(fe.Detail, field) || len(fe.Detail) > 4<<10 {
				t.Fatalf("member %q (%s): field %q, detail %q", name, lang, fe.Field, fe.Detail)
			}
		}
	})
}

// roundTrip is s as a JSON decoder reads it back: invalid UTF-8 replaced.
func roundTrip(s string) string {
	var out string
	_ = json.Unmarshal([]byte(jsonString(s)), &out)
	return out
}

// clip is the server's cut of a value to n bytes, for the expectations.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func fieldProblem(t *testing.T, h http.Handler, lang, body string) *problem.Problem {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/body", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() > 64<<10 {
		t.Fatalf("status %d, %d bytes: %.300s", rec.Code, rec.Body.Len(), rec.Body)
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("not a problem: %v", err)
	}
	return &p
}
