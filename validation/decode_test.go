package validation_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

type signup struct {
	Name  string    `json:"name" validate:"required"`
	Age   int       `json:"age"`
	Tags  []string  `json:"tags"`
	When  time.Time `json:"when"`
	Inner struct {
		Flag bool `json:"flag"`
	} `json:"inner"`
}

// TestDecodeBody checks every failure of the body itself: code, status,
// extension members, headers and field details.
func TestDecodeBody(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		opts        validation.Options
		wantCode    *problem.Code
		wantExt     map[string]any
		wantHeader  http.Header
		wantFields  []field
	}{
		{"valid", "POST", "application/json", `{"name":"a"}`, validation.Options{}, nil, nil, nil, nil},
		{"valid +json with charset", "POST", "application/vnd.api+json; charset=UTF-8", `{"name":"a"}`, validation.Options{}, nil, nil, nil, nil},
		{"valid with BOM and white space", "POST", "application/json", "\ufeff \n{\"name\":\"a\"}\n\t ", validation.Options{}, nil, nil, nil, nil},
		{"empty", "POST", "application/json", ``, validation.Options{}, validation.EmptyBody, nil, nil, nil},
		{"white space only", "POST", "application/json", " \r\n\t", validation.Options{}, validation.EmptyBody, nil, nil, nil},
		{"no content type", "POST", "", `{}`, validation.Options{}, problem.UnsupportedMediaType,
			map[string]any{"accepted": []string{"application/json", "application/*+json"}},
			http.Header{"Accept-Post": {"application/json, application/*+json"}}, nil},
		{"form on PATCH", "PATCH", "application/x-www-form-urlencoded", `a=b`, validation.Options{}, problem.UnsupportedMediaType,
			map[string]any{"accepted": []string{"application/json", "application/*+json"}},
			http.Header{"Accept-Patch": {"application/json, application/*+json"}}, nil},
		{"text/json on PUT", "PUT", "text/json", `{}`, validation.Options{}, problem.UnsupportedMediaType,
			map[string]any{"accepted": []string{"application/json", "application/*+json"}}, nil, nil},
		{"latin-1 charset", "POST", "application/json; charset=iso-8859-1", `{}`, validation.Options{}, problem.UnsupportedMediaType,
			map[string]any{"accepted": []string{"application/json", "application/*+json"}},
			http.Header{"Accept-Post": {"application/json, application/*+json"}}, nil},
		{"unparsable content type", "POST", "application/json; =", `{}`, validation.Options{}, problem.UnsupportedMediaType,
			map[string]any{"accepted": []string{"application/json", "application/*+json"}},
			http.Header{"Accept-Post": {"application/json, application/*+json"}}, nil},
		{"too large", "POST", "application/json", `{"name":"` + strings.Repeat("x", 64) + `"}`, validation.Options{MaxBytes: 32},
			problem.PayloadTooLarge, map[string]any{"limit": int64(32)}, nil, nil},
		{"syntax error", "POST", "application/json", "{\n  \"name\": \"a\",\n  \"age\" 3\n}", validation.Options{},
			validation.MalformedJSON, map[string]any{"line": 3, "column": 9, "offset": 25}, nil, nil},
		{"syntax error after BOM", "POST", "application/json", "\ufeff{,}", validation.Options{},
			validation.MalformedJSON, map[string]any{"line": 1, "column": 5, "offset": 4}, nil, nil},
		{"truncated", "POST", "application/json", `{"name":"a`, validation.Options{},
			validation.MalformedJSON, map[string]any{"line": 1, "column": 11, "offset": 10}, nil, nil},
		{"trailing garbage", "POST", "application/json", `{"name":"a"}  x`, validation.Options{},
			validation.TrailingData, map[string]any{"offset": 14}, nil, nil},
		{"two documents", "POST", "application/json", `{"name":"a"}` + "\n" + `{"name":"b"}`, validation.Options{},
			validation.TrailingData, map[string]any{"offset": 13}, nil, nil},
		{"string for int", "POST", "application/json", `{"name":"a","age":"ten"}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/age", "age", "", "type", "integer", "age must be an integer"}}},
		{"fraction for int", "POST", "application/json", `{"age":1.5}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/age", "age", "", "type", "integer", "age must be an integer"}}},
		{"huge int", "POST", "application/json", `{"age":123456789012345678901234567890}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/age", "age", "", "type", "integer", "age is out of range"}}},
		{"object for string", "POST", "application/json", `{"name":{"a":[1]}}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/name", "name", "", "type", "string", "name must be a string"}}},
		{"number for array", "POST", "application/json", `{"tags":1}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/tags", "tags", "", "type", "array", "tags must be an array"}}},
		{"array element", "POST", "application/json", `{"tags":["a",2]}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/tags/1", "tags[1]", "", "type", "string", "tags[1] must be a string"}}},
		{"nested bool", "POST", "application/json", `{"inner":{"flag":"yes"}}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/inner/flag", "inner.flag", "", "type", "boolean", "inner.flag must be true or false"}}},
		{"number for object", "POST", "application/json", `{"inner":7}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/inner", "inner", "", "type", "object", "inner must be an object"}}},
		{"time as number", "POST", "application/json", `{"when":7}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, located([]field{{"#/when", "when", "", "type", "string", "when must be a string"}})},
		{"time malformed", "POST", "application/json", `{"when":"monday"}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, nil},
		{"array for the body", "POST", "application/json", `[1]`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#", "", "", "type", "object", "the request body must be an object"}}},
		{"case-insensitive member keeps the client's spelling", "POST", "application/json", `{"Tags":[1]}`, validation.Options{},
			validation.InvalidFieldType, nil, nil, []field{{"#/Tags/0", "Tags[0]", "", "type", "string", "Tags[0] must be a string"}}},
		{"unknown field", "POST", "application/json", `{"name":"a","nmae":"b"}`, validation.Options{},
			validation.UnknownField, nil, nil, []field{{"#/nmae", "nmae", "", "unknown", "", "nmae is not a known field"}}},
		{"nested unknown field with odd name", "POST", "application/json", `{"inner":{"flag":true,"a\"/b":1}}`, validation.Options{},
			validation.UnknownField, nil, nil, []field{{"#/inner/a%22~1b", `inner.a"/b`, "", "unknown", "", `inner.a"/b is not a known field`}}},
		{"unknown field allowed", "POST", "application/json", `{"name":"a","nmae":"b"}`, validation.Options{AllowUnknownFields: true},
			nil, nil, nil, nil},
		{"validation", "POST", "application/json", `{"age":3}`, validation.Options{},
			validation.Failed, map[string]any{"count": 1}, nil, []field{{"#/name", "name", "", "required", "", "name is required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.contentType)
			var v signup
			err := validation.New(tt.opts).Decode(r, &v)
			var pe *problem.Error
			errors.As(err, &pe)
			if got := codeOf(pe); got != tt.wantCode {
				t.Fatalf("code = %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if got := extOf(pe); !reflect.DeepEqual(got, tt.wantExt) {
				t.Errorf("extensions = %#v, want %#v", got, tt.wantExt)
			}
			if got := headerOf(pe); !reflect.DeepEqual(got, tt.wantHeader) {
				t.Errorf("header = %v, want %v", got, tt.wantHeader)
			}
			if got := fieldsOrNil(pe); !reflect.DeepEqual(got, tt.wantFields) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, tt.wantFields)
			}
		})
	}
}

// located returns fields where encoding/json says where an UnmarshalJSON
// method refused its input, and no fields where it does not.
func located(fields []field) []field {
	if unmarshalerLocated {
		return fields
	}
	return nil
}

func codeOf(e *problem.Error) *problem.Code {
	if e == nil {
		return nil
	}
	return e.Code()
}

func extOf(e *problem.Error) map[string]any {
	if e == nil || len(e.Extensions()) == 0 {
		return nil
	}
	return e.Extensions()
}

func headerOf(e *problem.Error) http.Header {
	if e == nil || len(e.Header()) == 0 {
		return nil
	}
	return e.Header()
}

func fieldsOrNil(e *problem.Error) []field {
	if e == nil {
		return nil
	}
	return fieldsOf(e)
}

// TestDecodeStreamedTooLarge checks the limit on a body of unknown length.
func TestDecodeStreamedTooLarge(t *testing.T) {
	body := io.MultiReader(strings.NewReader(`{"name":"`), strings.NewReader(strings.Repeat("x", 100)), strings.NewReader(`"}`))
	r := httptest.NewRequest(http.MethodPost, "/", body)
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json")
	var v signup
	pe := asProblem(t, validation.New(validation.Options{MaxBytes: 50}).Decode(r, &v))
	var tooLarge *http.MaxBytesError
	if pe.Code() != problem.PayloadTooLarge || pe.Extensions()["limit"] != int64(50) || !errors.As(pe, &tooLarge) {
		t.Errorf("got %v with %v, want PAYLOAD_TOO_LARGE, limit 50, wrapping *http.MaxBytesError", pe, pe.Extensions())
	}
}

// TestDecodeProgrammerErrors checks that mistakes of the calling code are
// 500s that wrap their cause, not client errors.
func TestDecodeProgrammerErrors(t *testing.T) {
	type hidden struct{ A int }
	type withHidden struct {
		*hidden
	}
	type inSlice struct {
		Items []withHidden `json:"items"`
	}
	var v signup
	tests := []struct {
		name string
		call func() error
	}{
		{"decode into a non-pointer", func() error { return validation.Decode(jsonRequest(`{}`), v) }},
		{"decode into nil", func() error { return validation.Decode(jsonRequest(`{}`), nil) }},
		{"embedded pointer to unexported struct", func() error { return validation.Decode(jsonRequest(`{"A":1}`), &withHidden{}) }},
		// encoding/json fails only when a member for the pointer's fields is
		// sent; the type is refused for every body, so tests find the bug.
		{"embedded pointer, no member for it", func() error { return validation.Decode(jsonRequest(`{}`), &withHidden{}) }},
		{"embedded pointer in an element type", func() error { return validation.Decode(jsonRequest(`{"items":[]}`), &inSlice{}) }},
		{"validate a non-struct", func() error { return validation.New(validation.Options{}).Validate(context.Background(), 42) }},
		{"validate a nil pointer", func() error {
			return validation.New(validation.Options{}).Validate(context.Background(), (*signup)(nil))
		}},
		{"params into a non-struct", func() error { return validation.Params(httptest.NewRequest("GET", "/", nil), new(int)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := asProblem(t, tt.call())
			if pe.Code() != problem.InternalError || pe.Unwrap() == nil {
				t.Errorf("got %v, want INTERNAL_ERROR with a cause", pe)
			}
		})
	}
	var invalid *validator.InvalidValidationError
	if !errors.As(validation.New(validation.Options{}).Validate(context.Background(), 42), &invalid) {
		t.Error("Validate(ctx, 42) does not wrap *validator.InvalidValidationError")
	}
}

// TestDecodeEmbeddedPointers checks what encoding/json can fill: embedded
// pointers it can allocate, or whose struct has nothing for it to fill.
func TestDecodeEmbeddedPointers(t *testing.T) {
	//lint:ignore U1000 the test is about an embedded pointer json cannot reach
	type quiet struct{ a int }
	type Shown struct {
		B int `json:"b" validate:"min=1"`
	}
	type target struct {
		*quiet //lint:ignore U1000 as above
		*Shown
	}
	var v target
	pe := asProblem(t, validation.Decode(jsonRequest(`{"b":0}`), &v))
	want := []field{{"#/b", "b", "", "min", "1", "b must be 1 or greater"}}
	if got := fieldsOf(pe); !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n got %+v\nwant %+v", got, want)
	}
}

// TestDecodeCollections checks that slices and maps of structs are
// validated element by element.
func TestDecodeCollections(t *testing.T) {
	var items []item
	pe := asProblem(t, validation.Decode(jsonRequest(`[{"sku":"a","qty":1},{"sku":"b","qty":0}]`), &items))
	want := []field{{"#/1/qty", "[1].qty", "", "min", "1", "[1].qty must be 1 or greater"}}
	if got := fieldsOf(pe); !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n got %+v\nwant %+v", got, want)
	}
	var m map[string]item
	pe = asProblem(t, validation.Decode(jsonRequest(`{"k":{"sku":"","qty":1}}`), &m))
	want = []field{{"#/k/sku", "[k].sku", "", "required", "", "[k].sku is required"}}
	if got := fieldsOf(pe); !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n got %+v\nwant %+v", got, want)
	}
	var n int
	if err := validation.Decode(jsonRequest(`12`), &n); err != nil || n != 12 {
		t.Errorf("Decode into *int = %v, %d", err, n)
	}
}

// TestNeverLeaksValidatorText checks that no detail repeats validator's
// Error() text.
func TestNeverLeaksValidatorText(t *testing.T) {
	var o order
	pe := asProblem(t, validation.Decode(jsonRequest(`{}`), &o))
	for _, f := range pe.Fields() {
		if d := rendered(f); strings.Contains(d, "Key: ") || strings.Contains(d, "failed on the") {
			t.Errorf("detail %q leaks validator's text", d)
		}
	}
	// The cause keeps validator's errors for code that wants them, and
	// says in the log what failed with the names the client sent.
	var verrs validator.ValidationErrors
	if !errors.As(pe, &verrs) || len(verrs) != len(pe.Fields()) {
		t.Errorf("errors.As found %d validator errors through the cause, want %d", len(verrs), len(pe.Fields()))
	}
	if cause := pe.Unwrap().Error(); !strings.HasPrefix(cause, "9 rules broken: createdBy:required, ref.id:gt=0") || strings.Contains(cause, "failed on the") {
		t.Errorf("cause text for the log = %q", cause)
	}
}
