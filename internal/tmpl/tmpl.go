// Package tmpl renders the simple message templates problemkit's messages
// are made of — text with {{.name}} actions, optionally piped through one
// function with one quoted argument ({{.name | josa "은"}}) — without
// text/template's reflection. Anything else is left to text/template by
// the caller: Compile reports whether src is simple.
package tmpl

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
)

// Func is a template function applied as {{.name | fn "arg"}}: it receives
// the quoted argument and the value.
type Func func(arg string, value any) string

// Template is a compiled simple template. It is immutable and safe for
// concurrent use.
type Template struct {
	parts []part
	size  int // bytes of literal text, to size the output
}

type part struct {
	text string // literal text, when name is empty
	name string // data key
	fn   Func
	arg  string
}

// Compile compiles src when it is simple: literal text and actions of the
// form {{.name}} or {{.name | fn "arg"}} with fn in funcs, names made of
// letters, digits and underscores. It reports false otherwise, and for
// delimiters other than {{ }}.
func Compile(src string, funcs map[string]Func) (*Template, bool) {
	t := &Template{}
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{text: src[:i]})
			t.size += i
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, false
		}
		p, ok := action(strings.TrimSpace(src[i+2:i+j]), funcs)
		if !ok {
			return nil, false
		}
		t.parts = append(t.parts, p)
		src = src[i+j+2:]
	}
	if src != "" {
		t.parts = append(t.parts, part{text: src})
		t.size += len(src)
	}
	return t, true
}

// action parses ".name" or ".name | fn "arg"".
func action(a string, funcs map[string]Func) (part, bool) {
	head, pipe, piped := strings.Cut(a, "|")
	name := strings.TrimSpace(head)
	if len(name) < 2 || name[0] != '.' || !ident(name[1:]) {
		return part{}, false
	}
	p := part{name: name[1:]}
	if !piped {
		return p, true
	}
	fnName, quoted, ok := strings.Cut(strings.TrimSpace(pipe), " ")
	fn := funcs[fnName]
	if !ok || fn == nil {
		return part{}, false
	}
	arg, err := strconv.Unquote(strings.TrimSpace(quoted))
	if err != nil {
		return part{}, false
	}
	p.fn, p.arg = fn, arg
	return p, true
}

func ident(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// Execute renders t with data. A missing key renders as nothing, as
// text/template with missingkey=zero does once "<no value>" is removed.
func (t *Template) Execute(data map[string]any) string {
	if len(t.parts) == 1 && t.parts[0].name == "" {
		return t.parts[0].text
	}
	var b strings.Builder
	b.Grow(t.size + 16*len(t.parts))
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.text)
			continue
		}
		v, ok := data[p.name]
		if p.fn != nil {
			if !ok {
				v = nil
			}
			b.WriteString(p.fn(p.arg, v))
			continue
		}
		if ok {
			writeValue(&b, v)
		}
	}
	return b.String()
}

// writeValue prints v as text/template does (fmt's %v), with fast paths for
// the common kinds.
func writeValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	default:
		fmt.Fprint(b, x)
	}
}

// Slow executes a text/template parsed with missingkey=zero the way the
// fast path renders: a missing key prints nothing instead of "<no value>".
// It is the fallback for templates Compile refuses.
func Slow(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return strings.ReplaceAll(b.String(), "<no value>", ""), nil
}
