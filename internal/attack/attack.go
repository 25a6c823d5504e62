// Package attack holds the hostile inputs that the tests of several of this
// repository's modules send, so that each invariant is attacked with the
// same texts wherever client or upstream text comes in.
package attack

import "strings"

// Payload is text a client or another service may send hoping it runs as a
// template. Marker, when set, is text only an evaluation would produce.
type Payload struct {
	Name, Text, Marker string
}

// TemplatePayloads are the template payloads: a call, a loop, the data, a
// nested template, a definition, a comment, unbalanced delimiters, a member
// name the templates know, and one long enough to cost if parsed.
var TemplatePayloads = []Payload{
	{"printf", `{{printf "%s-%d" "ssti" 49}}`, "ssti-49"},
	{"range", "{{range 100000000}}{{end}}", ""},
	{"dot", "{{.}}", "map["},
	{"template", `{{template "x"}}`, ""},
	{"define", `{{define "x"}}defined-x{{end}}`, "defined-x\""},
	{"comment", "{{/* hidden */}}", ""},
	{"unbalanced", "{{ {{.field", ""},
	{"a known member", "{{.field}}", ""},
	{"very long", "{{" + strings.Repeat("a", 200<<10) + "}}", ""},
}
