package validation_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

type account struct {
	Email    string `json:"email" validate:"email"`
	Age      int    `json:"age" validate:"min=18"`
	Password string `json:"password" validate:"min=12" problem:"secret"`
	Card     struct {
		Number string   `json:"number" validate:"len=16"`
		Tags   []string `json:"tags" validate:"dive,min=2"`
	} `json:"card" problem:"omitempty,secret"`
	Tags []string `json:"tags" validate:"min=2"`
}

// TestEchoValues checks that rejected values are echoed only when asked,
// never for secret fields or what they hold, and only for plain values.
func TestEchoValues(t *testing.T) {
	body := `{"email":"x","age":3,"password":"short","card":{"number":"1","tags":["a"]},"tags":["a"]}`
	tests := []struct {
		name string
		opts validation.Options
		want []any
	}{
		{"off by default", validation.Options{}, []any{nil, nil, nil, nil, nil, nil}},
		{"on", validation.Options{EchoValues: true}, []any{"x", 3, nil, nil, nil, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a account
			pe := asProblem(t, validation.New(tt.opts).Decode(jsonRequest(body), &a))
			var got []any
			for _, f := range pe.Fields() {
				got = append(got, f.Value)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("values = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestSecretFields(t *testing.T) {
	type node struct {
		Token    string  `json:"token" problem:"secret"`
		Children []*node `json:"children"`
	}
	type wrapper struct {
		Audit
		Accounts map[string]account `json:"accounts"`
		Tree     node               `json:"tree"`
		Hidden   string             `json:"-" problem:"secret"`
	}
	tests := []struct {
		name string
		v    any
		want []string
	}{
		{"struct", account{}, []string{"password", "card"}},
		{"pointer to slice", &[]account{}, []string{"[*].password", "[*].card"}},
		{"nested, recursive, embedded", wrapper{}, []string{"accounts[*].password", "accounts[*].card", "tree.token"}},
		{"nil", nil, nil},
		{"no struct", 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validation.SecretFields(tt.v); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SecretFields = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCustomRuleAndMessages checks a rule registered through Options.Rules
// on the Decoder's own validator: its generic message, then one added in
// Options.Messages.
func TestCustomRuleAndMessages(t *testing.T) {
	rules := func(v *validator.Validate) error {
		return v.RegisterValidation("even", func(fl validator.FieldLevel) bool { return fl.Field().Int()%2 == 0 })
	}
	type in struct {
		N    int    `json:"n" validate:"even"`
		Name string `json:"name" validate:"min=3"`
	}
	tests := []struct {
		name     string
		messages map[string]problem.Message
		want     []field
		wantIDs  []string
	}{
		{"generic", nil,
			[]field{{"#/n", "n", "", "even", "", "n is invalid (even)"}, {"#/name", "name", "", "min", "3", "name must be at least 3 characters long"}},
			[]string{"validation.generic", "validation.min.string"}},
		{"added and replaced", map[string]problem.Message{
			"even":       {Default: "{{.field}} must be even"},
			"min.string": {Default: "{{.field}}: {{.param}}+ characters", One: "{{.field}}: 1+ character"},
		},
			[]field{{"#/n", "n", "", "even", "", "n must be even"}, {"#/name", "name", "", "min", "3", "name: 3+ characters"}},
			[]string{"validation.even", "validation.min.string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validation.New(validation.Options{Rules: rules, Messages: tt.messages})
			pe := asProblem(t, d.Decode(jsonRequest(`{"n":3,"name":"ab"}`), new(in)))
			if got := fieldsOf(pe); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, tt.want)
			}
			var ids []string
			for _, f := range pe.Fields() {
				ids = append(ids, f.Message.ID)
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Errorf("message IDs = %q, want %q", ids, tt.wantIDs)
			}
		})
	}
}

// TestPlural checks Count and the One form through the default translator.
func TestPlural(t *testing.T) {
	type in struct {
		A string   `json:"a" validate:"min=1"`
		B string   `json:"b" validate:"min=3"`
		C []int    `json:"c" validate:"max=1"`
		D int      `json:"d" validate:"min=1"`
		E []string `json:"e" validate:"len=2"`
	}
	pe := asProblem(t, validation.Decode(jsonRequest(`{"a":"","b":"x","c":[1,2],"d":0,"e":[]}`), new(in)))
	var counts []any
	var texts []string
	for _, f := range pe.Fields() {
		counts = append(counts, f.Message.Count)
		texts = append(texts, f.Message.String())
	}
	wantCounts := []any{1, 3, 1, nil, 2}
	wantTexts := []string{
		"a must be at least 1 character long",
		"b must be at least 3 characters long",
		"c must contain at most 1 item",
		"d must be 1 or greater",
		"e must contain exactly 2 items",
	}
	if !reflect.DeepEqual(counts, wantCounts) || !reflect.DeepEqual(texts, wantTexts) {
		t.Errorf("counts %v texts %q\nwant %v %q", counts, texts, wantCounts, wantTexts)
	}
}

// TestMessages checks the message table: IDs unique and prefixed, sorted,
// English texts valid templates that name the field, One set exactly for
// the counted kinds.
func TestMessages(t *testing.T) {
	msgs := validation.Messages()
	if len(msgs) < 100 {
		t.Fatalf("only %d messages", len(msgs))
	}
	seen := map[string]bool{}
	prev := ""
	for _, m := range msgs {
		if seen[m.ID] || m.ID <= prev || !strings.HasPrefix(m.ID, validation.MessagePrefix) {
			t.Errorf("ID %q duplicated, out of order or unprefixed", m.ID)
		}
		seen[m.ID], prev = true, m.ID
		for _, src := range []problem.Template{m.Default, m.One} {
			if _, err := template.New("").Parse(string(src)); err != nil {
				t.Errorf("%s: %v", m.ID, err)
			}
		}
		counted := !strings.HasPrefix(m.ID, "validation.type.") && (strings.HasSuffix(m.ID, ".string") || strings.HasSuffix(m.ID, ".slice"))
		if counted != (m.One != "") {
			t.Errorf("%s: One = %q", m.ID, m.One)
		}
		if m.Default == "" || m.Data != nil || m.Count != nil {
			t.Errorf("%s: incomplete or carries data", m.ID)
		}
	}
	for _, id := range []string{"validation.required", "validation.min.string", "validation.min.number", "validation.min.slice", "validation.generic", "validation.type.integer", "validation.unknown"} {
		if !seen[id] {
			t.Errorf("missing %s", id)
		}
	}
	custom := validation.New(validation.Options{Messages: map[string]problem.Message{"iban": {Default: "{{.field}} must be an IBAN"}}}).Messages()
	if len(custom) != len(msgs)+1 {
		t.Errorf("Decoder.Messages has %d messages, want %d", len(custom), len(msgs)+1)
	}
}

type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Owner string `json:"owner" validate:"tenant"`
}

type tenantKey struct{}

// TestOptionsRules checks what Options.Rules registers on the Decoder's own
// validator: aliases, struct-level rules (reporting a field under its JSON
// or Go name) and rules that read the request's context, with JSON names
// even when Rules sets a tag name function of its own.
func TestOptionsRules(t *testing.T) {
	rules := func(v *validator.Validate) error {
		v.RegisterTagNameFunc(func(f reflect.StructField) string { return "go:" + f.Name })
		v.RegisterAlias("order", "gtfield=Start")
		v.RegisterStructValidation(func(sl validator.StructLevel) {
			s := sl.Current().Interface().(Span)
			if s.End > 100 {
				sl.ReportError(s.End, "end", "End", "small", "100")
			}
			if s.Start < 0 {
				sl.ReportError(s.Start, "Start", "Start", "positive", "")
			}
		}, Span{})
		return v.RegisterValidationCtx("tenant", func(ctx context.Context, fl validator.FieldLevel) bool {
			return fl.Field().String() == ctx.Value(tenantKey{})
		})
	}
	d := validation.New(validation.Options{Rules: rules})
	type in struct {
		Span
		Until int `json:"until" validate:"order"`
	}
	ctx := context.WithValue(context.Background(), tenantKey{}, "acme")
	tests := []struct {
		name string
		body string
		want []field
	}{
		{"valid", `{"start":1,"end":2,"owner":"acme","until":3}`, nil},
		{"alias and context", `{"start":5,"end":2,"owner":"evil","until":3}`, []field{
			{"#/owner", "owner", "", "tenant", "", "owner is invalid (tenant)"},
			{"#/until", "until", "", "order", "start", "until is invalid (order)"},
		}},
		{"struct level, JSON and Go names", `{"start":-1,"end":101,"owner":"acme","until":3}`, []field{
			{"#/start", "start", "", "positive", "", "start is invalid (positive)"},
			{"#/end", "end", "", "small", "100", "end is invalid (small)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := jsonRequest(tt.body).WithContext(ctx)
			var v in
			got := fieldsOrNil(problemOrNil(d.Decode(r, &v)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode fields:\n got %+v\nwant %+v", got, tt.want)
			}
			// The same rules through Validate, for a value decoded otherwise.
			got = fieldsOrNil(problemOrNil(d.Validate(ctx, &v)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate fields:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestOptionsRulesError checks that New panics with the error Rules
// returns: a rule that cannot be registered is a bug found at start-up.
func TestOptionsRulesError(t *testing.T) {
	errRule := errors.New("no such rule")
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, errRule) {
			t.Errorf("recovered %v, want the error Rules returned", err)
		}
	}()
	validation.New(validation.Options{Rules: func(v *validator.Validate) error { return errRule }})
	t.Error("New did not panic")
}
