package i18n

import (
	"encoding/json"
	"math"
	"strconv"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/internal/tmpl"
	"github.com/problemkit/problemkit/problem"
)

// translator translates messages into one of a bundle's languages. The
// bundle builds one per language, once; they are shared by all requests.
type translator struct {
	lang  string              // BCP 47 tag of the language, for Content-Language
	chain []*goi18n.Localizer // the language, its supported parents, the default
	// others are the "other" forms of the chain's messages, by ID: what a
	// message without a count renders, as go-i18n would, without its
	// plural machinery and language matching on every call.
	others []map[string]*tmpl.Template
}

var (
	_ problem.Translator = (*translator)(nil)
	_ tmpl.Resolver      = (*translator)(nil)
)

// Language returns the BCP 47 tag of the bundle language the translator
// writes, such as "ko": the language matched, never the raw request header.
func (t *translator) Language() string { return t.lang }

// Translate returns m in the translator's language. Message values in
// m.Data, such as field labels, are translated when they are printed. A
// message missing from the language, or missing the plural form m.Count
// needs, or whose template fails, falls back to the language's parents,
// then to the default language, then to m's literal text (Text, Label), or
// else its English default; Translate never fails.
func (t *translator) Translate(m problem.Message) string {
	s, _ := t.localize(m)
	return s
}

// localize is Translate that also reports whether the text came from the
// bundle.
func (t *translator) localize(m problem.Message) (string, bool) {
	count := pluralCount(m.Count)
	if m.ID != "" && count == nil {
		for _, msgs := range t.others {
			if tpl := msgs[m.ID]; tpl != nil {
				return tpl.Execute(tmpl.Data{Values: m.Data, Resolver: t}), true
			}
		}
	} else if m.ID != "" {
		// A count: go-i18n picks the plural form of the language.
		data := tmpl.Data{Values: m.Data, Count: count, Resolver: t}
		for _, l := range t.chain {
			s, err := l.Localize(&goi18n.LocalizeConfig{
				MessageID:      m.ID,
				TemplateData:   data,
				PluralCount:    count,
				TemplateParser: textParser{},
			})
			if err == nil {
				return s, true
			}
		}
	}
	if text, ok := m.Literal(); ok {
		return clip.String(text, clip.Message), false
	}
	src := m.Default
	if m.One != "" && (count == int64(1) || count == "1") {
		src = m.One
	}
	return tmpl.Render(string(src), tmpl.Data{Values: m.Data, Count: count, Resolver: t}), false
}

// Resolve translates the Messages in template data, such as field labels.
func (t *translator) Resolve(v any) (string, bool) {
	if m, ok := v.(problem.Message); ok {
		return t.Translate(m), true
	}
	return "", false
}

// pluralCount converts a Message's Count into what go-i18n's plural rules
// accept, an int64 or a decimal string; nil when it is not a number.
func pluralCount(c any) any {
	switch c := c.(type) {
	case nil:
		return nil
	case int:
		return int64(c)
	case int8:
		return int64(c)
	case int16:
		return int64(c)
	case int32:
		return int64(c)
	case int64:
		return c
	case uint:
		return uintCount(uint64(c))
	case uint8:
		return int64(c)
	case uint16:
		return int64(c)
	case uint32:
		return int64(c)
	case uint64:
		return uintCount(c)
	case float32:
		return floatCount(float64(c))
	case float64:
		return floatCount(c)
	case json.Number:
		return numberString(string(c))
	case string:
		return numberString(c)
	}
	return nil
}

func uintCount(u uint64) any {
	if u > math.MaxInt64 {
		return strconv.FormatUint(u, 10)
	}
	return int64(u)
}

func floatCount(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// numberString returns s if it is a plain decimal number go-i18n can
// read, nil otherwise.
func numberString(s string) any {
	if _, err := strconv.ParseFloat(s, 64); err != nil || s == "" {
		return nil
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-' && i == 0) {
			return nil
		}
	}
	return s
}
