package validation

import (
	"slices"
	"strings"
)

// segKind tells how one step of a path into a JSON document is written.
type segKind uint8

const (
	segField segKind = iota // a struct field: ".name"
	segIndex                // an array element: "[0]"
	segKey                  // a map entry: "[key]"
)

// seg is one step of a path into a JSON document.
type seg struct {
	name string
	kind segKind
}

// path is a location in a JSON document, from its root.
type path []seg

// fragmentSafe reports whether c may appear unescaped in a URI fragment
// (RFC 3986 §3.5: pchar / "/" / "?").
func fragmentSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', // unreserved
		'!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', // sub-delims
		':', '@', '/', '?':
		return true
	}
	return false
}

// pointer returns p as an RFC 6901 JSON Pointer in URI fragment form: every
// segment escaped ("~" as "~0", "/" as "~1"), then every byte not allowed in
// a fragment percent-encoded (RFC 6901 §6). The root is "#".
func (p path) pointer() string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteByte('#')
	for _, s := range p {
		b.WriteByte('/')
		for i := 0; i < len(s.name); i++ {
			c := s.name[i]
			switch {
			case c == '~':
				b.WriteString("~0")
			case c == '/':
				b.WriteString("~1")
			case fragmentSafe(c):
				b.WriteByte(c)
			default:
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	}
	return b.String()
}

// dotted returns p as a dotted path for humans: "address.zip",
// "items[0].qty", "meta[key]". The root is "".
func (p path) dotted() string {
	var b strings.Builder
	for i, s := range p {
		switch s.kind {
		case segField:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		default:
			b.WriteByte('[')
			b.WriteString(s.name)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// labelID returns the dotted path without indexes and map keys, the part
// of a field label's message ID after "field.": "items.qty". dotted is p
// written dotted, returned as it is when p has neither.
func (p path) labelID(dotted string) string {
	if !slices.ContainsFunc(p, func(s seg) bool { return s.kind != segField }) {
		return dotted
	}
	var b strings.Builder
	for _, s := range p {
		if s.kind != segField {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}
