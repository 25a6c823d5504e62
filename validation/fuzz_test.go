package validation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

type fuzzItem struct {
	SKU string            `json:"sku" validate:"required,alphanum"`
	Qty int8              `json:"qty" validate:"min=1"`
	Opt map[string]string `json:"opt" validate:"dive,keys,min=1,endkeys,max=4"`
}

type fuzzBody struct {
	Name   string            `json:"name" validate:"required,min=2,max=20"`
	Email  string            `json:"email" validate:"omitempty,email"`
	Age    *uint8            `json:"age" validate:"omitnil,gte=18"`
	Score  float32           `json:"score" validate:"ltefield=Max"`
	Max    float32           `json:"max"`
	When   time.Time         `json:"when"`
	Items  []fuzzItem        `json:"items" validate:"max=5,dive"`
	Matrix [][]int           `json:"matrix" validate:"dive,dive,gt=0"`
	Meta   map[string]any    `json:"meta"`
	Raw    []byte            `json:"raw"`
	Kind   string            `json:"kind" validate:"oneof=a b"`
	Extra  string            `json:"extra" validate:"required_if=Kind b"`
	Fixed  [2]string         `json:"fixed" validate:"dive,uuid"`
	Deep   map[int]*fuzzItem `json:"deep" validate:"dive"`
}

// FuzzDecode feeds arbitrary bodies and content types to Decode. Whatever
// the client sends: the answer is nil or a 4xx *problem.Error; every field
// detail is complete; the client's member names and map keys come back as
// text (a literal label, cut to size, printed verbatim in the message and
// never run as a template); a type error or unknown member points at a
// place the body has; and the same body gets the same answer.
func FuzzDecode(f *testing.F) {
	seeds := []struct{ ct, body string }{
		{"application/json", `{"name":"ann","email":"a@b.co","age":20,"score":1,"max":2,"when":"2020-01-01T00:00:00Z","items":[{"sku":"a1","qty":1,"opt":{"k":"v"}}],"kind":"a","fixed":["6ba7b810-9dad-11d1-80b4-00c04fd430c8","6ba7b811-9dad-11d1-80b4-00c04fd430c8"]}`},
		{"application/json", `{"name":"a","items":[{"sku":"","qty":0},{"sku":"x!","qty":300}],"kind":"c","deep":{"1":{"sku":"","qty":-1}}}`},
		{"application/json", `{"name":`},
		{"application/json", `{"name":"ann"`},
		{"application/json", `{"name":1,"age":-1}`},
		{"application/json", `{"age":1e999,"score":1e39}`},
		{"application/json", `{"age":99999999999999999999999999}`},
		{"application/json", `{"matrix":[[1,[2]],[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]}`},
		{"application/json", strings.Repeat("[", 5000) + strings.Repeat("]", 5000)},
		{"application/json", `{"meta":` + strings.Repeat(`{"a":`, 500) + `1` + strings.Repeat(`}`, 500) + `}`},
		{"application/json", "\ufeff{\"name\":\"bom\"}"},
		{"application/json", "\ufeff\ufeff{}"},
		{"application/json", "{\"name\":\"\xff\xfe\"}"},
		{"application/json", "{\"\xff\":1}"},
		{"application/json", `{"name":"a"} {"name":"b"}`},
		{"application/json", `{"unknown":{"x":1},"items":[{"nope":1}]}`},
		{"application/json", `{"items":[{"sku":"a"},{"sku":"b","{{.rule}}":1}]}`},
		{"application/json", `{"deep":{"7":{"sku":"a","q\u0074y":1,"~/%":2}}}`},
		{"application/json", `{"opt":{"{{template \"x\"}}":"v"},"items":[{"sku":"a","qty":1,"opt":{"":"toolong"}}]}`},
		{"application/json", `{"raw":"not base64!"}`},
		{"application/json", `{"when":"yesterday"}`},
		{"application/json", `{"when":7}`},
		{"application/json", `{"deep":{"x":{}}}`},
		{"application/json", `{"fixed":["a","b","c"]}`},
		{"application/json", `{"Items":[{"SKU":"a","QTY":"1"}]}`},
		{"application/json", ""},
		{"application/json", "  \n"},
		{"application/json", "null"},
		{"application/json", `"string"`},
		{"application/merge-patch+json; charset=utf-8", `{"name":"patch"}`},
		{"text/plain", `{}`},
		{"", `{}`},
		{"application/json; charset=\"", `{}`},
		{"application/json", `{"name":"\ud800"}`},
		{"application/json", `{"a":1,}`},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	d := New(Options{MaxBytes: 64 << 10, EchoValues: true})
	decode := func(ct string, body []byte) error {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var v fuzzBody
		return d.Decode(r, &v)
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		err := decode(ct, body)
		if err == nil {
			return
		}
		var pe *problem.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %v (%T) is not a *problem.Error", err, err)
		}
		if pe.Code().Status < 400 || pe.Code().Status > 499 {
			t.Fatalf("status %d for client input: %v", pe.Code().Status, err)
		}
		for _, fe := range pe.Fields() {
			if fe.Message.String() == "" || fe.Message.ID == "" || fe.Rule == "" || !strings.HasPrefix(fe.Pointer, "#") {
				t.Fatalf("incomplete field detail %+v", fe)
			}
			if _, err := url.Parse(fe.Pointer); err != nil {
				t.Fatalf("pointer %q is not a valid URI reference: %v", fe.Pointer, err)
			}
			label, _ := fe.Message.Data["field"].(problem.Message)
			text, literal := label.Literal()
			switch {
			case !literal && label.ID != MessagePrefix+"body":
				t.Fatalf("label %+v of %q is not a literal: client text could be run as a template", label, fe.Field)
			case len(text) > clip.Field:
				t.Fatalf("label %q is longer than %d bytes", text, clip.Field)
			case !strings.Contains(fe.Message.String(), text):
				t.Fatalf("message %q does not print the label %q as it is", fe.Message.String(), text)
			}
			if code := pe.Code(); code == InvalidFieldType || code == UnknownField {
				if !inBody(body, fe.Pointer) {
					t.Fatalf("%s pointer %q names no place in the body %q", code.Code, fe.Pointer, body)
				}
			}
		}
		var again *problem.Error
		errors.As(decode(ct, body), &again)
		if again == nil || again.Code() != pe.Code() || !reflect.DeepEqual(again.Fields(), pe.Fields()) {
			t.Fatalf("a second decode answered differently:\n%v %+v\n%v %+v", pe, pe.Fields(), again, again.Fields())
		}
	})
}

