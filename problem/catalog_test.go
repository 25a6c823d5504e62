package problem_test

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sync"
	"testing"
	"text/template"

	"github.com/problemkit/problemkit/problem"
)

var (
	userNotFound = &problem.Code{
		Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
		Title: "User not found", Detail: "No user has the ID {{.userId}}.",
	}
	insufficientFunds = &problem.Code{
		Code: "INSUFFICIENT_FUNDS", Status: http.StatusForbidden, Type: "https://billing.example.com/probs/out-of-credit",
		Title: "Not enough credit", Detail: "Your balance is {{.balance}}.",
	}
)

func TestBuiltinCodesRegistered(t *testing.T) {
	c := problem.NewCatalog("")
	if got := c.Codes(); !slices.Equal(got, problem.Builtin()) {
		t.Errorf("Codes() of a new catalog = %v, want Builtin()", got)
	}
	for _, code := range problem.Builtin() {
		t.Run(code.Code, func(t *testing.T) {
			got, ok := c.Lookup(code.Code)
			if !ok || got != code {
				t.Errorf("Lookup(%q) = %p, %v; want %p, true", code.Code, got, ok, code)
			}
		})
	}
}

var upperSnake = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// TestBuiltinCodesDocumented is the docs-completeness check: every built-in
// code is valid and says what it means, when it happens and what to do.
func TestBuiltinCodesDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, code := range problem.Builtin() {
		t.Run(code.Code, func(t *testing.T) {
			if seen[code.Code] {
				t.Errorf("code %s listed twice", code.Code)
			}
			seen[code.Code] = true
			if !upperSnake.MatchString(code.Code) {
				t.Errorf("code %q is not upper snake case", code.Code)
			}
			if code.Status < 400 || code.Status > 599 {
				t.Errorf("status %d outside 400-599", code.Status)
			}
			for field, v := range map[string]problem.Template{
				"Title": code.Title, "Detail": code.Detail, "Description": code.Description, "When": code.When, "Action": code.Action,
			} {
				if v == "" {
					t.Errorf("%s is empty", field)
				}
			}
			// 499 has no phrase; RFC 9110 renamed 422 Unprocessable Content.
			if code.Type == problem.BlankType && string(code.Title) != http.StatusText(code.Status) && code.Status != 499 && code != problem.UnprocessableContent {
				t.Errorf("about:blank code has title %q, want the status phrase %q", code.Title, http.StatusText(code.Status))
			}
			for _, src := range []problem.Template{code.Detail, code.DetailOne} {
				if _, err := template.New("").Parse(string(src)); err != nil {
					t.Errorf("detail %q does not parse: %v", src, err)
				}
			}
			for _, h := range code.Headers {
				if h == "" {
					t.Error("empty header name")
				}
			}
			members := map[string]bool{}
			for _, m := range code.Members {
				if m.Name == "" || m.Description == "" || m.Example == nil || reservedMember(m.Name) {
					t.Errorf("member %+v is incomplete or reserved", m)
				}
				if !slices.Contains([]string{"string", "integer", "number", "boolean", "object", "array"}, m.Type) {
					t.Errorf("member %s has JSON Schema type %q", m.Name, m.Type)
				}
				members[m.Name] = true
			}
			// Every member the default detail refers to is documented; "count"
			// is the plural selector documented by Code.DetailOne.
			for _, ref := range templateRefs.FindAllStringSubmatch(string(code.Detail+code.DetailOne), -1) {
				if !members[ref[1]] && !(ref[1] == "count" && code.DetailOne != "") {
					t.Errorf("detail refers to {{.%s}}, which Members does not document", ref[1])
				}
			}
		})
	}
}

