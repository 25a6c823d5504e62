package validation_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

type Paging struct {
	Page int `query:"page" validate:"min=1"`
}

type listParams struct {
	Paging
	Size    *int          `query:"size" validate:"omitnil,max=100"`
	Sort    string        `query:"sort" validate:"omitempty,oneof=name date"`
	Tags    []string      `query:"tag" validate:"dive,alphanum"`
	Since   time.Time     `query:"since"`
	Timeout time.Duration `query:"timeout"`
	Exact   bool          `query:"exact"`
	Ratio   float32       `query:"ratio"`
	ID      uint16        `path:"id" validate:"required"`
	Match   string        `header:"If-Match" validate:"omitempty,startswith=\""`
	From    netip.Addr    `header:"X-Forwarded-For"`
}

// TestParams checks binding and validation of query, path and header
// parameters.
func TestParams(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		id         string
		header     http.Header
		want       []field
		wantParams listParams
	}{
		{
			name: "all valid", target: "/?page=2&size=10&sort=name&tag=a&tag=b&since=2020-01-02T03:04:05Z&timeout=1m30s&exact=true&ratio=0.5",
			id: "7", header: http.Header{"If-Match": {`"v1"`}, "X-Forwarded-For": {"10.0.0.1"}},
			wantParams: listParams{Paging: Paging{Page: 2}, Size: ptr(10), Sort: "name", Tags: []string{"a", "b"},
				Since: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Timeout: 90 * time.Second, Exact: true, Ratio: 0.5, ID: 7,
				Match: `"v1"`, From: netip.MustParseAddr("10.0.0.1")},
		},
		{
			name: "defaults kept, empty counts as absent", target: "/?size=&exact=", id: "1",
			wantParams: listParams{Paging: Paging{Page: 1}, ID: 1},
		},
		{
			name: "every kind of failure, in struct order", target: "/?page=0&size=x&sort=up&tag=a&tag=b-c&since=monday&timeout=soon&exact=maybe&ratio=1e99",
			id: "70000", header: http.Header{"If-Match": {"v1"}, "X-Forwarded-For": {"nope"}},
			want: []field{
				{"", "page", "query", "min", "1", "page must be 1 or greater"},
				{"", "size", "query", "type", "integer", "size must be an integer"},
				{"", "sort", "query", "oneof", "name date", "sort must be one of name, date"},
				{"", "tag", "query", "alphanum", "", "tag must contain only letters and digits"},
				{"", "since", "query", "format", "", "since has an invalid format"},
				{"", "timeout", "query", "type", "duration", "timeout must be a duration, such as 1m30s"},
				{"", "exact", "query", "type", "boolean", "exact must be true or false"},
				{"", "ratio", "query", "type", "number", "ratio is out of range"},
				{"", "id", "path", "type", "integer", "id is out of range"},
				{"", "If-Match", "header", "startswith", `"`, `If-Match must start with "`},
				{"", "X-Forwarded-For", "header", "format", "", "X-Forwarded-For has an invalid format"},
			},
			wantParams: listParams{Sort: "up", Tags: []string{"a", "b-c"}, Match: "v1"},
		},
		{
			name: "missing path parameter", target: "/?page=1",
			want:       []field{{"", "id", "path", "required", "", "id is required"}},
			wantParams: listParams{Paging: Paging{Page: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			r.SetPathValue("id", tt.id)
			for k, v := range tt.header {
				r.Header[k] = v
			}
			p := listParams{Paging: Paging{Page: 1}}
			err := validation.Params(r, &p)
			got := fieldsOrNil(problemOrNil(err))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("fields:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(p, tt.wantParams) {
				t.Errorf("params = %+v, want %+v", p, tt.wantParams)
			}
		})
	}
	pe := asProblem(t, validation.Params(httptest.NewRequest("GET", "/?page=0", nil), &listParams{}))
	if pe.Code() != validation.InvalidParameter || pe.Code().Status != 400 || pe.Extensions()["count"] != 2 {
		t.Errorf("got %v %v, want INVALID_PARAMETER 400 with count 2", pe, pe.Extensions())
	}
}

func ptr[T any](v T) *T { return &v }

func problemOrNil(err error) *problem.Error {
	var pe *problem.Error
	errors.As(err, &pe)
	return pe
}
