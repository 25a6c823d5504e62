package i18n

import (
	"fmt"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/problemkit/problemkit/problem"
)

// Josa exposes the josa template function to the external tests.
var Josa = josa

// Lookup localizes m in exactly the language lang of b, without any
// fallback, and fails when the message or the plural form m.Count needs is
// missing there.
func Lookup(b *Bundle, lang string, m problem.Message) (string, error) {
	loc := goi18n.NewLocalizer(b.bundle, lang)
	s, tag, err := loc.LocalizeWithTag(&goi18n.LocalizeConfig{
		MessageID: m.ID, TemplateData: m.Data, PluralCount: pluralCount(m.Count), TemplateParser: textParser{},
	})
	if err != nil {
		return s, err
	}
	if tag.String() != lang {
		return s, fmt.Errorf("message %q came from %s, not %s", m.ID, tag, lang)
	}
	return s, nil
}

// GoI18n returns a function that localizes a message with go-i18n's own
// Localize in exactly the language lang, on a Localizer built once: the
// baseline of BenchmarkSingular.
func GoI18n(b *Bundle, lang string) func(problem.Message) (string, error) {
	loc := goi18n.NewLocalizer(b.bundle, lang)
	return func(m problem.Message) (string, error) {
		return loc.Localize(&goi18n.LocalizeConfig{MessageID: m.ID, TemplateData: m.Data, TemplateParser: textParser{}})
	}
}
