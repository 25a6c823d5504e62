package problem

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/problemkit/problemkit/internal/tmpl"
)

// Message is text that is localized when a problem is rendered, not when the
// error is created: an i18n message ID, the English default, and the data
// its template refers to.
//
// Default and One are text/template sources, the same syntax go-i18n uses,
// so "{{.Field}} must be at least {{.Param}} characters" works in both. A
// Data value that is itself a Message is translated before the template runs;
// field labels use this.
type Message struct {
	// ID is the message ID looked up in the translation bundle, such as
	// "USER_NOT_FOUND.detail" or "validation.min.string".
	ID string
	// Default is the English text (plural form "other" when Count is set),
	// used when no translation is found.
	Default string
	// One is the English singular form, used when Count is 1.
	One string
	// Data is the template data.
	Data map[string]any
	// Count selects the plural form; nil means the message has none.
	Count any

	// literal marks text that is never run as a template (see Text).
	literal bool
}

// IsLiteral reports whether m is fixed text made by Text or Textf, which
// translators must return as is.
func (m Message) IsLiteral() bool { return m.literal }

// IsZero reports whether m carries no text at all.
func (m Message) IsZero() bool { return m.ID == "" && m.Default == "" && m.One == "" }

// Translator turns messages into text in one language. Implementations
// must be safe for concurrent use; the i18n package provides one per request
// from Accept-Language.
type Translator interface {
	// Language is the BCP 47 tag of the text Translate returns, for the
	// Content-Language header.
	Language() string
	// Translate returns the text for m, falling back to m's defaults.
	Translate(m Message) string
}

// DefaultTranslator renders messages from their English defaults. It is what
// renderers use when no i18n bundle is configured.
var DefaultTranslator Translator = defaultTranslator{}

type defaultTranslator struct{}

func (defaultTranslator) Language() string { return "en" }

func (t defaultTranslator) Translate(m Message) string {
	if m.literal {
		return m.Default
	}
	src := m.Default
	if m.One != "" && isOne(m.Count) {
		src = m.One
	}
	return Execute(src, ResolveData(m.Data, t))
}

// isOne reports whether a plural count is exactly one. The count may be of
// any integer or floating-point type, or a string such as "1".
func isOne(count any) bool {
	v := reflect.ValueOf(count)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 1
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 1
	case reflect.Float32, reflect.Float64:
		return v.Float() == 1
	case reflect.String:
		return v.String() == "1"
	}
	return false
}

// ResolveData returns data with every Message value translated by t, so that
// templates see plain strings. The original map is not modified.
func ResolveData(data map[string]any, t Translator) map[string]any {
	var out map[string]any
	for k, v := range data {
		if m, ok := v.(Message); ok {
			if out == nil {
				out = maps.Clone(data)
			}
			out[k] = t.Translate(m)
		}
	}
	if out == nil {
		return data
	}
	return out
}

// templates caches parsed default templates. Sources come from messages
// compiled into the program, but the cache is bounded all the same.
var (
	templates     sync.Map // string → *template.Template, or error
	templateCount atomic.Int64
)

const maxCachedTemplates = 4096

// Execute renders a text/template source with data. Text without "{{" is
// returned as is. A template that fails to parse or execute returns its
// source with the actions left in, never an error: a broken message must not
// break an error response.
func Execute(src string, data map[string]any) string {
	if !strings.Contains(src, "{{") {
		return src
	}
	v, ok := templates.Load(src)
	if !ok {
		var compiled any
		if fast, ok := tmpl.Compile(src, nil); ok {
			compiled = fast
		} else if t, err := template.New("").Option("missingkey=zero").Parse(src); err == nil {
			compiled = t
		} else {
			compiled = err
		}
		if templateCount.Load() < maxCachedTemplates {
			templateCount.Add(1)
			templates.Store(src, compiled)
		}
		v = compiled
	}
	switch t := v.(type) {
	case *tmpl.Template:
		return t.Execute(data)
	case *template.Template:
		out, err := tmpl.Slow(t, data)
		if err != nil {
			return src
		}
		return out
	}
	return src // the source did not parse
}

// Text returns a Message with fixed text and no ID: it is shown as is in
// every language and never run as a template, so it may hold any input.
func Text(s string) Message { return Message{Default: s, literal: true} }

// Textf is Text with fmt.Sprintf formatting.
func Textf(format string, args ...any) Message {
	return Text(fmt.Sprintf(format, args...))
}
