package i18n_test

import (
	"testing"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
)

// BenchmarkTranslate translates the messages of a three-field validation
// problem: title, detail and three field messages with labels. The
// baseline is Message.String, which renders the English defaults without a
// bundle.
func BenchmarkTranslate(b *testing.B) {
	bundle := newBundle(b, i18n.Options{})
	msgs := []problem.Message{
		problem.ValidationFailed.TitleMessage(),
		problem.ValidationFailed.DetailMessage(map[string]any{"count": 3}),
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

// BenchmarkFixedCache is the reason for the translator's cache of messages
// without data (titles, field labels): a cached title costs a map lookup,
// an uncached one a go-i18n lookup with its plural machinery. A localized
// 404 has one title; a 422 with three invalid fields, a title and three
// labels.
func BenchmarkFixedCache(b *testing.B) {
	bundle := newBundle(b, i18n.Options{})
	ko := bundle.Negotiate("ko")
	title := problem.RouteNotFound.TitleMessage()
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			i18n.Uncached(ko, title)
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ko.Translate(title)
		}
	})
}
