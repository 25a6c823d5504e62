package tmpl_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/problemkit/problemkit/internal/tmpl"
)

// upper stands for a template function such as josa.
func upper(arg string, v any) string {
	s, _ := v.(string)
	return strings.ToUpper(s) + arg
}

var funcs = map[string]tmpl.Func{"upper": upper}

// reference renders src the way the fast path must match: text/template
// with missingkey=zero and "<no value>" removed.
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
		"{{.missing | upper \"x\"}}", "a {{.field}}{{.param}} b", "unicode 🎉 {{.field}}",
	}
	for _, src := range tests {
		t.Run(src, func(t *testing.T) {
			fast, ok := tmpl.Compile(src, funcs)
			if !ok {
				t.Fatalf("Compile(%q) refused a simple template", src)
			}
			if got, want := fast.Execute(data), reference(t, src, data); got != want {
				t.Errorf("got %q, text/template gives %q", got, want)
			}
		})
	}
}

func TestRefusesWhatItCannotRender(t *testing.T) {
	for _, src := range []string{
		"{{if .x}}y{{end}}", "{{.a.b}}", "{{printf \"%d\" .count}}", "{{.x | unknown \"a\"}}",
		"{{.x | upper}}", "{{.x | upper \"a\" | upper \"b\"}}", "{{.}}", "{{ $x := 1 }}", "{{.field", "{{- .field -}}",
	} {
		if _, ok := tmpl.Compile(src, funcs); ok {
			t.Errorf("Compile(%q) accepted a template it cannot render like text/template", src)
		}
	}
}

// TestShippedMessagesTakeTheFastPath keeps the fast path honest on real
// messages: every message of every locale file renders exactly as
// text/template renders it.
func TestShippedMessagesTakeTheFastPath(t *testing.T) {
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
				fast, ok := tmpl.Compile(src, funcs)
				if !ok {
					t.Errorf("%s %s: %q does not take the fast path", filepath.Base(f), id, src)
					continue
				}
				if got, want := fast.Execute(sample), reference(t, src, sample); got != want {
					t.Errorf("%s %s: got %q, text/template gives %q", filepath.Base(f), id, got, want)
				}
			}
		}
	}
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
			fast.Execute(d)
		}
	})
}
