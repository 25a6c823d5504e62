package i18n

import (
	"fmt"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/problemkit/problemkit/problem"
)

// Josa exposes the josa template function to the external tests.
var Josa = josa

// Uncached translates m as tr does, without its cache of messages that
// have no data, for the benchmark that shows what the cache is worth.
func Uncached(tr problem.Translator, m problem.Message) string {
	s, _ := tr.(*translator).localize(m)
	return s
}

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
