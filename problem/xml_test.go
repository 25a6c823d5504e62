package problem_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// checkWellFormed reads every token of doc with encoding/xml.
func checkWellFormed(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	if err := checkWellFormed(doc); err != nil {
		t.Errorf("malformed XML: %v\n%s", err, doc)
	}
}

func TestMarshalXML(t *testing.T) {
	const root = `<problem xmlns="urn:ietf:rfc:7807">`
	tests := []struct {
		name    string
		problem *problem.Problem
		want    string
	}{
		{
			name:    "zero value",
			problem: &problem.Problem{},
			want:    root + `</problem>`,
		},
		{
			name:    "standard members as elements in order",
			problem: &problem.Problem{Instance: "/i", Detail: "d", Status: 403, Title: "t", Type: "https://e.com/t"},
			want:    root + `<type>https://e.com/t</type><title>t</title><status>403</status><detail>d</detail><instance>/i</instance></problem>`,
		},
		{
			name: "problemkit members, errors as i items",
			problem: &problem.Problem{
				Status: 422, Code: "VALIDATION_ERROR", RequestID: "r1",
				Timestamp: time.Date(2024, 5, 1, 14, 30, 0, 5, time.FixedZone("", 7200)),
				Errors: []problem.FieldError{
					{Pointer: "#/a", Field: "a", Rule: "required", Value: "never in XML"},
					{Field: "q", In: "query", Rule: "min", Param: "3", Detail: "too short", MessageKey: "k"},
				},
			},
			want: root + `<status>422</status><code>VALIDATION_ERROR</code><requestId>r1</requestId><timestamp>2024-05-01T12:30:00Z</timestamp>` +
				`<errors><i><pointer>#/a</pointer><field>a</field><rule>required</rule></i>` +
				`<i><field>q</field><in>query</in><rule>min</rule><param>3</param><detail>too short</detail><messageKey>k</messageKey></i></errors></problem>`,
		},
		{
			name: "arrays of extensions as i items",
			problem: &problem.Problem{Extensions: map[string]any{
				"accounts": []string{"/account/12345", "/account/67890"},
				"mixed":    []any{1, "two", true, nil, []int{3}},
				"empty":    []any{},
				"fixed":    [2]byte{1, 2},
			}},
			want: root + `<accounts><i>/account/12345</i><i>/account/67890</i></accounts><empty></empty>` +
				`<fixed><i>1</i><i>2</i></fixed><mixed><i>1</i><i>two</i><i>true</i><i></i><i><i>3</i></i></mixed></problem>`,
		},
		{
			name: "nested maps as nested elements, sorted",
			problem: &problem.Problem{Extensions: map[string]any{
				"outer": map[string]any{"z": 1, "a": map[string]string{"c": "d"}, "bad name": "skipped", "list": []any{map[string]any{"k": "v"}}},
			}},
			want: root + `<outer><a><c>d</c></a><list><i><k>v</k></i></list><z>1</z></outer></problem>`,
		},
		{
			name: "invalid XML names skipped",
			problem: &problem.Problem{Extensions: map[string]any{
				"1digit": 1, "with space": 1, "a:b": 1, "xmlns": 1, "XMLthing": 1, "": 1, "ünï": 1, "-dash": 1, "a<b": 1,
				"_ok": 1, "ok-1.2": 2, "Xm": 3,
			}},
			want: root + `<Xm>3</Xm><_ok>1</_ok><ok-1.2>2</ok-1.2></problem>`,
		},
		{
			name: "reserved extension names never written",
			problem: &problem.Problem{Title: "t", Extensions: map[string]any{
				"title": "evil", "status": 1, "errors": []any{"evil"}, "ok": "k",
			}},
			want: root + `<title>t</title><ok>k</ok></problem>`,
		},
		{
			name:    "text escaped, invalid characters replaced",
			problem: &problem.Problem{Title: `<b> & "q"`, Extensions: map[string]any{"ctl": "a\x00b\x1bc", "tag": "</problem>"}},
			want:    root + `<title>&lt;b&gt; &amp; &#34;q&#34;</title><ctl>a` + "\uFFFD" + `b` + "\uFFFD" + `c</ctl><tag>&lt;/problem&gt;</tag></problem>`,
		},
		{
			name: "scalars as JSON writes them",
			problem: &problem.Problem{Extensions: map[string]any{
				"big": 1e6, "frac": 1.5, "tiny": 1e-7, "f32": float32(0.1), "int": 42, "neg": -3, "bool": false, "nil": nil,
				"bytes": []byte("hi"), "raw": json.RawMessage(`{"x":[1,2.50]}`), "num": json.Number("12.0"),
				"ts": time.Date(2024, 5, 1, 14, 30, 0, 5, time.FixedZone("", 7200)), "ptr": ptr(7), "nilptr": (*int)(nil),
			}},
			want: root + `<big>1000000</big><bool>false</bool><bytes>aGk=</bytes><f32>0.1</f32><frac>1.5</frac><int>42</int><neg>-3</neg>` +
				`<nil></nil><nilptr></nilptr><num>12.0</num><ptr>7</ptr><raw><x><i>1</i><i>2.50</i></x></raw><tiny>1e-7</tiny>` +
				`<ts>2024-05-01T12:30:00.000000005Z</ts></problem>`,
		},
		{
			name:    "map with non-string keys as text",
			problem: &problem.Problem{Extensions: map[string]any{"m": map[int]string{1: "a"}}},
			want:    root + `<m>map[1:a]</m></problem>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xml.Marshal(tt.problem)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			wellFormed(t, got)
		})
	}
}

// xmlProblem reads a problem+xml document back with encoding/xml.
type xmlProblem struct {
	XMLName   xml.Name             `xml:"urn:ietf:rfc:7807 problem"`
	Type      string               `xml:"type"`
	Title     string               `xml:"title"`
	Status    int                  `xml:"status"`
	Detail    string               `xml:"detail"`
	Instance  string               `xml:"instance"`
	Code      string               `xml:"code"`
	RequestID string               `xml:"requestId"`
	Timestamp time.Time            `xml:"timestamp"`
	Errors    []problem.FieldError `xml:"errors>i"`
	Count     int                  `xml:"count"`
	Hint      string               `xml:"hint"`
}

func TestMarshalXMLParsesBack(t *testing.T) {
	p := validationProblem()
	b, err := xml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var got xmlProblem
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatalf("parse %s: %v", b, err)
	}
	want := xmlProblem{
		XMLName: xml.Name{Space: problem.XMLNamespace, Local: "problem"},
		Type:    p.Type, Title: p.Title, Status: p.Status, Detail: p.Detail, Instance: p.Instance,
		Code: p.Code, RequestID: p.RequestID, Timestamp: p.Timestamp,
		Errors: []problem.FieldError{
			{Pointer: "#/email", Field: "email", Rule: "email", Detail: "email must be a valid e-mail address", MessageKey: "validation.email"},
			{Pointer: "#/address/zip", Field: "address.zip", Rule: "min", Param: "5", Detail: "address.zip must be at least 5 characters"},
		},
		Count: 2, Hint: "see <https://api.example.com/docs> & fix",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestMarshalXMLNestedTooDeeply(t *testing.T) {
	var v any = "leaf"
	for range 40 {
		v = []any{v}
	}
	_, err := xml.Marshal(&problem.Problem{Extensions: map[string]any{"deep": v}})
	if err == nil || !strings.Contains(err.Error(), `extension "deep": nested too deeply`) {
		t.Errorf("error %v, want extension \"deep\": nested too deeply", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestXMLStructExtensionUsesJSONNames(t *testing.T) {
	type amount struct {
		Value    int               `json:"value"`
		Currency string            `json:"currency"`
		Meta     map[string]string `json:"meta,omitempty"`
		secret   string
	}
	p := &problem.Problem{Status: 422, Title: "Insufficient funds", Extensions: map[string]any{
		"balance": amount{Value: 5, Currency: "KRW", Meta: map[string]string{"bank": "x"}, secret: "s"},
	}}
	b, err := xml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `<balance><currency>KRW</currency><meta><bank>x</bank></meta><value>5</value></balance>`
	if !strings.Contains(string(b), want) {
		t.Errorf("XML = %s\nwant it to contain %s", b, want)
	}
}
