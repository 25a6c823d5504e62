package problem_test

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

var (
	_ error            = (*problem.Error)(nil)
	_ problem.Provider = (*problem.Error)(nil)
)

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		code *problem.Code
		want *problem.Code
	}{
		{name: "code", code: userNotFound, want: userNotFound},
		{name: "nil means InternalError", code: nil, want: problem.InternalError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.code.New()
			if e.Code() != tt.want || e.Code().Status != tt.want.Status {
				t.Errorf("New = code %v status %d, want %v %d", e.Code(), e.Code().Status, tt.want, tt.want.Status)
			}
			if e.ProblemError() != e {
				t.Error("ProblemError() is not the error itself")
			}
			if e.Extensions() != nil || e.Header() != nil || e.Fields() != nil || e.Unwrap() != nil {
				t.Errorf("a fresh Error carries data: %#v", e)
			}
		})
	}
}

func TestWith(t *testing.T) {
	tests := []struct {
		name string
		e    *problem.Error
		want map[string]any
	}{
		{name: "members", e: userNotFound.New().With("userId", 7).With("tenant", "acme"), want: map[string]any{"userId": 7, "tenant": "acme"}},
		{name: "last value wins", e: userNotFound.New().With("a", 1).With("a", 2), want: map[string]any{"a": 2}},
		{
			name: "reserved names ignored",
			e: userNotFound.New().With("type", "evil").With("title", "evil").With("status", 200).With("detail", "evil").
				With("instance", "evil").With("code", "evil").With("requestId", "evil").With("timestamp", "evil").With("errors", "evil").
				With("ok", true),
			want: map[string]any{"ok": true},
		},
		{name: "only reserved names: no map", e: userNotFound.New().With("status", 200), want: nil},
		{name: "case differs from a reserved name", e: userNotFound.New().With("Status", 1), want: map[string]any{"Status": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Extensions(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Extensions() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestWithHeader(t *testing.T) {
	e := problem.RateLimited.New().WithHeader("retry-after", "30").WithHeader("WWW-Authenticate", `Bearer realm="a"`).WithHeader("WWW-Authenticate", `Basic`)
	want := http.Header{"Retry-After": {"30"}, "Www-Authenticate": {`Bearer realm="a"`, "Basic"}}
	if got := e.Header(); !reflect.DeepEqual(got, want) {
		t.Errorf("Header() = %#v, want %#v", got, want)
	}
}

func TestWithFields(t *testing.T) {
	a := problem.FieldError{Field: "a", Rule: "required"}
	b := problem.FieldError{Field: "b", Rule: "min", Param: "3"}
	c := problem.FieldError{Field: "c", In: "query"}
	e := validationFailed.New().WithFields(a, b).WithFields().WithFields(c)
	if got, want := e.Fields(), []problem.FieldError{a, b, c}; !reflect.DeepEqual(got, want) {
		t.Errorf("Fields() = %#v, want %#v", got, want)
	}
}

// pathErr is a typed cause for errors.As.
type pathErr struct{ path string }

func (e *pathErr) Error() string { return "open " + e.path }

func TestWrap(t *testing.T) {
	cause := fmt.Errorf("query users: %w", sql.ErrNoRows)
	typed := &pathErr{path: "/etc/x"}
	e := userNotFound.New().Wrap(fmt.Errorf("load: %w", errors.Join(cause, typed)))
	var target *pathErr
	var asError *problem.Error
	tests := []struct {
		name string
		got  bool
	}{
		{name: "errors.Is the wrapped sentinel", got: errors.Is(e, sql.ErrNoRows)},
		{name: "errors.Is the cause", got: errors.Is(e, cause)},
		{name: "errors.As a typed cause", got: errors.As(e, &target) && target == typed},
		{name: "errors.As *Error through %w", got: errors.As(fmt.Errorf("h: %w", e), &asError) && asError == e},
		{name: "not another sentinel", got: !errors.Is(e, io.EOF)},
		{name: "Wrap(nil) clears the cause", got: userNotFound.New().Wrap(io.EOF).Wrap(nil).Unwrap() == nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got {
				t.Error("false")
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	noDetail := &problem.Code{Code: "NO_DETAIL", Status: 400, Title: "No detail here"}
	tests := []struct {
		name string
		err  *problem.Error
		want string
	}{
		{name: "code default detail", err: problem.RouteNotFound.New(), want: "ROUTE_NOT_FOUND: No resource exists at this path."},
		{name: "call-site detail", err: userNotFound.New().WithDetail("user 42 is gone"), want: "USER_NOT_FOUND: user 42 is gone"},
		{name: "detailf", err: userNotFound.New().WithDetailf("user %d is gone", 42), want: "USER_NOT_FOUND: user 42 is gone"},
		{name: "detail and cause", err: userNotFound.New().WithDetail("user 42 is gone").Wrap(sql.ErrNoRows), want: "USER_NOT_FOUND: user 42 is gone: sql: no rows in result set"},
		{name: "template from extensions", err: malformedJSON.New().With("line", 3).With("column", 7), want: "MALFORMED_JSON: The request body is not valid JSON (line 3, column 7)."},
		{name: "plural one", err: validationFailed.New().With("count", 1), want: "VALIDATION_ERROR: 1 field is invalid."},
		{name: "plural other", err: validationFailed.New().With("count", 3), want: "VALIDATION_ERROR: 3 fields are invalid."},
		{name: "missing template data renders empty", err: userNotFound.New(), want: "USER_NOT_FOUND: No user has the ID ."},
		{name: "no detail: title", err: noDetail.New().Wrap(fs.ErrNotExist), want: "NO_DETAIL: No detail here: file does not exist"},
		{name: "message", err: userNotFound.New().WithMessage(problem.Message{ID: "x", Default: "id {{.id}}", Data: map[string]any{"id": 9}}), want: "USER_NOT_FOUND: id 9"},
		{name: "literal detail never templated", err: userNotFound.New().With("userId", 1).WithDetail("{{.userId}}"), want: "USER_NOT_FOUND: {{.userId}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	if got, want := userNotFound.New().Title(), (problem.Message{ID: "USER_NOT_FOUND.title", Default: "User not found"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Title() = %#v, want %#v", got, want)
	}
}

func TestDetail(t *testing.T) {
	tests := []struct {
		name string
		err  *problem.Error
		want problem.Message
	}{
		{
			name: "code default with extensions as data",
			err:  problem.PayloadTooLarge.New().With("limit", 1024),
			want: problem.Message{ID: "PAYLOAD_TOO_LARGE.detail", Default: problem.PayloadTooLarge.Detail, Data: map[string]any{"limit": 1024}},
		},
		{
			name: "code default, count selects the plural",
			err:  validationFailed.New().With("count", 2),
			want: problem.Message{ID: "VALIDATION_ERROR.detail", Default: "{{.count}} fields are invalid.", One: "1 field is invalid.", Data: map[string]any{"count": 2}, Count: 2},
		},
		{
			name: "code without detail",
			err:  (&problem.Code{Code: "X", Status: 400, Title: "t"}).New().With("a", 1),
			want: problem.Message{},
		},
		{
			name: "literal detail carries no data",
			err:  userNotFound.New().With("userId", 7).WithDetail("gone"),
			want: problem.Text("gone"),
		},
		{
			name: "message data merged over extensions",
			err:  userNotFound.New().With("userId", 7).With("a", "ext").WithMessage(problem.Message{ID: "m", Default: "d", Data: map[string]any{"a": "msg", "b": 2}}),
			want: problem.Message{ID: "m", Default: "d", Data: map[string]any{"userId": 7, "a": "msg", "b": 2}},
		},
		{
			name: "message without extensions",
			err:  userNotFound.New().WithMessage(problem.Message{ID: "m", Default: "d", Data: map[string]any{"b": 2}}),
			want: problem.Message{ID: "m", Default: "d", Data: map[string]any{"b": 2}},
		},
		{
			name: "message without data gets extensions",
			err:  userNotFound.New().With("userId", 7).WithMessage(problem.Message{ID: "m"}),
			want: problem.Message{ID: "m", Data: map[string]any{"userId": 7}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Detail(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Detail() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestErrorConcurrentReads: a returned Error is read by concurrent
// requests (a sentinel *Error shared by handlers): every reader sees the
// same texts. Under -race it also proves the reads race with nothing.
func TestErrorConcurrentReads(t *testing.T) {
	e := validationFailed.New().With("count", 2).WithFields(problem.FieldError{Field: "a"}).Wrap(io.EOF)
	const want = "VALIDATION_ERROR: 2 fields are invalid.: EOF|2 fields are invalid.|Request validation failed"
	got := make(chan string, 8)
	for range 8 {
		go func() { got <- e.Error() + "|" + e.Detail().String() + "|" + e.Title().String() }()
	}
	for range 8 {
		if s := <-got; s != want {
			t.Errorf("a concurrent reader got %q, want %q", s, want)
		}
	}
}

func TestZeroErrorIsAnInternalError(t *testing.T) {
	var e problem.Error
	if e.Code().Status != 500 || e.Code() != problem.InternalError || e.Error() == "" || e.Title().Default == "" {
		t.Errorf("zero Error: status %d, code %v, text %q", e.Code().Status, e.Code().Code, e.Error())
	}
}
