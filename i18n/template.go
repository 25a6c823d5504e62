package i18n

import (
	"fmt"

	gotemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"

	"github.com/problemkit/problemkit/internal/tmpl"
)

// funcs are the template functions every message may use.
var funcs = map[string]tmpl.Func{"josa": func(arg string, v any) string { return josa(arg, v) }}

// textParser parses messages in problemkit's message language (see
// problem.Template): text, {{.name}} and {{.name | josa "은"}}, nothing
// else, so that no message can loop or grow with its data. A missing key
// renders as nothing. Its templates are cacheable, so go-i18n parses each
// message once per bundle.
type textParser struct{}

var _ gotemplate.Parser = textParser{}

func (textParser) Cacheable() bool { return true }

func (textParser) Parse(src, leftDelim, rightDelim string) (gotemplate.ParsedTemplate, error) {
	if leftDelim != "" && leftDelim != "{{" || rightDelim != "" && rightDelim != "}}" {
		return nil, fmt.Errorf("delimiters %q and %q: only {{ and }} are supported", leftDelim, rightDelim)
	}
	t, err := tmpl.Compile(src, funcs)
	if err != nil {
		return nil, err
	}
	return parsed{t}, nil
}

// parsed is a compiled message; go-i18n hands it the TemplateData the
// translator gave, a tmpl.Data.
type parsed struct{ t *tmpl.Template }

func (p parsed) Execute(data any) (string, error) {
	switch d := data.(type) {
	case tmpl.Data:
		return p.t.Execute(d), nil
	case map[string]any:
		return p.t.Execute(tmpl.Data{Values: d}), nil
	case nil:
		return p.t.Execute(tmpl.Data{}), nil
	}
	return "", fmt.Errorf("template data of type %T, want a map", data)
}