// inBody reports whether the JSON pointer, in URI fragment form, names a
// value of body (after a byte order mark).
func inBody(body []byte, pointer string) bool {
	segs, ok := unpointer(pointer)
	if !ok {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, bom)))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	for _, s := range segs {
		switch c := v.(type) {
		case map[string]any:
			if v, ok = c[s]; !ok {
				return false
			}
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			v = c[i]
		default:
			return false
		}
	}
	return true
}

// unpointer reads a JSON Pointer in URI fragment form back into segments
// (RFC 6901 §§4, 6).
func unpointer(fragment string) ([]string, bool) {
	if !strings.HasPrefix(fragment, "#") {
		return nil, false
	}
	s, err := url.PathUnescape(fragment[1:])
	if err != nil {
		return nil, false
	}
	if s == "" {
		return []string{}, true
	}
	if s[0] != '/' {
		return nil, false
	}
	parts := strings.Split(s[1:], "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, true
}

// FuzzPointer checks that pointers built from any member names read back
// as the same names, and use only characters allowed in a URI fragment.
func FuzzPointer(f *testing.F) {
	for _, s := range []string{"a", "~", "/", "~1", "%", "%25", " ", "é", "#", "a/b~c", "", "?", "[0]", "\x00", "\xff", "한국어", "~01"} {
		f.Add(s, "x", 3)
	}
	f.Fuzz(func(t *testing.T, a, b string, n int) {
		p := path{{name: a}, {name: b, kind: segKey}, {name: a + b}}
		if n >= 0 {
			p = append(p, seg{name: "idx", kind: segIndex})
		}
		ptr := p.pointer()
		for i := 1; i < len(ptr); i++ {
			if c := ptr[i]; !fragmentSafe(c) && c != '%' {
				t.Fatalf("pointer %q holds %q, not allowed in a fragment", ptr, c)
			}
		}
		got, ok := unpointer(ptr)
		want := make([]string, len(p))
		for i, s := range p {
			want[i] = s.name
		}
		if !ok || strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("pointer %q reads back as %q, want %q", ptr, got, want)
		}
	})
}

type nsBody struct {
	Meta   map[string]fuzzItem `json:"meta" validate:"dive"`
	Labels map[string]string   `json:"labels" validate:"dive,max=1"`
}

// FuzzNamespace checks that map keys, which are the client's text, come
// back whole through validator's namespaces: whatever bytes a key holds
// ("]", ".", "[", "~", "/"), the pointer of an error in its entry reads back
// as that key, and the field writes it between brackets.
func FuzzNamespace(f *testing.F) {
	for _, k := range []string{"a", "", "]", "].sku", "a].qty", "[0]", "x.y", "~1/", "k]x.y", "\x00", "\xff", "{{.field}}", "한"} {
		f.Add(k, "b")
	}
	d := New(Options{})
	f.Fuzz(func(t *testing.T, a, b string) {
		if a == b {
			return
		}
		v := nsBody{
			Meta:   map[string]fuzzItem{a: {Qty: 1}, b: {Qty: 1}},
			Labels: map[string]string{a: "xx", b: "yy"},
		}
		pe, _ := d.Validate(context.Background(), &v).(*problem.Error)
		if pe == nil {
			t.Fatal("no problem")
		}
		var got, want []string
		for _, k := range []string{a, b} {
			want = append(want, "meta\x00"+k+"\x00sku", "labels\x00"+k)
		}
		for _, fe := range pe.Fields() {
			segs, ok := unpointer(fe.Pointer)
			if !ok {
				t.Fatalf("pointer %q does not read back", fe.Pointer)
			}
			got = append(got, strings.Join(segs, "\x00"))
			field := segs[0] + "[" + segs[1] + "]"
			for _, s := range segs[2:] {
				field += "." + s
			}
			if fe.Field != field {
				t.Errorf("field %q for pointer %q", fe.Field, fe.Pointer)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("pointers read back as %q, want %q", got, want)
		}
	})
}
