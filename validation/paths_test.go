package validation_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

type address struct {
	Street string `json:"street" validate:"required"`
	Zip    string `json:"zip" validate:"len=5"`
}

type item struct {
	SKU string `json:"sku" validate:"required"`
	Qty int    `json:"qty" validate:"min=1"`
}

type Audit struct {
	CreatedBy string `json:"createdBy" validate:"required"`
}

type Named struct {
	ID int `json:"id" validate:"gt=0"`
}

type order struct {
	Audit                           // promoted: no path segment
	*Named                          // promoted through a pointer
	Ref     Named                   `json:"ref"` // a named struct field
	Address address                 `json:"address"`
	Billing *address                `json:"billing" validate:"omitnil"`
	Items   []item                  `json:"items" validate:"min=1,dive"`
	Matrix  [][]int                 `json:"matrix" validate:"dive,dive,min=0"`
	Meta    map[string]item         `json:"meta" validate:"dive"`
	Labels  map[string]string       `json:"labels" validate:"dive,max=2"`
	NoTag   string                  `validate:"required"`
	Odd     string                  `json:"a/b~c d%#é" validate:"required"`
	Ptr     *int                    `json:"ptr" validate:"required"`
	Ignored string                  `json:"-" validate:"required"`
	Nested  map[string]map[int]item `json:"nested" validate:"dive,dive"`
}

// TestPaths checks pointers and dotted paths through nested structs,
// slices, maps, pointers and embedded structs, and the order of the errors.
func TestPaths(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []field
	}{
		{
			name: "everything wrong at once, in struct order",
			body: `{"createdBy":"","id":0,"ref":{"id":-1},
				"address":{"street":"","zip":"1"},
				"billing":{"street":"x","zip":"123"},
				"items":[{"sku":"a","qty":1},{"sku":"","qty":0}],
				"matrix":[[1],[2,-1]],
				"meta":{"z":{"sku":"z","qty":0},"a/b":{"sku":"","qty":1},"m~n":{"sku":"m","qty":0}},
				"labels":{"k]x.y":"long"},
				"a/b~c d%#é":"",
				"nested":{"o":{"7":{"sku":"s","qty":0}}}}`,
			want: []field{
				{"#/createdBy", "createdBy", "", "required", "", "createdBy is required"},
				{"#/id", "id", "", "gt", "0", "id must be greater than 0"},
				{"#/ref/id", "ref.id", "", "gt", "0", "ref.id must be greater than 0"},
				{"#/address/street", "address.street", "", "required", "", "address.street is required"},
				{"#/address/zip", "address.zip", "", "len", "5", "address.zip must be exactly 5 characters long"},
				{"#/billing/zip", "billing.zip", "", "len", "5", "billing.zip must be exactly 5 characters long"},
				{"#/items/1/sku", "items[1].sku", "", "required", "", "items[1].sku is required"},
				{"#/items/1/qty", "items[1].qty", "", "min", "1", "items[1].qty must be 1 or greater"},
				{"#/matrix/1/1", "matrix[1][1]", "", "min", "0", "matrix[1][1] must be 0 or greater"},
				{"#/meta/a~1b/sku", "meta[a/b].sku", "", "required", "", "meta[a/b].sku is required"},
				{"#/meta/m~0n/qty", "meta[m~n].qty", "", "min", "1", "meta[m~n].qty must be 1 or greater"},
				{"#/meta/z/qty", "meta[z].qty", "", "min", "1", "meta[z].qty must be 1 or greater"},
				{"#/labels/k%5Dx.y", "labels[k]x.y]", "", "max", "2", "labels[k]x.y] must be at most 2 characters long"},
				{"#/NoTag", "NoTag", "", "required", "", "NoTag is required"},
				{"#/a~1b~0c%20d%25%23%C3%A9", "a/b~c d%#é", "", "required", "", "a/b~c d%#é is required"},
				{"#/ptr", "ptr", "", "required", "", "ptr is required"},
				{"#/Ignored", "Ignored", "", "required", "", "Ignored is required"},
				{"#/nested/o/7/qty", "nested[o][7].qty", "", "min", "1", "nested[o][7].qty must be 1 or greater"},
			},
		},
		{
			name: "nil pointer to embedded struct is not validated, absent billing neither",
			body: `{"createdBy":"me","ref":{"id":1},"address":{"street":"s","zip":"12345"},"items":[],"NoTag":"x","a/b~c d%#é":"x","ptr":0}`,
			want: []field{
				{"#/items", "items", "", "min", "1", "items must contain at least 1 item"},
				{"#/Ignored", "Ignored", "", "required", "", "Ignored is required"},
			},
		},
	}
	d := validation.New(validation.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // map iteration order must not show
				var o order
				pe := asProblem(t, d.Decode(jsonRequest(tt.body), &o))
				if got := fieldsOf(pe); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("fields:\n got %+v\nwant %+v", got, tt.want)
				}
			}
		})
	}
}

