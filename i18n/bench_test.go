package i18n_test

import (
	"testing"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

// BenchmarkTranslate translates the messages of a three-field validation
// problem: title, detail and three field messages with labels. The
// baseline is Message.String, which renders the English defaults without a
// bundle.
func BenchmarkTranslate(b *testing.B) {
	bundle := newBundle(b, i18n.Options{})
	msgs := []problem.Message{
		validation.Failed.TitleMessage(),
		validation.Failed.DetailMessage(map[string]any{"count": 3}),
		minString(field("username"), 3),
		{ID: "validation.email", Default: "{{.field}} must be a valid email address", Data: map[string]any{"field": field("email")}},
		{ID: "validation.required", Default: "{{.field}} is required", Data: map[string]any{"field": field("address.zip")}},
	}
	translators := []struct {
		name string
		tr   problem.Translator
	}{
		{"baseline-English", english{}},
		{"bundle-en", bundle.Negotiate("en")},
		{"bundle-ko", bundle.Negotiate("ko")},
	}
	for _, tt := range translators {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, m := range msgs {
					tt.tr.Translate(m)
				}
			}
		})
	}
}

// english is a Translator of the English defaults, the baseline.
type english struct{}

func (english) Language() string                   { return "en" }
func (english) Translate(m problem.Message) string { return m.String() }

// BenchmarkSingular is the reason a translator renders a message without
// a count from its own index of the bundle's "other" forms rather than
// through go-i18n's Localize, which matches the language and works out a
// plural form on every call: half the time, some 0.7 µs saved per message
// here, and a localized 404 has two such messages, its title and detail, a
// tenth of its path.
func BenchmarkSingular(b *testing.B) {
	bundle := newBundle(b, i18n.Options{})
	ko := bundle.Negotiate("ko")
	detail := validation.MalformedJSON.DetailMessage(map[string]any{"line": 3, "column": 7})
	goi18n := i18n.GoI18n(bundle, "ko")
	b.Run("go-i18n", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = goi18n(detail)
		}
	})
	b.Run("problemkit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ko.Translate(detail)
		}
	})
}
