package validation_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

type stamp struct {
	CreatedBy string `json:"createdBy"`
}

type unknownBody struct {
	stamp
	Name  string `json:"name"`
	Age   int    `json:"age"`
	Inner struct {
		Flag bool `json:"flag"`
	} `json:"inner"`
	Items   []item          `json:"items"`
	Grid    [][]item        `json:"grid"`
	Meta    map[string]item `json:"meta"`
	Free    map[string]any  `json:"free"`
	Raw     any             `json:"raw"`
	When    time.Time       `json:"when"`
	Ignored string          `json:"-"`
}

// TestUnknownField checks that the member reported is the first one, in
// document order, that encoding/json does not take, wherever it is.
func TestUnknownField(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantCode *problem.Code
		want     []field
	}{
		{"top level, after known members", `{"name":"a","age":1,"nmae":"b"}`, validation.UnknownField,
			[]field{{"#/nmae", "nmae", "", "unknown", "", "nmae is not a known field"}}},
		{"the first of two", `{"y":1,"x":2}`, validation.UnknownField,
			[]field{{"#/y", "y", "", "unknown", "", "y is not a known field"}}},
		{"another case is known to encoding/json", `{"NAME":"a","Inner":{"FLAG":true}}`, nil, nil},
		{"promoted field is known", `{"createdBy":"me"}`, nil, nil},
		{"nested struct", `{"inner":{"flag":true,"flog":1}}`, validation.UnknownField,
			[]field{{"#/inner/flog", "inner.flog", "", "unknown", "", "inner.flog is not a known field"}}},
		{"slice element", `{"items":[{"sku":"a","qty":1},{"sku":"b","qty":1,"size":"xl"}]}`, validation.UnknownField,
			[]field{{"#/items/1/size", "items[1].size", "", "unknown", "", "items[1].size is not a known field"}}},
		{"element of a nested slice", `{"grid":[[],[{"sku":"a"},{"qty":1,"x":0}]]}`, validation.UnknownField,
			[]field{{"#/grid/1/1/x", "grid[1][1].x", "", "unknown", "", "grid[1][1].x is not a known field"}}},
		{"map entry", `{"meta":{"k/1":{"sku":"a","qyt":1}}}`, validation.UnknownField,
			[]field{{"#/meta/k~11/qyt", "meta[k/1].qyt", "", "unknown", "", "meta[k/1].qyt is not a known field"}}},
		{"an unknown object is reported, not what it holds", `{"extra":{"a":{"b":1}}}`, validation.UnknownField,
			[]field{{"#/extra", "extra", "", "unknown", "", "extra is not a known field"}}},
		{"escaped name", `{"inner":{"fl\u0061g":true,"\u00e9":1}}`, validation.UnknownField,
			[]field{{"#/inner/%C3%A9", "inner.é", "", "unknown", "", "inner.é is not a known field"}}},
		{"json:\"-\" takes no member", `{"Ignored":"x"}`, validation.UnknownField,
			[]field{{"#/Ignored", "Ignored", "", "unknown", "", "Ignored is not a known field"}}},
		{"anything goes in a map of any", `{"free":{"a":{"b":[{"c":1}]}},"raw":{"x":1}}`, nil, nil},
		{"a wrong type is reported first: encoding/json checks types either way", `{"nmae":1,"age":"x"}`, validation.InvalidFieldType,
			[]field{{"#/age", "age", "", "type", "integer", "age must be an integer"}}},
	}
	d := validation.New(validation.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v unknownBody
			pe := problemOrNil(d.Decode(jsonRequest(tt.body), &v))
			if got := codeOf(pe); got != tt.wantCode {
				t.Fatalf("code = %v, want %v (%v)", got, tt.wantCode, pe)
			}
			if got := fieldsOrNil(pe); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

type node struct {
	Kids []node `json:"kids"`
}

// TestUnknownFieldDeep checks that a document nested deep into a recursive
// type costs bounded work: past a budget, the unknown member is reported
// without its place.
func TestUnknownFieldDeep(t *testing.T) {
	tests := []struct {
		name  string
		depth int
		want  []field
	}{
		{"shallow enough to say where", 3, []field{{"#/kids/0/kids/0/kids/0/bad", "kids[0].kids[0].kids[0].bad", "", "unknown", "", "kids[0].kids[0].kids[0].bad is not a known field"}}},
		{"too deep to look for", 2000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := strings.Repeat(`{"kids":[`, tt.depth) + `{"bad":1}` + strings.Repeat(`]}`, tt.depth)
			start := time.Now()
			pe := asProblem(t, validation.Decode(jsonRequest(body), new(node)))
			if pe.Code() != validation.UnknownField {
				t.Fatalf("code = %v, want UNKNOWN_FIELD", pe.Code())
			}
			if got := fieldsOrNil(pe); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, tt.want)
			}
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}
