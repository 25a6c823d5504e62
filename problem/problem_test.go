package problem_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting the file under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

var ts = time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)

// Representative problems, written to golden JSON and XML bodies.
func validationProblem() *problem.Problem {
	return &problem.Problem{
		Type:      "https://api.example.com/problems/validation-error",
		Title:     "Request validation failed",
		Status:    422,
		Detail:    "2 fields are invalid.",
		Instance:  "/users",
		Code:      "VALIDATION_ERROR",
		RequestID: "req-7f3a",
		Timestamp: ts,
		Errors: []problem.FieldError{
			{Pointer: "#/email", Field: "email", Rule: "email", Detail: "email must be a valid e-mail address", MessageKey: "validation.email", Value: "a<b>@x"},
			{Pointer: "#/address/zip", Field: "address.zip", Rule: "min", Param: "5", Detail: "address.zip must be at least 5 characters"},
		},
		Extensions: map[string]any{
			"count": 2,
			"hint":  "see <https://api.example.com/docs> & fix",
		},
	}
}

func blankProblem() *problem.Problem {
	return &problem.Problem{Type: problem.BlankType, Title: "Not Found", Status: 404}
}

func oddNamesProblem() *problem.Problem {
	return &problem.Problem{
		Title:  "Odd members",
		Status: 400,
		Code:   "ODD",
		Extensions: map[string]any{
			"status":     999,      // reserved: never written
			"title":      "hacked", // reserved: never written
			"errors":     "hacked", // reserved: never written
			"":           "empty name",
			"a<b>&c":     true,
			"with space": 1.5,
			`quote"d`:    "q",
			"xmlLike":    "x",
			"1digit":     1,
			"ünïcödé":    "u",
			"_ok-name.1": []any{1, "two", nil, map[string]any{"k": "v"}},
			"nested": map[string]any{
				"b":        2,
				"a":        "first",
				"bad name": "skipped in XML",
				"list":     []string{"x", "y"},
			},
		},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name    string
		problem *problem.Problem
	}{
		{name: "validation", problem: validationProblem()},
		{name: "blank", problem: blankProblem()},
		{name: "odd-names", problem: oddNamesProblem()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := tt.problem.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var indented bytes.Buffer
			if err := json.Indent(&indented, raw, "", "  "); err != nil {
				t.Fatalf("MarshalJSON wrote invalid JSON %s: %v", raw, err)
			}
			indented.WriteByte('\n')
			golden(t, tt.name+".json", indented.Bytes())

			x, err := xml.MarshalIndent(tt.problem, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			x = append([]byte(xml.Header), append(x, '\n')...)
			golden(t, tt.name+".xml", x)
			wellFormed(t, x)
		})
	}
}

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		problem problem.Problem
		want    string
	}{
		{
			name:    "zero value",
			problem: problem.Problem{},
			want:    `{}`,
		},
		{
			name:    "standard members in RFC order",
			problem: problem.Problem{Instance: "/i", Detail: "d", Status: 400, Title: "t", Type: "https://e.com/t"},
			want:    `{"type":"https://e.com/t","title":"t","status":400,"detail":"d","instance":"/i"}`,
		},
		{
			name:    "status present without anything else",
			problem: problem.Problem{Status: 503},
			want:    `{"status":503}`,
		},
		{
			name:    "zero status omitted",
			problem: problem.Problem{Title: "t"},
			want:    `{"title":"t"}`,
		},
		{
			name: "problemkit members after standard, extensions sorted last",
			problem: problem.Problem{
				Extensions: map[string]any{"zeta": 1, "alpha": "a", "Beta": true},
				Errors:     []problem.FieldError{{Field: "f", Rule: "required"}},
				Timestamp:  ts,
				RequestID:  "r1",
				Code:       "C",
				Instance:   "/x",
				Status:     422,
			},
			want: `{"status":422,"instance":"/x","code":"C","requestId":"r1","timestamp":"2024-05-01T12:30:00Z","errors":[{"field":"f","rule":"required"}],"Beta":true,"alpha":"a","zeta":1}`,
		},
		{
			name:    "empty errors and extensions omitted",
			problem: problem.Problem{Status: 400, Errors: []problem.FieldError{}, Extensions: map[string]any{}},
			want:    `{"status":400}`,
		},
		{
			name: "reserved extension names never overwrite standard members",
			problem: problem.Problem{
				Type: "about:blank", Title: "Not Found", Status: 404, Detail: "d", Instance: "/i",
				Code: "NOT_FOUND", RequestID: "r", Timestamp: ts, Errors: []problem.FieldError{{Field: "f"}},
				Extensions: map[string]any{
					"type": "evil", "title": "evil", "status": 200, "detail": "evil", "instance": "evil",
					"code": "evil", "requestId": "evil", "timestamp": "evil", "errors": "evil", "ok": 1,
				},
			},
			want: `{"type":"about:blank","title":"Not Found","status":404,"detail":"d","instance":"/i","code":"NOT_FOUND","requestId":"r","timestamp":"2024-05-01T12:30:00Z","errors":[{"field":"f"}],"ok":1}`,
		},
		{
			name: "reserved extension names dropped even when the member is empty",
			problem: problem.Problem{Extensions: map[string]any{
				"type": "evil", "title": "evil", "status": 200, "detail": "evil", "instance": "evil",
				"code": "evil", "requestId": "evil", "timestamp": "evil", "errors": "evil",
			}},
			want: `{}`,
		},
		{
			name:    "names differing from reserved ones only by case are extensions",
			problem: problem.Problem{Extensions: map[string]any{"Status": 1, "requestID": "x"}},
			want:    `{"Status":1,"requestID":"x"}`,
		},
		{
			name: "HTML characters not escaped",
			problem: problem.Problem{
				Title: "<b>bold</b> & more", Detail: "a < b && c > d",
				Extensions: map[string]any{"a<b>&c": "<script>", "list": []any{"x&y"}},
			},
			want: `{"title":"<b>bold</b> & more","detail":"a < b && c > d","a<b>&c":"<script>","list":["x&y"]}`,
		},
		{
			name:    "timestamp in RFC 3339 UTC, seconds precision",
			problem: problem.Problem{Timestamp: time.Date(2024, 5, 1, 14, 30, 0, 999_999_999, time.FixedZone("CEST", 2*3600))},
			want:    `{"timestamp":"2024-05-01T12:30:00Z"}`,
		},
		{
			name:    "extension member names quoted",
			problem: problem.Problem{Extensions: map[string]any{`we"ird\name`: 1, "": 2, "line\nbreak": 3}},
			want:    `{"":2,"line\nbreak":3,"we\"ird\\name":1}`,
		},
		{
			name: "extension values of any JSON shape",
			problem: problem.Problem{Extensions: map[string]any{
				"arr": []int{1, 2}, "obj": map[string]any{"b": 1, "a": nil}, "null": nil, "f": 1.5,
				"ts": ts, "raw": json.RawMessage(`{"x":1}`),
			}},
			want: `{"arr":[1,2],"f":1.5,"null":null,"obj":{"a":null,"b":1},"raw":{"x":1},"ts":"2024-05-01T12:30:00Z"}`,
		},
		{
			name: "field error members",
			problem: problem.Problem{Errors: []problem.FieldError{{
				Pointer: "#/a/0", Field: "a[0]", In: "query", Rule: "min", Param: "3", Detail: "too short",
				MessageKey: "validation.min", Value: "ab", Message: problem.Text("never serialized"),
			}}},
			want: `{"errors":[{"pointer":"#/a/0","field":"a[0]","in":"query","rule":"min","param":"3","detail":"too short","messageKey":"validation.min","value":"ab"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.problem.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestMarshalValueAndPointer: a Problem is the same RFC 9457 document
// whether it is marshalled as a value, a pointer, or a field or element of
// either, and reads back equal (json.Marshal's default struct encoding
// would print "Type", a zero "Timestamp" and "Errors":null).
func TestMarshalValueAndPointer(t *testing.T) {
	p := problem.Problem{
		Type: "about:blank", Title: "Not Found", Status: 404, Instance: "/users/7",
		Code: "NOT_FOUND", RequestID: "req-1", Timestamp: time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC),
		Errors:     []problem.FieldError{{Pointer: "#/id", Field: "id", Rule: "min", Param: "1", Detail: "too small"}},
		Extensions: map[string]any{"userId": "7"},
	}
	const doc = `{"type":"about:blank","title":"Not Found","status":404,"instance":"/users/7","code":"NOT_FOUND",` +
		`"requestId":"req-1","timestamp":"2026-11-22T01:02:03Z","errors":[{"pointer":"#/id","field":"id","rule":"min",` +
		`"param":"1","detail":"too small"}],"userId":"7"}`
	tests := []struct {
		name string
		v    any
		want string
	}{
		{name: "value", v: p, want: doc},
		{name: "pointer", v: &p, want: doc},
		{name: "field of a value", v: struct{ P problem.Problem }{p}, want: `{"P":` + doc + `}`},
		{name: "field of a pointer", v: &struct{ P problem.Problem }{p}, want: `{"P":` + doc + `}`},
		{name: "pointer field", v: struct{ P *problem.Problem }{&p}, want: `{"P":` + doc + `}`},
		{name: "slice element", v: []problem.Problem{p}, want: `[` + doc + `]`},
		{name: "map value", v: map[string]problem.Problem{"p": p}, want: `{"p":` + doc + `}`},
		{name: "empty value", v: problem.Problem{}, want: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	var back problem.Problem
	if err := json.Unmarshal([]byte(doc), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip:\ngot  %#v\nwant %#v", back, p)
	}
	vx, err := xml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	px, err := xml.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	if string(vx) != string(px) || !strings.Contains(string(vx), "<status>404</status>") {
		t.Errorf("XML of the value %s, of the pointer %s", vx, px)
	}
}

// json.Marshal re-escapes HTML characters in a Marshaler's output; an
// Encoder with SetEscapeHTML(false) keeps what MarshalJSON wrote.
func TestMarshalJSONThroughEncoder(t *testing.T) {
	p := &problem.Problem{Title: "a < b & c", Extensions: map[string]any{"<k>": ">"}}
	tests := []struct {
		name       string
		escapeHTML bool
		want       string
	}{
		{name: "escaping encoder", escapeHTML: true, want: `{"title":"a \u003c b \u0026 c","\u003ck\u003e":"\u003e"}` + "\n"},
		{name: "non-escaping encoder", escapeHTML: false, want: `{"title":"a < b & c","<k>":">"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(tt.escapeHTML)
			if err := enc.Encode(p); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
		})
	}
}

func TestMarshalJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		problem problem.Problem
		want    string
	}{
		{
			name:    "NaN extension",
			problem: problem.Problem{Extensions: map[string]any{"x": math.NaN()}},
			want:    `extension "x": json: unsupported value: NaN`,
		},
		{
			name:    "channel extension",
			problem: problem.Problem{Extensions: map[string]any{"ch": make(chan int)}},
			want:    `extension "ch": json: unsupported type: chan int`,
		},
		{
			name:    "unsupported field error value",
			problem: problem.Problem{Errors: []problem.FieldError{{Value: func() {}}}},
			want:    `errors[0]: value: json: unsupported type: func()`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.problem.MarshalJSON()
			if err == nil {
				t.Fatalf("MarshalJSON = %s, want error", got)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}

// RFC 9457 §3 and §3.1 examples.
const (
	rfcOutOfCredit = `{
 "type": "https://example.com/probs/out-of-credit",
 "title": "You do not have enough credit.",
 "detail": "Your current balance is 30, but that costs 50.",
 "instance": "/account/12345/msgs/abc",
 "balance": 30,
 "accounts": ["/account/12345",
              "/account/67890"]
}`
	rfcValidation = `{
 "type": "https://example.net/validation-error",
 "title": "Your request is not valid.",
 "errors": [
             {
               "detail": "must be a positive integer",
               "pointer": "#/age"
             },
             {
               "detail": "must be 'green', 'red' or 'blue'",
               "pointer": "#/profile/color"
             }
          ]
}`
	rfcOutOfCreditFull = `{
 "type": "https://example.com/probs/out-of-credit",
 "title": "You do not have enough credit.",
 "status": 403,
 "detail": "Your current balance is 30, but that costs 50.",
 "instance": "/account/12345/msgs/abc",
 "balance": 30,
 "accounts": ["/account/12345", "/account/67890"]
}`
	rfcInvalidParams = `{
 "type": "https://example.net/validation-error",
 "title": "Your request parameters didn't validate.",
 "invalid-params": [ {
                       "name": "age",
                       "reason": "must be a positive integer"
                     },
                     {
                       "name": "color",
                       "reason": "must be 'green', 'red' or 'blue'"}
                   ]
}`
)

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want problem.Problem
	}{
		{
			name: "RFC 9457 out of credit",
			in:   rfcOutOfCredit,
			want: problem.Problem{
				Type:     "https://example.com/probs/out-of-credit",
				Title:    "You do not have enough credit.",
				Detail:   "Your current balance is 30, but that costs 50.",
				Instance: "/account/12345/msgs/abc",
				Extensions: map[string]any{
					"balance":  float64(30),
					"accounts": []any{"/account/12345", "/account/67890"},
				},
			},
		},
		{
			name: "RFC 9457 validation errors",
			in:   rfcValidation,
			want: problem.Problem{
				Type:  "https://example.net/validation-error",
				Title: "Your request is not valid.",
				Errors: []problem.FieldError{
					{Detail: "must be a positive integer", Pointer: "#/age"},
					{Detail: "must be 'green', 'red' or 'blue'", Pointer: "#/profile/color"},
				},
			},
		},
		{
			name: "RFC 7807 invalid-params kept as an extension",
			in:   rfcInvalidParams,
			want: problem.Problem{
				Type:  "https://example.net/validation-error",
				Title: "Your request parameters didn't validate.",
				Extensions: map[string]any{"invalid-params": []any{
					map[string]any{"name": "age", "reason": "must be a positive integer"},
					map[string]any{"name": "color", "reason": "must be 'green', 'red' or 'blue'"},
				}},
			},
		},
		{
			name: "problemkit members",
			in:   `{"status":422,"code":"VALIDATION_ERROR","requestId":"r1","timestamp":"2024-05-01T12:30:00Z","errors":[{"field":"f","in":"query","rule":"min","param":"3","messageKey":"k","value":2}]}`,
			want: problem.Problem{
				Status: 422, Code: "VALIDATION_ERROR", RequestID: "r1", Timestamp: ts,
				Errors: []problem.FieldError{{Field: "f", In: "query", Rule: "min", Param: "3", MessageKey: "k", Value: float64(2)}},
			},
		},
		{
			name: "timestamp with offset and fraction read as UTC",
			in:   `{"timestamp":"2024-05-01T14:30:00.25+02:00"}`,
			want: problem.Problem{Timestamp: ts.Add(250 * time.Millisecond)},
		},
		{
			name: "timestamp whose UTC year has five digits kept as extension",
			in:   `{"timestamp":"9999-12-31T23:30:00-01:00"}`,
			want: problem.Problem{Extensions: map[string]any{"timestamp": "9999-12-31T23:30:00-01:00"}},
		},
		{
			name: "timestamp whose UTC year is negative kept as extension",
			in:   `{"timestamp":"0000-01-01T00:30:00+01:00"}`,
			want: problem.Problem{Extensions: map[string]any{"timestamp": "0000-01-01T00:30:00+01:00"}},
		},
		{
			name: "integral float status",
			in:   `{"status":404.0}`,
			want: problem.Problem{Status: 404},
		},
		{
			name: "members of the wrong type kept as extensions",
			in:   `{"type":1,"title":5,"status":"404","detail":true,"instance":[],"code":{},"requestId":7,"timestamp":"yesterday","errors":"none"}`,
			want: problem.Problem{Extensions: map[string]any{
				"type": float64(1), "title": float64(5), "status": "404", "detail": true, "instance": []any{},
				"code": map[string]any{}, "requestId": float64(7), "timestamp": "yesterday", "errors": "none",
			}},
		},
		{
			name: "status out of range or fractional kept as extension",
			in:   `{"status":404.5}`,
			want: problem.Problem{Extensions: map[string]any{"status": 404.5}},
		},
		{
			name: "negative status kept as extension",
			in:   `{"status":-1}`,
			want: problem.Problem{Extensions: map[string]any{"status": float64(-1)}},
		},
		{
			name: "four-digit status kept as extension",
			in:   `{"status":1000}`,
			want: problem.Problem{Extensions: map[string]any{"status": float64(1000)}},
		},
		{
			name: "null members are empty",
			in:   `{"type":null,"title":null,"status":null,"errors":null,"other":null}`,
			want: problem.Problem{Extensions: map[string]any{"other": nil}},
		},
		{
			name: "duplicate member: last wins",
			in:   `{"title":"a","title":"b"}`,
			want: problem.Problem{Title: "b"},
		},
		{
			name: "empty object",
			in:   `{}`,
			want: problem.Problem{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from a non-empty problem: Unmarshal replaces everything.
			got := problem.Problem{Title: "stale", Extensions: map[string]any{"stale": true}}
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "null", in: `null`},
		{name: "array", in: `[{"title":"x"}]`},
		{name: "string", in: `"problem"`},
		{name: "number", in: `404`},
		{name: "truncated", in: `{"title":"x"`},
		{name: "empty", in: ``},
		{name: "trailing data", in: `{} {}`},
		{name: "number overflowing float64", in: `{"big":1e400}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := problem.Problem{Title: "kept"}
			if err := p.UnmarshalJSON([]byte(tt.in)); err == nil {
				t.Errorf("UnmarshalJSON(%s) = nil error, got %#v", tt.in, p)
			}
		})
	}
}

func TestUnmarshalJSONNull(t *testing.T) {
	p := problem.Problem{Title: "kept"}
	err := p.UnmarshalJSON([]byte(`null`))
	if err == nil || err.Error() != "problem: document is not a JSON object" {
		t.Errorf("error %v, want %q", err, "problem: document is not a JSON object")
	}
	if p.Title != "kept" {
		t.Errorf("failed UnmarshalJSON changed the problem: %#v", p)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	nested := func() *problem.Problem {
		return &problem.Problem{Status: 409, Extensions: map[string]any{
			"obj": map[string]any{"list": []any{"a", true, nil, 1.5}}, "s": "x",
		}}
	}
	tests := []struct {
		name string
		in   *problem.Problem
		want *problem.Problem
	}{
		{name: "blank", in: blankProblem(), want: blankProblem()},
		{
			name: "validation, numbers become float64",
			in:   validationProblem(),
			want: func() *problem.Problem {
				p := validationProblem()
				p.Extensions["count"] = float64(2)
				return p
			}(),
		},
		{name: "nested extensions", in: nested(), want: nested()},
		{
			name: "reserved extensions are lost",
			in:   &problem.Problem{Title: "t", Extensions: map[string]any{"status": 1, "kept": "k"}},
			want: &problem.Problem{Title: "t", Extensions: map[string]any{"kept": "k"}},
		},
		{
			name: "timestamp loses its zone and sub-second part",
			in:   &problem.Problem{Timestamp: time.Date(2024, 5, 1, 14, 30, 0, 5, time.FixedZone("", 7200))},
			want: &problem.Problem{Timestamp: ts},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.in.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var got problem.Problem
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, tt.want) {
				t.Errorf("after round trip of %s\ngot  %#v\nwant %#v", b, &got, tt.want)
			}
		})
	}
}

// TestReservedMembers: the standard and problemkit members cannot be set
// as extension members.
func TestReservedMembers(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"type", true}, {"title", true}, {"status", true}, {"detail", true}, {"instance", true},
		{"code", true}, {"requestId", true}, {"timestamp", true}, {"errors", true},
		{"Status", false}, {"requestID", false}, {"balance", false}, {"", false}, {"error", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, set := problem.InternalError.New().With(tt.name, 1).Extensions()[tt.name]
			if set == tt.want {
				t.Errorf("With(%q) set = %v, want %v", tt.name, set, !tt.want)
			}
		})
	}
}

func TestStatusTitle(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{404, "Not Found"}, {422, "Unprocessable Entity"}, {500, "Internal Server Error"},
		{418, "I'm a teapot"}, {499, "Client Closed Request"}, {0, "Error"}, {999, "Error"}, {-1, "Error"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := problem.StatusTitle(tt.code); got != tt.want {
				t.Errorf("StatusTitle(%d) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

// FuzzProblemJSON checks that any document UnmarshalJSON accepts marshals
// to valid JSON, that marshalling is stable (marshal → unmarshal → marshal
// gives the same bytes), and that the XML form is well-formed.
func FuzzProblemJSON(f *testing.F) {
	seeds := []string{
		rfcOutOfCredit,
		rfcOutOfCreditFull,
		rfcValidation,
		rfcInvalidParams,
		`{"type":"about:blank","title":"Not Found","status":404}`,
		`{"type":"https://api.example.com/problems/validation-error","title":"Request validation failed","status":422,"detail":"2 fields are invalid.","instance":"/users","code":"VALIDATION_ERROR","requestId":"req-7f3a","timestamp":"2024-05-01T12:30:00Z","errors":[{"pointer":"#/email","field":"email","rule":"email","detail":"bad","value":"a<b>"}],"count":2}`,
		`{"status":"404","title":5,"timestamp":"2024-05-01T14:30:00.123456789+02:00","errors":[null,{"value":false}]}`,
		`{"status":1e2,"a<b>&c":"<script>","":{"":[]},"\u2028":"\ud800"}`,
		`{"timestamp":"0000-01-01T00:30:00+01:00"}`,
		`{"timestamp":"9999-12-31T23:30:00-01:00"}`,
		`{"big":12345678901234567890,"small":1e-7,"neg":-0}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p1 problem.Problem
		if err := p1.UnmarshalJSON(data); err != nil {
			return
		}
		m1, err := p1.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a decoded problem: %v\ninput: %q", err, data)
		}
		if !json.Valid(m1) {
			t.Fatalf("MarshalJSON wrote invalid JSON %q", m1)
		}
		var p2 problem.Problem
		if err := p2.UnmarshalJSON(m1); err != nil {
			t.Fatalf("UnmarshalJSON of own output %q: %v", m1, err)
		}
		m2, err := p2.MarshalJSON()
		if err != nil {
			t.Fatalf("second MarshalJSON: %v", err)
		}
		if !bytes.Equal(m1, m2) {
			t.Fatalf("marshalling is not stable\ninput: %q\nfirst:  %s\nsecond: %s", data, m1, m2)
		}
		// AppendJSON writes the same bytes after what the buffer holds.
		a, err := p1.AppendJSON([]byte("prefix:"))
		if err != nil || string(a) != "prefix:"+string(m1) {
			t.Fatalf("AppendJSON = %q, %v; want prefix:%s", a, err, m1)
		}
		x, err := xml.Marshal(&p1)
		if err != nil {
			return // only nesting deeper than the XML limit fails
		}
		if err := checkWellFormed(x); err != nil {
			t.Fatalf("MarshalXML wrote malformed XML %q: %v", x, err)
		}
	})
}

// TestAppendJSONReusesTheBuffer: a buffer with room enough is written in
// place, so a caller that keeps its buffers encodes without allocating one.
func TestAppendJSONReusesTheBuffer(t *testing.T) {
	p := &problem.Problem{
		Type: "https://api.example.com/problems/user-not-found", Title: "User not found", Status: 404,
		Detail: "No user has the ID 42.", Instance: "/users/42", Code: "USER_NOT_FOUND", RequestID: "req-1",
		Timestamp:  time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC),
		Extensions: map[string]any{"userId": 42},
	}
	want, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 4096)
	var got []byte
	allocs := testing.AllocsPerRun(100, func() {
		got, err = p.AppendJSON(buf[:0])
	})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("AppendJSON = %s, %v; want %s", got, err, want)
	}
	if &got[0] != &buf[:1][0] {
		t.Error("AppendJSON did not write into the buffer it was given")
	}
	if allocs != 0 {
		t.Errorf("AppendJSON allocates %v times per call; want none", allocs)
	}
}