// TestLabels checks the localizable field label each message carries.
func TestLabels(t *testing.T) {
	var o order
	pe := asProblem(t, validation.Decode(jsonRequest(`{"items":[{"sku":"a","qty":0}],"meta":{"k":{"sku":"a","qty":0}}}`), &o))
	type label struct{ ID, Default string }
	var got []label
	for _, f := range pe.Fields() {
		m := f.Message.Data["field"].(problem.Message)
		text, literal := m.Literal()
		if !literal {
			t.Errorf("label %q is not a literal: the client's names must never be parsed", m.ID)
		}
		got = append(got, label{m.ID, text})
	}
	want := []label{
		{"field.createdBy", "createdBy"},
		{"field.ref.id", "ref.id"},
		{"field.address.street", "address.street"},
		{"field.address.zip", "address.zip"},
		{"field.items.qty", "items[0].qty"},
		{"field.meta.qty", "meta[k].qty"},
		{"field.NoTag", "NoTag"},
		{"field.a/b~c d%#é", "a/b~c d%#é"},
		{"field.ptr", "ptr"},
		{"field.Ignored", "Ignored"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("labels:\n got %+v\nwant %+v", got, want)
	}
}

type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type odd struct {
	Dotted  string         `json:"a.b" validate:"required"`
	Bracket map[string]int `json:"c[d]" validate:"dive,min=1"`
	ByID    map[int]item   `json:"byId" validate:"dive"`
	Any     []any          `json:"any" validate:"dive,required"`
	Period
	Until  time.Time `json:"until" validate:"gtfield=End"`
	Window Period    `json:"window"`
	After  time.Time `json:"after" validate:"gtcsfield=Window.End"`
	Secret struct {
		Inner struct {
			Pin string `json:"pin" validate:"len=4"`
		} `json:"inner"`
	} `json:"secret" problem:"secret"`
}

// TestNamespaces checks names that validator's namespaces hold verbatim:
// JSON names with dots and brackets, integer map keys (sorted as numbers),
// values behind interfaces, cross-field rules naming promoted and nested
// fields, and what is below a secret field.
func TestNamespaces(t *testing.T) {
	body := `{"a.b":"","c[d]":{"x]":0,"y":1},"byId":{"10":{"sku":"a","qty":0},"9":{"sku":"b","qty":0}},
		"any":["x",null],"start":"2001-01-01T00:00:00Z","end":"2001-01-03T00:00:00Z","until":"2001-01-02T00:00:00Z",
		"window":{"end":"2001-01-05T00:00:00Z"},"after":"2001-01-04T00:00:00Z","secret":{"inner":{"pin":"1"}}}`
	want := []field{
		{"#/a.b", "a.b", "", "required", "", "a.b is required"},
		{"#/c%5Bd%5D/x%5D", "c[d][x]]", "", "min", "1", "c[d][x]] must be 1 or greater"},
		{"#/byId/9/qty", "byId[9].qty", "", "min", "1", "byId[9].qty must be 1 or greater"},
		{"#/byId/10/qty", "byId[10].qty", "", "min", "1", "byId[10].qty must be 1 or greater"},
		{"#/any/1", "any[1]", "", "required", "", "any[1] is required"},
		{"#/until", "until", "", "gtfield", "end", "until must be after end"},
		{"#/after", "after", "", "gtcsfield", "window.end", "after must be after window.end"},
		{"#/secret/inner/pin", "secret.inner.pin", "", "len", "4", "secret.inner.pin must be exactly 4 characters long"},
	}
	d := validation.New(validation.Options{EchoValues: true})
	for range 20 { // map iteration order must not show
		var v odd
		pe := asProblem(t, d.Decode(jsonRequest(body), &v))
		if got := fieldsOf(pe); !reflect.DeepEqual(got, want) {
			t.Fatalf("fields:\n got %+v\nwant %+v", got, want)
		}
		for _, f := range pe.Fields() {
			if f.Field == "secret.inner.pin" && f.Value != nil {
				t.Errorf("value %v echoed below a secret field", f.Value)
			}
		}
	}
}
