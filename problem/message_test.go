package problem_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

func withData(m problem.Message, data map[string]any) problem.Message {
	m.Data = data
	return m
}

func TestMessageStringInEnglish(t *testing.T) {
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
		{name: "label is its text in English", msg: problem.Label("field.email", "e-mail {{.x}}"), want: "e-mail {{.x}}"},
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
		{name: "field access is not in the language", msg: problem.Message{Default: "{{.name.first}}", Data: map[string]any{"name": "Ann"}}, want: "{{.name.first}}"},
		{name: "template inclusion is not in the language", msg: problem.Message{Default: `{{template "x"}}`}, want: `{{template "x"}}`},
		{name: "range is not in the language", msg: problem.Message{Default: "{{range .xs}}[{{.}}]{{end}}", Data: map[string]any{"xs": []int{1, 2}}}, want: "{{range .xs}}[{{.}}]{{end}}"},
		{name: "HTML not escaped", msg: problem.Message{Default: "{{.v}}", Data: map[string]any{"v": "<b>&"}}, want: "<b>&"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.msg.String(); got != tt.want {
				t.Errorf("Translate = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClientTextIsNeverParsed: text that came from a request reaches a
// message only as data (or as a literal), and is printed as text.
func TestClientTextIsNeverParsed(t *testing.T) {
	payloads := []string{
		`{{printf "%s-%d" "ssti" 49}}`, "{{range 100000000}}{{end}}", "{{.}}", `{{template "x"}}`,
		`{{define "x"}}y{{end}}`, "{{/* */}}", "{{", "{{.field}}",
	}
	for _, p := range payloads {
		tests := []struct {
			name string
			msg  problem.Message
			want string
		}{
			{"as data", problem.Message{Default: "{{.field}} is not a known field", Data: map[string]any{"field": p}}, p + " is not a known field"},
			{"as a nested label", problem.Message{Default: "{{.field}} is required", Data: map[string]any{"field": problem.Label("field."+p, p)}}, p + " is required"},
			{"as Text", problem.Text(p), p},
			{"as a Label", problem.Label("field."+p, p), p},
			{"as Textf", problem.Textf("got %s", p), "got " + p},
		}
		for _, tt := range tests {
			t.Run(tt.name+" "+p, func(t *testing.T) {
				if got := tt.msg.String(); got != tt.want {
					t.Errorf("Translate = %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestTranslateIsBounded(t *testing.T) {
	huge := strings.Repeat("x", 100<<10)
	for _, m := range []problem.Message{
		problem.Text(huge),
		problem.Label("field.x", huge),
		{Default: "{{.v}} and {{.v}}", Data: map[string]any{"v": huge}},
	} {
		if got := m.String(); len(got) > 4<<10 || !strings.HasSuffix(got, "…") {
			t.Errorf("Translate gave %d bytes (marked %v), want at most 4 KiB, marked", len(got), strings.HasSuffix(got, "…"))
		}
	}
}

func TestMessageLiteralIsZero(t *testing.T) {
	tests := []struct {
		name    string
		msg     problem.Message
		text    string
		literal bool
		zero    bool
	}{
		{name: "zero", msg: problem.Message{}, zero: true},
		{name: "data only is zero", msg: problem.Message{Data: map[string]any{"a": 1}, Count: 1}, zero: true},
		{name: "ID only", msg: problem.Message{ID: "x"}},
		{name: "One only", msg: problem.Message{One: "x"}},
		{name: "Default only", msg: problem.Message{Default: "x"}},
		{name: "Text", msg: problem.Text("x"), text: "x", literal: true},
		{name: "empty Text", msg: problem.Text(""), literal: true, zero: true},
		{name: "Textf", msg: problem.Textf("%d", 1), text: "1", literal: true},
		{name: "Label", msg: problem.Label("field.a", "a"), text: "a", literal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, literal := tt.msg.Literal()
			if text != tt.text || literal != tt.literal {
				t.Errorf("Literal() = %q, %v; want %q, %v", text, literal, tt.text, tt.literal)
			}
			if got := tt.msg.IsZero(); got != tt.zero {
				t.Errorf("IsZero() = %v, want %v", got, tt.zero)
			}
		})
	}
}

func TestMessageString(t *testing.T) {
	m := malformedJSON.DetailMessage(map[string]any{"line": 3, "column": 7})
	if got, want := m.String(), "The request body is not valid JSON (line 3, column 7)."; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := fmt.Sprint(problem.Text("{{.x}}")), "{{.x}}"; got != want {
		t.Errorf("fmt.Sprint = %q, want %q", got, want)
	}
}

func TestTextf(t *testing.T) {
	if got, want := problem.Textf("%s has %d", "a", 2), problem.Text("a has 2"); !reflect.DeepEqual(got, want) {
		t.Errorf("Textf = %#v, want %#v", got, want)
	}
}
