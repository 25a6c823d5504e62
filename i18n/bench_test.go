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