var templateRefs = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func TestNewCatalogBase(t *testing.T) {
	tests := []struct {
		name string
		base string
		want string
	}{
		{name: "empty means default", base: "", want: problem.DefaultTypeBase},
		{name: "absolute", base: "https://api.example.com/problems/", want: "https://api.example.com/problems/"},
		{name: "kept without trailing slash", base: "https://api.example.com/problems", want: "https://api.example.com/problems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problem.NewCatalog(tt.base).Base(); got != tt.want {
				t.Errorf("Base() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	valid := &problem.Code{Code: "VALID_1", Status: 400, Title: "Valid"}
	tests := []struct {
		name    string
		codes   []*problem.Code
		wantErr string
		dup     bool
		added   []*problem.Code // registered after the builtins
	}{
		{name: "nothing", codes: nil},
		{name: "two codes", codes: []*problem.Code{userNotFound, insufficientFunds}, added: []*problem.Code{userNotFound, insufficientFunds}},
		{name: "builtin again", codes: []*problem.Code{problem.RouteNotFound}, wantErr: "problem: duplicate code: ROUTE_NOT_FOUND", dup: true},
		{name: "another declaration of a builtin name", codes: []*problem.Code{{Code: "TIMEOUT", Status: 504, Title: "T"}}, wantErr: "problem: duplicate code: TIMEOUT", dup: true},
		{name: "twice in one call", codes: []*problem.Code{valid, userNotFound, valid}, wantErr: "problem: duplicate code: VALID_1", dup: true},
		{name: "same name twice in one call", codes: []*problem.Code{valid, {Code: "VALID_1", Status: 500, Title: "Other"}}, wantErr: "problem: duplicate code: VALID_1", dup: true},
		{name: "nil code", codes: []*problem.Code{valid, nil}, wantErr: "problem: nil code"},
		{name: "empty name", codes: []*problem.Code{valid, {Status: 400, Title: "t"}}, wantErr: "problem: code has no name"},
		{name: "lower case", codes: []*problem.Code{valid, {Code: "user_gone", Status: 410, Title: "t"}}, wantErr: `problem: code "user_gone" is not upper snake case`},
		{name: "kebab case", codes: []*problem.Code{{Code: "USER-GONE", Status: 410, Title: "t"}}, wantErr: `problem: code "USER-GONE" is not upper snake case`},
		{name: "leading digit", codes: []*problem.Code{{Code: "4XX", Status: 400, Title: "t"}}, wantErr: `problem: code "4XX" is not upper snake case`},
		{name: "status 200", codes: []*problem.Code{valid, {Code: "OK_NOT_ERROR", Status: 200, Title: "t"}}, wantErr: "problem: code OK_NOT_ERROR has status 200, want 400-599"},
		{name: "status 600", codes: []*problem.Code{{Code: "TOO_HIGH", Status: 600, Title: "t"}}, wantErr: "problem: code TOO_HIGH has status 600, want 400-599"},
		{name: "no title", codes: []*problem.Code{valid, {Code: "NO_TITLE", Status: 400}}, wantErr: "problem: code NO_TITLE has no title"},
		{name: "a loop in the detail", codes: []*problem.Code{valid, {Code: "LOOPS", Status: 400, Title: "t", Detail: "{{range .xs}}x{{end}}"}},
			wantErr: `problem: code LOOPS, detail: template "{{range .xs}}x{{end}}": action "{{range .xs}}" is not {{.name}} or {{.name | func "arg"}} with a known func`},
		{name: "an unclosed action in a member", codes: []*problem.Code{{Code: "OPEN", Status: 400, Title: "t", Members: []problem.Member{{Name: "m", Description: "{{.m"}}}},
			wantErr: `problem: code OPEN, member m: template "{{.m": unclosed action`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := problem.NewCatalog("")
			err := c.Register(tt.codes...)
			if got := errText(err); got != tt.wantErr {
				t.Errorf("Register error = %v, want %q", err, tt.wantErr)
			}
			if got := errors.Is(err, problem.ErrDuplicateCode); got != tt.dup {
				t.Errorf("errors.Is(err, ErrDuplicateCode) = %v, want %v", got, tt.dup)
			}
			want := append(problem.Builtin(), tt.added...)
			if got := c.Codes(); !slices.Equal(got, want) {
				t.Errorf("Codes() after Register = %d codes, want %d: on error none is registered", len(got), len(want))
			}
		})
	}
}

// errText is err's text, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestMustRegister(t *testing.T) {
	c := problem.NewCatalog("")
	if got := c.MustRegister(userNotFound); got != c {
		t.Errorf("MustRegister returned %p, want the catalog %p", got, c)
	}
	defer func() {
		err, _ := recover().(error)
		if !errors.Is(err, problem.ErrDuplicateCode) {
			t.Errorf("MustRegister of a duplicate panicked with %v, want ErrDuplicateCode", err)
		}
	}()
	c.MustRegister(userNotFound)
	t.Error("MustRegister of a duplicate did not panic")
}

func TestCodesIsACopy(t *testing.T) {
	c := problem.NewCatalog("")
	got := c.Codes()
	got[0] = userNotFound
	if c.Codes()[0] != problem.InternalError {
		t.Error("modifying the slice Codes returned changed the catalog")
	}
}

func TestLookupUnknown(t *testing.T) {
	if got, ok := problem.NewCatalog("").Lookup("NOPE"); ok || got != nil {
		t.Errorf("Lookup(NOPE) = %v, %v; want nil, false", got, ok)
	}
}

func TestCatalogConcurrent(t *testing.T) {
	c := problem.NewCatalog("")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			code := &problem.Code{Code: fmt.Sprintf("CONCURRENT_%d", i), Status: 400, Title: "t"}
			if err := c.Register(code); err != nil {
				t.Error(err)
			}
			if got, ok := c.Lookup(code.Code); !ok || got != code {
				t.Errorf("Lookup(%s) = %v, %v right after Register", code.Code, got, ok)
			}
			if !slices.Contains(c.Codes(), code) {
				t.Errorf("Codes() lacks %s right after Register", code.Code)
			}
			if got, want := c.TypeURI(code), "/problems/concurrent-"+fmt.Sprint(i); got != want {
				t.Errorf("TypeURI = %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
	if got, want := len(c.Codes()), len(problem.Builtin())+8; got != want {
		t.Errorf("%d codes, want %d", got, want)
	}
}

func TestTypeURI(t *testing.T) {
	const base = "https://api.example.com/problems/"
	tests := []struct {
		name    string
		catalog *problem.Catalog
		code    *problem.Code
		want    string
	}{
		{name: "about:blank", catalog: problem.NewCatalog(base), code: problem.RouteNotFound, want: "about:blank"},
		{name: "absolute type kept", catalog: problem.NewCatalog(base), code: insufficientFunds, want: "https://billing.example.com/probs/out-of-credit"},
		{name: "absolute non-http type kept", catalog: problem.NewCatalog(base), code: &problem.Code{Code: "X", Type: "urn:example:x"}, want: "urn:example:x"},
		{name: "empty type is the slug", catalog: problem.NewCatalog(base), code: userNotFound, want: base + "user-not-found"},
		{name: "builtin without type", catalog: problem.NewCatalog(base), code: problem.MalformedRequest, want: base + "malformed-request"},
		{name: "relative type", catalog: problem.NewCatalog(base), code: &problem.Code{Code: "X", Type: "billing/out-of-credit"}, want: base + "billing/out-of-credit"},
		{name: "relative type with leading slash", catalog: problem.NewCatalog(base), code: &problem.Code{Code: "X", Type: "/out-of-credit"}, want: base + "out-of-credit"},
		{name: "base without trailing slash", catalog: problem.NewCatalog("https://api.example.com/problems"), code: userNotFound, want: base + "user-not-found"},
		{name: "relative type, base without trailing slash", catalog: problem.NewCatalog("https://api.example.com/problems"), code: &problem.Code{Code: "X", Type: "/x"}, want: base + "x"},
		{name: "default base", catalog: problem.NewCatalog(""), code: userNotFound, want: "/problems/user-not-found"},
		{name: "nil catalog uses default base", catalog: nil, code: userNotFound, want: "/problems/user-not-found"},
		{name: "nil catalog, about:blank", catalog: nil, code: problem.InternalError, want: "about:blank"},
		{name: "nil code", catalog: problem.NewCatalog(base), code: nil, want: "about:blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.catalog.TypeURI(tt.code); got != tt.want {
				t.Errorf("TypeURI = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCodeMessages(t *testing.T) {
	c := &problem.Code{
		Code: "ITEMS_INVALID", Status: 422, Title: "Invalid items", Detail: "{{.count}} items", DetailOne: "1 item",
		Description: "desc", When: "when", Action: "action",
	}
	data := map[string]any{"count": 1}
	desc, when, action := c.DocMessages()
	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "slug", got: c.Slug(), want: "items-invalid"},
		{name: "title", got: c.TitleMessage(), want: problem.Message{ID: "ITEMS_INVALID.title", Default: "Invalid items"}},
		{name: "detail", got: c.DetailMessage(data), want: problem.Message{ID: "ITEMS_INVALID.detail", Default: "{{.count}} items", One: "1 item", Data: data, Count: 1}},
		{name: "detail without data", got: c.DetailMessage(nil), want: problem.Message{ID: "ITEMS_INVALID.detail", Default: "{{.count}} items", One: "1 item"}},
		{name: "description", got: desc, want: problem.Message{ID: "ITEMS_INVALID.description", Default: "desc"}},
		{name: "when", got: when, want: problem.Message{ID: "ITEMS_INVALID.when", Default: "when"}},
		{name: "action", got: action, want: problem.Message{ID: "ITEMS_INVALID.action", Default: "action"}},
		{name: "New", got: c.New().Code(), want: c},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestZeroCatalogRegisters(t *testing.T) {
	var c problem.Catalog
	code := &problem.Code{Code: "ZERO_OK", Status: 400, Title: "Zero"}
	if err := c.Register(code); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Lookup("ZERO_OK"); !ok || got != code {
		t.Errorf("Lookup = %v, %v", got, ok)
	}
	if got := c.TypeURI(code); got != problem.DefaultTypeBase+"zero-ok" {
		t.Errorf("TypeURI with no base = %q, want it under DefaultTypeBase", got)
	}
}

// reservedMember reports whether name is a member an extension cannot set.
func reservedMember(name string) bool {
	_, set := problem.InternalError.New().With(name, 1).Extensions()[name]
	return !set
}
