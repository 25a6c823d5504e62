package i18n_test

import (
	"encoding/json"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/locales"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/validation"
)

// counts exercise every CLDR plural category of the shipped languages.
var counts = []any{0, 1, 2, 3, 5, 11, 21, 100, "1.5"}

// validationData is the template data the validation package documents.
var validationData = []string{"field", "rule", "param", "otherField", "otherFields", "value", "values"}

// source is a set of shipped message files and what produces their
// messages: problemkit's own (package locales) or a feature's.
type source struct {
	name  string
	files fs.FS
	codes []*problem.Code
	// messages are the other messages, whose template data are allowed.
	messages []problem.Message
	allowed  []string
}

// sources lists the message files of the core module's packages. The
// features of other modules check theirs with Bundle.Check.
func sources() []source {
	return []source{
		{name: "locales", files: locales.FS, codes: problem.Builtin(), messages: problemdocs.Messages()},
		{name: "validation", files: validation.Feature.Files, codes: validation.Feature.Codes, messages: validation.Feature.Messages, allowed: validationData},
		{name: "idempotency", files: idempotency.Feature.Files, codes: idempotency.Feature.Codes},
	}
}

// shippedLocales returns the languages of a source, by file name.
func shippedLocales(t *testing.T, src source) []string {
	t.Helper()
	names, err := fs.Glob(src.files, "locales/*.json")
	if src.name == "locales" {
		names, err = fs.Glob(src.files, "*.json")
	}
	if err != nil || len(names) < 2 {
		t.Fatalf("locales: %v, %v", names, err)
	}
	for i, n := range names {
		names[i] = strings.TrimSuffix(path.Base(n), ".json")
	}
	return names
}

// localeFile reads a shipped file as message ID → plural form → source.
func localeFile(t *testing.T, src source, lang string) map[string]map[string]string {
	t.Helper()
	name := "locales/" + lang + ".json"
	if src.name == "locales" {
		name = lang + ".json"
	}
	buf, err := fs.ReadFile(src.files, name)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf, &raw); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	out := make(map[string]map[string]string, len(raw))
	for id, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[id] = map[string]string{"other": s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			t.Fatalf("%s.json: %s: %v", lang, id, err)
		}
		out[id] = forms
	}
	return out
}

// variables returns the data keys a template source refers to.
func variables(t *testing.T, src string) []string {
	t.Helper()
	tmpl, err := template.New("").Funcs(template.FuncMap{"josa": i18n.Josa}).Parse(src)
	if err != nil {
		t.Errorf("parse %q: %v", src, err)
		return nil
	}
	seen := map[string]bool{}
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			seen[n.Ident[0]] = true
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(tmpl.Tree.Root)
	return slices.Sorted(maps.Keys(seen))
}

// expected is one message a producer emits, with what its locale entries
// must satisfy.
type expected struct {
	msg     problem.Message
	allowed []string // data keys the producer supplies
}

// produced lists every message of a source.
func produced(src source) []expected {
	var out []expected
	for _, c := range src.codes {
		var members []string
		for _, m := range c.Members {
			members = append(members, m.Name)
		}
		if c.DetailOne != "" {
			members = append(members, "count")
		}
		desc, when, action := c.DocMessages()
		out = append(out,
			expected{msg: c.TitleMessage()},
			expected{msg: c.DetailMessage(nil), allowed: members},
			expected{msg: desc}, expected{msg: when}, expected{msg: action},
		)
	}
	for _, c := range src.codes {
		for _, m := range c.Members {
			out = append(out, expected{msg: c.MemberMessage(m)})
		}
	}
	for _, m := range src.messages {
		out = append(out, expected{msg: m, allowed: src.allowed})
	}
	return out
}

// TestLocalesComplete fails when a code or message of the core module has
// no text in a shipped language, lacks a plural form its language needs,
// or uses template data its producer does not supply.
func TestLocalesComplete(t *testing.T) {
	cat := problem.NewCatalog("").MustInclude(validation.Feature, idempotency.Feature)
	b := newBundle(t, i18n.Options{Catalog: cat})
	for _, src := range sources() {
		for _, lang := range shippedLocales(t, src) {
			t.Run(src.name+"/"+lang, func(t *testing.T) {
				file := localeFile(t, src, lang)
				seen := map[string]bool{}
				for _, e := range produced(src) {
					id := e.msg.ID
					seen[id] = true
					forms, ok := file[id]
					if !ok {
						t.Errorf("%s.json: no message %q", lang, id)
						continue
					}
					english := variables(t, string(e.msg.Default+e.msg.One))
					for form, src := range forms {
						for _, v := range variables(t, src) {
							if !slices.Contains(e.allowed, v) {
								t.Errorf("%s.json: %s (%s) uses {{.%s}}, which its producer does not supply (%v)", lang, id, form, v, e.allowed)
							}
							if lang != "en" && !slices.Contains(english, v) && v != "count" {
								t.Errorf("%s.json: %s (%s) uses {{.%s}}, which the English message does not", lang, id, form, v)
							}
						}
					}
					if e.msg.One == "" {
						if _, err := i18n.Lookup(b, lang, e.msg); err != nil {
							t.Errorf("%s: %v", lang, err)
						}
						continue
					}
					for _, n := range counts {
						m := e.msg
						m.Count = n
						if _, err := i18n.Lookup(b, lang, m); err != nil {
							t.Errorf("%s: count %v: %v", lang, n, err)
						}
					}
				}
				for id := range file {
					if !seen[id] {
						t.Errorf("%s.json: message %q is produced by nothing", lang, id)
					}
				}
			})
		}
	}
}

// TestEnglishMatchesDeclarations keeps the en.json files and the English
// compiled into the codes and the validation package from drifting apart.
func TestEnglishMatchesDeclarations(t *testing.T) {
	for _, src := range sources() {
		file := localeFile(t, src, "en")
		for _, e := range produced(src) {
			want := map[string]string{"other": string(e.msg.Default)}
			if e.msg.One != "" {
				want["one"] = string(e.msg.One)
			}
			if got := file[e.msg.ID]; !maps.Equal(got, want) {
				t.Errorf("%s en.json: %s = %q, want %q", src.name, e.msg.ID, got, want)
			}
		}
	}
}
