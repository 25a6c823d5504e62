package problem_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

var _ problem.Translator = problem.DefaultTranslator

func TestDefaultTranslatorLanguage(t *testing.T) {
	if got := problem.DefaultTranslator.Language(); got != "en" {
		t.Errorf("Language() = %q, want en", got)
	}
}

func withData(m problem.Message, data map[string]any) problem.Message {
	m.Data = data
	return m
}

func TestDefaultTranslatorTranslate(t *testing.T) {
	plural := problem.Message{ID: "n", One: "1 field is invalid.", Default: "{{.count}} fields are invalid."}
	count := func(c any) problem.Message {
		m := plural
		m.Count = c
		m.Data = map[string]any{"count": c}
		return m
	}
	tests := []struct {
		name string
		msg  problem.Message
		want string
	}{
		{name: "zero message", msg: problem.Message{}, want: ""},
		{name: "plain default", msg: problem.Message{ID: "x", Default: "Not found."}, want: "Not found."},
		{name: "template with data", msg: problem.Message{Default: "{{.name}} is {{.age}}", Data: map[string]any{"name": "Ann", "age": 3}}, want: "Ann is 3"},
		{name: "literal never templated", msg: withData(problem.Text("{{.name}} stays"), map[string]any{"name": "Ann"}), want: "{{.name}} stays"},
		{name: "literal with unbalanced braces", msg: problem.Text("{{ {{.x"), want: "{{ {{.x"},
		{name: "literal from Textf", msg: problem.Textf("user %d: {{.x}}", 7), want: "user 7: {{.x}}"},
		{name: "literal ignores One and Count", msg: func() problem.Message { m := problem.Text("many"); m.One = "one"; m.Count = 1; return m }(), want: "many"},
		{name: "count int 1 picks One", msg: count(1), want: "1 field is invalid."},
		{name: "count int 2 picks Default", msg: count(2), want: "2 fields are invalid."},
		{name: "count int 0 picks Default", msg: count(0), want: "0 fields are invalid."},
		{name: "count float64 1 picks One", msg: count(float64(1)), want: "1 field is invalid."},
		{name: "count float64 2 picks Default", msg: count(float64(2)), want: "2 fields are invalid."},
		{name: "count float64 1.5 picks Default", msg: count(1.5), want: "1.5 fields are invalid."},
		{name: "count string 1 picks One", msg: count("1"), want: "1 field is invalid."},
		{name: "count string 2 picks Default", msg: count("2"), want: "2 fields are invalid."},
		{name: "count int64 1 picks One", msg: count(int64(1)), want: "1 field is invalid."},
		{name: "count int32 1 picks One", msg: count(int32(1)), want: "1 field is invalid."},
		{name: "count uint 1 picks One", msg: count(uint(1)), want: "1 field is invalid."},
		{name: "count json.Number 1 picks One", msg: count(json.Number("1")), want: "1 field is invalid."},
		{name: "nil count picks Default", msg: problem.Message{One: "one", Default: "other"}, want: "other"},
		{name: "bool count picks Default", msg: problem.Message{One: "one", Default: "other", Count: true}, want: "other"},
		{name: "count 1 without One picks Default", msg: problem.Message{Default: "{{.count}} items", Count: 1, Data: map[string]any{"count": 1}}, want: "1 items"},
		{
			name: "nested message in data resolved",
			msg: problem.Message{Default: "{{.field}} is required", Data: map[string]any{
				"field": problem.Message{ID: "label.email", Default: "E-mail"},
			}},
			want: "E-mail is required",
		},
		{
			name: "nested message templated with its own data",
			msg: problem.Message{Default: "{{.field}} must be at least {{.min}}", Data: map[string]any{
				"min":   3,
				"field": problem.Message{Default: "the {{.which}} name", Data: map[string]any{"which": "user"}},
			}},
			want: "the user name must be at least 3",
		},
		{
			name: "nested literal kept as is",
			msg:  problem.Message{Default: "got {{.v}}", Data: map[string]any{"v": problem.Text("{{.evil}}")}},
			want: "got {{.evil}}",
		},
		{name: "missing key renders empty", msg: problem.Message{Default: "Hello {{.name}}!"}, want: "Hello !"},
		{name: "missing key among present ones", msg: problem.Message{Default: "{{.a}}-{{.b}}", Data: map[string]any{"a": 1}}, want: "1-"},
		{name: "broken template returns source", msg: problem.Message{Default: "Hello {{.name", Data: map[string]any{"name": "x"}}, want: "Hello {{.name"},
		{name: "unknown function returns source", msg: problem.Message{Default: "{{nope .x}}"}, want: "{{nope .x}}"},
		{name: "execution error returns source", msg: problem.Message{Default: "{{.name.first}}", Data: map[string]any{"name": "Ann"}}, want: "{{.name.first}}"},
		{name: "undefined template returns source", msg: problem.Message{Default: `{{template "x"}}`}, want: `{{template "x"}}`},
		{name: "HTML not escaped", msg: problem.Message{Default: "{{.v}}", Data: map[string]any{"v": "<b>&"}}, want: "<b>&"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problem.DefaultTranslator.Translate(tt.msg); got != tt.want {
				t.Errorf("Translate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExecute(t *testing.T) {
	tests := []struct {
		name string
		src  string
		data map[string]any
		want string
	}{
		{name: "no actions returned as is", src: "plain <no value> text", want: "plain <no value> text"},
		{name: "single brace not an action", src: "a { b } c", data: map[string]any{"b": 1}, want: "a { b } c"},
		{name: "action", src: "limit {{.limit}} bytes", data: map[string]any{"limit": 1024}, want: "limit 1024 bytes"},
		{name: "same source, other data", src: "limit {{.limit}} bytes", data: map[string]any{"limit": 5}, want: "limit 5 bytes"},
		{name: "nil data", src: "x{{.y}}z", want: "xz"},
		{name: "parse error", src: "{{if}}", want: "{{if}}"},
		{name: "parse error cached, still source", src: "{{if}}", data: map[string]any{"a": 1}, want: "{{if}}"},
		{name: "range over data", src: "{{range .xs}}[{{.}}]{{end}}", data: map[string]any{"xs": []int{1, 2}}, want: "[1][2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problem.Execute(tt.src, tt.data); got != tt.want {
				t.Errorf("Execute(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestExecuteConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			src := fmt.Sprintf("{{.n}} of %d", i%4)
			want := fmt.Sprintf("%d of %d", i, i%4)
			if got := problem.Execute(src, map[string]any{"n": i}); got != want {
				t.Errorf("Execute = %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
}

func TestResolveData(t *testing.T) {
	label := problem.Message{Default: "E-mail"}
	tests := []struct {
		name string
		data map[string]any
		want map[string]any
	}{
		{name: "nil", data: nil, want: nil},
		{name: "no messages", data: map[string]any{"a": 1}, want: map[string]any{"a": 1}},
		{name: "messages translated", data: map[string]any{"a": 1, "f": label, "l": problem.Text("{{x}}")}, want: map[string]any{"a": 1, "f": "E-mail", "l": "{{x}}"}},
		{name: "pointer to message left alone", data: map[string]any{"p": &label}, want: map[string]any{"p": &label}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(tt.data)
			got := problem.ResolveData(tt.data, problem.DefaultTranslator)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ResolveData = %#v, want %#v", got, tt.want)
			}
			if after := fmt.Sprint(tt.data); after != before {
				t.Errorf("ResolveData modified its input: %s, was %s", after, before)
			}
		})
	}
}

func TestMessageIsLiteralIsZero(t *testing.T) {
	tests := []struct {
		name    string
		msg     problem.Message
		literal bool
		zero    bool
	}{
		{name: "zero", msg: problem.Message{}, zero: true},
		{name: "data only is zero", msg: problem.Message{Data: map[string]any{"a": 1}, Count: 1}, zero: true},
		{name: "ID only", msg: problem.Message{ID: "x"}},
		{name: "One only", msg: problem.Message{One: "x"}},
		{name: "Default only", msg: problem.Message{Default: "x"}},
		{name: "Text", msg: problem.Text("x"), literal: true},
		{name: "empty Text", msg: problem.Text(""), literal: true, zero: true},
		{name: "Textf", msg: problem.Textf("%d", 1), literal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.msg.IsLiteral(); got != tt.literal {
				t.Errorf("IsLiteral() = %v, want %v", got, tt.literal)
			}
			if got := tt.msg.IsZero(); got != tt.zero {
				t.Errorf("IsZero() = %v, want %v", got, tt.zero)
			}
		})
	}
}

func TestTextf(t *testing.T) {
	if got, want := problem.Textf("%s has %d", "a", 2), problem.Text("a has 2"); !reflect.DeepEqual(got, want) {
		t.Errorf("Textf = %#v, want %#v", got, want)
	}
}
