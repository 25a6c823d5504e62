package i18n

import (
	"strings"
	"text/template"

	gotemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"github.com/problemkit/problemkit/internal/tmpl"
)

// funcs are the template functions every message may use.
var funcs = template.FuncMap{"josa": josa}

// textParser parses messages as text/template with problemkit's functions
// and the same missing-key behavior as problem.Execute: a missing key
// renders as nothing. Unlike go-i18n's TextParser with Funcs, its
// templates are cacheable, so each message is parsed once per bundle.
type textParser struct{}

var _ gotemplate.Parser = textParser{}

func (textParser) Cacheable() bool { return true }

func (textParser) Parse(src, leftDelim, rightDelim string) (gotemplate.ParsedTemplate, error) {
	if leftDelim == "" {
		leftDelim = "{{"
	}
	if rightDelim == "" {
		rightDelim = "}}"
	}
	if !strings.Contains(src, leftDelim) {
		return literal(src), nil
	}
	t, err := template.New("").Delims(leftDelim, rightDelim).Option("missingkey=zero").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, err
	}
	if leftDelim == "{{" && rightDelim == "}}" {
		// The usual message — text, {{.name}}, {{.name | josa "은"}} —
		// renders without text/template's reflection; the parsed template
		// stays for data that is not a map.
		if fast, ok := tmpl.Compile(src, fastFuncs); ok {
			return compiled{fast: fast, slow: parsed{t}}, nil
		}
	}
	return parsed{t}, nil
}

// fastFuncs are funcs in the form the fast path calls them.
var fastFuncs = map[string]tmpl.Func{"josa": func(arg string, v any) string { return josa(arg, v) }}

// compiled is a message template with a fast path for map data.
type compiled struct {
	fast *tmpl.Template
	slow parsed
}

func (c compiled) Execute(data any) (string, error) {
	switch d := data.(type) {
	case map[string]any:
		return c.fast.Execute(d), nil
	case nil:
		return c.fast.Execute(nil), nil
	}
	return c.slow.Execute(data)
}

type literal string

func (l literal) Execute(any) (string, error) { return string(l), nil }

type parsed struct{ t *template.Template }

func (p parsed) Execute(data any) (string, error) { return tmpl.Slow(p.t, data) }
