package problem

import (
	"fmt"
	"reflect"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/internal/tmpl"
)

// Template is the source of a message's text: literal text in which
// {{.name}} prints the template data value name as text, and
// {{.name | fn "arg"}} passes it through a template function first (the
// i18n package provides josa, for Korean particles). Nothing else is an
// action — no conditionals, loops or calls — so rendering costs time
// linear in the text and the data it prints, and its output is cut at
// 4 KiB whatever the data.
//
// A Template comes from code, as a constant in a Code or Message
// declaration, or from a message file. Never convert text that came from a
// request or from another service into a Template: put it in the
// message's Data, where it is printed as text, or use Text or Label.
type Template string

// Message is text that is localized when a problem is rendered, not when the
// error is created: an i18n message ID, the English default, and the data
// its template refers to. Make one as a composite literal from constant
// templates, or with Text or Label for text that must never be parsed.
//
// A Data value that is itself a Message is translated before it is
// printed; field labels use this.
type Message struct {
	// ID is the message ID looked up in the translation bundle, such as
	// "USER_NOT_FOUND.detail" or "validation.min.string".
	ID string
	// Default is the English text (plural form "other" when Count is set),
	// used when no translation is found.
	Default Template
	// One is the English singular form, used when Count is 1.
	One Template
	// Data is the template data.
	Data map[string]any
	// Count selects the plural form; nil means the message has none.
	Count any

	// text is shown as it is when no translation of ID is found (Text,
	// Label); literal says there is one.
	text    string
	literal bool
}

// Literal returns the text m shows verbatim when no translation of its ID
// is found, and whether it has one: messages made by Text, Textf and Label
// do. Translators must return that text as it is, never parse it.
func (m Message) Literal() (string, bool) { return m.text, m.literal }

// IsZero reports whether m carries no text at all.
func (m Message) IsZero() bool {
	return m.ID == "" && m.Default == "" && m.One == "" && m.text == ""
}

// String returns m in English, from its defaults, as a Translator does for
// a message its bundle lacks: what a problem says when no i18n bundle is
// configured.
func (m Message) String() string { return english{}.Translate(m) }

// Text returns a Message with fixed text and no ID: it is shown as it is in
// every language and never parsed as a template, so it may hold any input.
func Text(s string) Message { return Message{text: s, literal: true} }

// Textf is Text with fmt.Sprintf formatting.
func Textf(format string, args ...any) Message {
	return Text(fmt.Sprintf(format, args...))
}

// Label returns a Message looked up by id in the application's message
// files and shown as text, verbatim, when none has it: the name of a field
// or a parameter, whose translation is optional.
func Label(id, text string) Message { return Message{ID: id, text: text, literal: true} }

// Translator turns messages into text in one language. Implementations
// must be safe for concurrent use; the i18n package provides one per request
// from Accept-Language.
//
// A Translator looks m.ID up in its messages, with m.Data as the template
// data; when it has no translation, it returns the text of m.Literal if m
// has one, and otherwise renders m.Default (or m.One when m.Count is 1).
type Translator interface {
	// Language is the BCP 47 tag of the text Translate returns, for the
	// Content-Language header.
	Language() string
	// Translate returns the text for m, falling back to m's defaults.
	Translate(m Message) string
}

// english renders messages from their English defaults, nested messages
// included.
type english struct{}

func (t english) Translate(m Message) string {
	if m.literal {
		return clip.String(m.text, clip.Message)
	}
	src := m.Default
	if m.One != "" && isOne(m.Count) {
		src = m.One
	}
	return tmpl.Render(string(src), tmpl.Data{Values: m.Data, Count: m.Count, Resolver: resolver{t}})
}

// resolver translates the Messages in template data.
type resolver struct {
	t interface{ Translate(Message) string }
}

func (r resolver) Resolve(v any) (string, bool) {
	if m, ok := v.(Message); ok {
		return r.t.Translate(m), true
	}
	return "", false
}

var _ tmpl.Resolver = resolver{}

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
