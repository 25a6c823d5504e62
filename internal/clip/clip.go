// Package clip cuts strings a client or another service chose to a fixed
// size before they reach a problem body or a log record, and marks the cut
// so nobody mistakes a prefix for the whole.
//
// The sizes are documented in docs/security.md; a value cut to size ends in
// Marker (in a URI reference, its percent-encoded form).
package clip

import (
	"unicode/utf8"
)

// Marker ends a value that was cut.
const Marker = "…"

// uriMarker is Marker percent-encoded, for URI references.
const uriMarker = "%E2%80%A6"

// The sizes, in bytes, of what a problem body and a log record hold of a
// value that came from a request or another service.
const (
	// Message bounds a rendered title, detail or field message.
	Message = 4 << 10
	// Field bounds a field error's field name, rule and parameter.
	Field = 256
	// Pointer bounds a field error's JSON pointer, in its percent-encoded
	// URI fragment form.
	Pointer = 1 << 10
	// Instance bounds the instance member, the request path.
	Instance = 1 << 10
	// Errors bounds the entries of a problem's errors member; its count
	// member, when it has one, still says how many there were.
	Errors = 100
)

// String returns s when it is at most n bytes long; otherwise the longest
// prefix that ends on a rune boundary and leaves room for Marker, followed
// by Marker, n bytes or fewer in all.
func String(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Mark(s, n)
}

// Mark returns the longest prefix of s that ends on a rune boundary and
// leaves room for Marker, followed by Marker: the value of String for a
// string known to have been cut already.
func Mark(s string, n int) string {
	return s[:runeStart(s, n-len(Marker))] + Marker
}

// URI is String for a URI reference in its percent-encoded form: the cut
// never splits a %XX escape, and the marker is percent-encoded too, so the
// result is still a URI reference.
func URI(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Back off to before a rune (for a reference that is not encoded) or
	// an escape the cut would split.
	i := runeStart(s, n-len(uriMarker))
	for j := max(i-2, 0); j < i; j++ {
		if s[j] == '%' {
			i = j
			break
		}
	}
	return s[:i] + uriMarker
}

// runeStart returns the largest i <= n, i >= 0, at which a rune of s starts
// (or ends, for i == len(s)).
func runeStart(s string, n int) int {
	if n <= 0 {
		return 0
	}
	if n >= len(s) {
		return len(s)
	}
	for i := n; i >= 0 && i > n-utf8.UTFMax; i-- {
		if i == 0 || utf8.RuneStart(s[i]) {
			return i
		}
	}
	return n // invalid UTF-8: any byte will do
}

// Log returns s cut so that, once slog's TextHandler or JSONHandler has
// escaped it, it takes at most n bytes, the marker included. The cost of
// each rune is the most either handler writes for it: one byte for
// printable ASCII, two for a quote or backslash, six for a control or
// invalid byte (\u0000), ten for any other rune (\U0010ffff).
func Log(s string, n int) string {
	if len(s)*10 <= n || prefix(s, n) == len(s) { // no rune costs more than ten
		return s
	}
	return s[:prefix(s, n-logMarkerCost)] + Marker
}

// logMarkerCost is what Marker costs in a log record, by the rule of Log.
const logMarkerCost = 10

// prefix returns the length of the longest prefix of s whose escaped cost
// is at most n.
func prefix(s string, n int) int {
	cost := 0
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != 0x7f {
			if cost++; cost > n { // printable ASCII, the common byte: one each
				return i
			}
			i++
			continue
		}
		w, size := runeCost(s[i:])
		if cost+w > n {
			return i
		}
		cost += w
		i += size
	}
	return len(s)
}

// runeCost returns the escaped cost of the first rune of s and its size.
func runeCost(s string) (cost, size int) {
	switch c := s[0]; {
	case c == '"' || c == '\\':
		return 2, 1
	case c < 0x20 || c == 0x7f:
		return 6, 1
	case c < utf8.RuneSelf:
		return 1, 1
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return 6, 1
	}
	return 10, size
}
