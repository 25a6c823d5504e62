// Package english is the problem.Translator of a pipeline or a docs page
// without an i18n bundle: every message in its English default.
package english

import "github.com/problemkit/problemkit/problem"

// Translator renders every message from its English default.
type Translator struct{}

var _ problem.Translator = Translator{}

// Language returns "en".
func (Translator) Language() string { return "en" }

// Translate returns m.String().
func (Translator) Translate(m problem.Message) string { return m.String() }
