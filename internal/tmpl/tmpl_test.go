package tmpl_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/internal/tmpl"
)

// upper stands for a template function such as josa.
func upper(arg string, v any) string {
	s, _ := v.(string)
	return strings.ToUpper(s) + arg
}

var funcs = map[string]tmpl.Func{"upper": upper}

// reference renders src the way tmpl must: text/template with
// missingkey=zero and "<no value>" removed. The language is a subset of
// text/template's, so the two agree wherever tmpl accepts a source.
func reference(t *testing.T, src string, data map[string]any) string {
	t.Helper()
	tt, err := template.New("").Option("missingkey=zero").Funcs(template.FuncMap{
		"upper": func(arg string, v any) string { return upper(arg, v) },
	}).Parse(src)
	if err != nil {
		t.Fatalf("reference parse %q: %v", src, err)
	}
	var b strings.Builder
	if err := tt.Execute(&b, data); err != nil {
		t.Fatalf("reference execute %q: %v", src, err)
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

var data = map[string]any{
	"field": "사용자 이름", "param": "3", "count": 7, "n64": int64(-12), "f": 2.5, "whole": 3.0,
	"yes": true, "nilv": nil, "time": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "err": errors.New("boom"),
	"list": []string{"a", "b"}, "_under": "u", "x1": "one",
}

func TestMatchesTextTemplate(t *testing.T) {
	tests := []string{
		"", "plain text", "{{.field}}", "{{.field}} must be at least {{.param}} characters long",
		"{{ .field }} has {{.count}} of {{.n64}}", "{{.f}} {{.whole}} {{.yes}} {{.nilv}} {{.missing}}",
		"{{.time}} {{.err}} {{.list}} {{._under}} {{.x1}}", "{{.field | upper \"은\"}} 필수입니다.",
		"{{.missing | upper \"x\"}}", "a {{.field}}{{.param}} b", "unicode 🎉 {{.field}}", "a }} b",
	}
	for _, src := range tests {
		t.Run(src, func(t *testing.T) {
			c, err := tmpl.Compile(src, funcs)
			if err != nil {
				t.Fatalf("Compile(%q): %v", src, err)
			}
			if got, want := c.Execute(tmpl.Data{Values: data}), reference(t, src, data); got != want {
				t.Errorf("got %q, text/template gives %q", got, want)
			}
		})
	}
}

// TestRefusesEverythingElse: no action but {{.name}} and one function with
// one quoted argument is in the language, so nothing can loop, call,
// define or include.
func TestRefusesEverythingElse(t *testing.T) {
	for _, src := range []string{
		"{{if .x}}y{{end}}", "{{range 100000000}}{{end}}", "{{range .xs}}{{.}}{{end}}", "{{with .x}}{{.}}{{end}}",
		`{{define "x"}}a{{end}}`, `{{template "x"}}`, `{{block "x" .}}a{{end}}`, "{{/* a comment */}}",
		"{{.a.b}}", `{{printf "%d" .count}}`, "{{.x | unknown \"a\"}}", "{{call .f}}", "{{index .m 1}}",
		"{{.x | upper}}", "{{.x | upper \"a\" | upper \"b\"}}", "{{.}}", "{{ $x := 1 }}", "{{.field",
		"{{- .field -}}", "{{}}", "{{.}}{{.}}", "{{ .9x }}", "{{.x-y}}", "text {{", "{{.x | upper 'a'}}",
	} {
		if _, err := tmpl.Compile(src, funcs); err == nil {
			t.Errorf("Compile(%q) accepted it", src)
		} else if se := (*tmpl.SyntaxError)(nil); !errors.As(err, &se) {
			t.Errorf("Compile(%q) = %v, want a *SyntaxError", src, err)
		}
	}
}

// TestDataIsNeverParsed: whatever a value holds, it is printed as text.
func TestDataIsNeverParsed(t *testing.T) {
	c, err := tmpl.Compile("{{.field}} is not a known field", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{
		`{{printf "%s-%d" "ssti" 49}}`, "{{range 100000000}}{{end}}", "{{.}}", `{{template "x"}}`,
		`{{define "x"}}{{end}}`, "{{/* */}}", "{{", "}}", "{{.field}}", "<b>&amp;</b>",
	} {
		if got, want := c.Execute(tmpl.Data{Values: map[string]any{"field": v}}), v+" is not a known field"; got != want {
			t.Errorf("Execute with %q = %q, want %q", v, got, want)
		}
	}
}

func TestOutputIsBounded(t *testing.T) {
	huge := strings.Repeat("가", 10000) // 30,000 bytes
	tests := []struct {
		name string
		src  string
		d    tmpl.Data
	}{
		{"a huge value", "{{.x}} is bad", tmpl.Data{Values: map[string]any{"x": huge}}},
		{"a huge value through a func", "{{.x | upper \"은\"}}", tmpl.Data{Values: map[string]any{"x": huge}}},
		{"many values", strings.Repeat("{{.x}}", 100), tmpl.Data{Values: map[string]any{"x": strings.Repeat("ab", 100)}}},
		{"a huge composite value", "{{.x}}", tmpl.Data{Values: map[string]any{"x": make([]int, 1<<14)}}},
		{"huge literal text", strings.Repeat("text ", 2000), tmpl.Data{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tmpl.Compile(tt.src, funcs)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Execute(tt.d)
			if len(got) > clip.Message || !strings.HasSuffix(got, clip.Marker) || !utf8.ValidString(got) {
				t.Errorf("%d bytes, marked %v, valid UTF-8 %v; want at most %d, marked, valid",
					len(got), strings.HasSuffix(got, clip.Marker), utf8.ValidString(got), clip.Message)
			}
		})
	}
}

func TestResolverAndCount(t *testing.T) {
	c, err := tmpl.Compile("{{.field}}: {{.count}} {{.other}}", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Execute(tmpl.Data{Values: map[string]any{"field": label("email"), "other": 1}, Count: 3, Resolver: resolver{}})
	if want := "<email>: 3 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = c.Execute(tmpl.Data{Values: map[string]any{"count": 5}, Count: 3})
	if want := ": 5 "; got != want {
		t.Errorf("a count in the values wins: got %q, want %q", got, want)
	}
}

type label string

type resolver struct{}

func (resolver) Resolve(v any) (string, bool) {
	if l, ok := v.(label); ok {
		return "<" + string(l) + ">", true
	}
	return "", false
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, src string
		values    map[string]any
		want      string
	}{
		{"no actions returned as is", "plain <no value> text", nil, "plain <no value> text"},
		{"single brace not an action", "a { b } c", map[string]any{"b": 1}, "a { b } c"},
		{"action", "limit {{.limit}} bytes", map[string]any{"limit": 1024}, "limit 1024 bytes"},
		{"same source, other data", "limit {{.limit}} bytes", map[string]any{"limit": 5}, "limit 5 bytes"},
		{"nil data", "x{{.y}}z", nil, "xz"},
		{"a source outside the language is printed, not run", "{{range .xs}}[{{.}}]{{end}}", map[string]any{"xs": []int{1, 2}}, "{{range .xs}}[{{.}}]{{end}}"},
		{"and again, from the cache", "{{range .xs}}[{{.}}]{{end}}", map[string]any{"xs": []int{1, 2}}, "{{range .xs}}[{{.}}]{{end}}"},
		{"a function is not known to Render", "{{.x | upper \"a\"}}", map[string]any{"x": "b"}, "{{.x | upper \"a\"}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tmpl.Render(tt.src, tmpl.Data{Values: tt.values}); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestRenderConcurrent(t *testing.T) {
	done := make(chan struct{})
	for i := range 16 {
		go func() {
			defer func() { done <- struct{}{} }()
			src := "{{.n}} of " + strings.Repeat("x", i%4)
			want := strconv.Itoa(i) + " of " + strings.Repeat("x", i%4)
			if got := tmpl.Render(src, tmpl.Data{Values: map[string]any{"n": i}}); got != want {
				t.Errorf("Render = %q, want %q", got, want)
			}
		}()
	}
	for range 16 {
		<-done
	}
}

// TestShippedMessagesAreInTheLanguage: every message of every locale file
// compiles, and renders exactly as text/template renders it.
func TestShippedMessagesAreInTheLanguage(t *testing.T) {
	files, _ := filepath.Glob("../../locales/*.json")
	more, _ := filepath.Glob("../../example_server/locales/*.json")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("found %d locale files", len(files))
	}
	sample := map[string]any{"field": "이메일", "param": "5", "count": 3, "otherField": "비밀번호", "otherFields": "a, b",
		"value": "x", "values": "a, b", "rule": "min", "userId": 42, "username": "taken", "availableBalance": int64(5000),
		"requiredAmount": int64(7000), "currency": "KRW", "accountCurrency": "KRW", "accountId": 9, "line": 1, "column": 2, "limit": 1048576, "retryAfter": 30}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(raw, &msgs); err != nil {
			t.Fatal(err)
		}
		for id, v := range msgs {
			var forms []string
			switch x := v.(type) {
			case string:
				forms = []string{x}
			case map[string]any:
				for _, s := range x {
					forms = append(forms, s.(string))
				}
			}
			for _, src := range forms {
				// josa stands in as upper: the same call shape.
				src = strings.ReplaceAll(src, "josa", "upper")
				c, err := tmpl.Compile(src, funcs)
				if err != nil {
					t.Errorf("%s %s: %v", filepath.Base(f), id, err)
					continue
				}
				if got, want := c.Execute(tmpl.Data{Values: sample}), reference(t, src, sample); got != want {
					t.Errorf("%s %s: got %q, text/template gives %q", filepath.Base(f), id, got, want)
				}
			}
		}
	}
}

// FuzzExecute: whatever a value holds, a template prints it verbatim as
// text, and the output never exceeds its bound.
func FuzzExecute(f *testing.F) {
	for _, s := range []string{"", "email", `{{printf "%s-%d" "ssti" 49}}`, "{{range 100000000}}{{end}}", "{{", "\xff\xfe", strings.Repeat("a", 5000)} {
		f.Add(s)
	}
	c, err := tmpl.Compile("{{.field}} is not a known field", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := c.Execute(tmpl.Data{Values: map[string]any{"field": v}})
		want := v + " is not a known field"
		if len(want) <= clip.Message {
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
			return
		}
		if len(got) > clip.Message || !strings.HasSuffix(got, clip.Marker) || !strings.HasPrefix(want, strings.TrimSuffix(got, clip.Marker)) {
			t.Fatalf("cut output %d bytes, not a marked prefix of the whole", len(got))
		}
	})
}

func BenchmarkExecute(b *testing.B) {
	const src = "{{.field}} must be at least {{.param}} characters long"
	fast, _ := tmpl.Compile(src, nil)
	slow := template.Must(template.New("").Option("missingkey=zero").Parse(src))
	d := map[string]any{"field": "username", "param": "3"}
	b.Run("text_template", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var sb strings.Builder
			_ = slow.Execute(&sb, d)
		}
	})
	b.Run("tmpl", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fast.Execute(tmpl.Data{Values: d})
		}
	})
}

// BenchmarkRenderCache is the reason Render caches compiled sources: it is
// the English path of every message when no bundle has it (the detail of a
// 404 with its member, the field messages of a 422 without an i18n bundle),
// and compiling each time costs more than the rendering itself.
func BenchmarkRenderCache(b *testing.B) {
	const src = "{{.field}} must be at least {{.param}} characters long"
	d := tmpl.Data{Values: map[string]any{"field": "username", "param": "3"}}
	b.Run("compile_each_time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t, _ := tmpl.Compile(src, nil)
			t.Execute(d)
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tmpl.Render(src, d)
		}
	})
}
