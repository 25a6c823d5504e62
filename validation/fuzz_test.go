package validation

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

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

// FuzzDecode feeds arbitrary bodies and content types to Decode: it must
// never panic, and must answer nil or a 4xx *problem.Error.
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
		{"application/json", `{"raw":"not base64!"}`},
		{"application/json", `{"when":"yesterday"}`},
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
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var v fuzzBody
		err := d.Decode(r, &v)
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
		}
	})
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
