package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// Limits on the Accept-Language header read, so that a hostile header
// costs no more than a long honest one.
const (
	maxHeaderLen = 1024
	maxEntries   = 32
	maxRangeLen  = 64
)

// acceptEntry is one language range of an Accept-Language header with its
// weight in thousandths.
type acceptEntry struct {
	tag language.Tag
	q   int
}

// match returns the index in b.tags of the language to answer a request
// with the Accept-Language value header, 0 (the default) when none fits.
//
// Entries are read per RFC 9110 §12.5.4: "range;q=w", ranges of up to eight
// letters or digits per subtag, weights of up to three decimals. An entry
// that does not follow the grammar is skipped rather than failing the whole
// header, so that one odd entry does not hide the others.
func (b *Bundle) match(header string) int {
	if len(header) > maxHeaderLen {
		header = header[:maxHeaderLen]
		if i := strings.LastIndexByte(header, ','); i >= 0 {
			header = header[:i] // drop the entry the cut went through
		}
	}
	var (
		buf      [maxEntries]acceptEntry
		entries  = buf[:0]
		wildcard bool
		excluded [maxEntries]language.Tag // ranges refused with q=0
		nExcl    int
	)
	for n, rest := 0, header; rest != "" && n < maxEntries; {
		var entry string
		entry, rest, _ = strings.Cut(rest, ",")
		rng, params, _ := strings.Cut(entry, ";")
		rng = strings.Trim(rng, " \t")
		if rng == "" {
			continue // RFC 9110 allows empty list elements
		}
		n++
		q, ok := weight(params)
		if !ok {
			continue
		}
		if rng == "*" {
			wildcard = wildcard || q > 0
			continue
		}
		if !validRange(rng) {
			continue
		}
		tag, err := language.Parse(rng)
		if err != nil {
			continue
		}
		if q == 0 {
			excluded[nExcl] = tag
			nExcl++
			continue
		}
		entries = append(entries, acceptEntry{tag: tag, q: q})
	}

	// Stable insertion sort by weight, highest first: at most 32 entries.
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries[j].q > entries[j-1].q; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	if len(entries) > 0 {
		var tbuf [maxEntries]language.Tag
		tags := tbuf[:0]
		for _, e := range entries {
			tags = append(tags, e.tag)
		}
		if _, i, conf := b.matcher.Match(tags...); conf > language.No {
			return i
		}
	}
	if !wildcard {
		return 0
	}
	// "*": any language will do, except those refused with q=0.
	for i, t := range b.tags {
		if !refused(t, excluded[:nExcl]) {
			return i
		}
	}
	return 0
}

// refused reports whether t, or a parent of it, is among the refused tags.
func refused(t language.Tag, refusedTags []language.Tag) bool {
	for _, r := range refusedTags {
		for p := t; p != language.Und; p = p.Parent() {
			if p == r {
				return true
			}
		}
	}
	return false
}

// weight parses the parameters after a language range and returns its
// weight in thousandths (1000 when absent). Parameters other than q are
// ignored.
func weight(params string) (int, bool) {
	q := 1000
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		p = strings.Trim(p, " \t")
		if p == "" {
			continue
		}
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			return 0, false
		}
		if name = strings.Trim(name, " \t"); name != "q" && name != "Q" {
			continue
		}
		if q, ok = qvalue(strings.Trim(value, " \t")); !ok {
			return 0, false
		}
	}
	return q, true
}

// qvalue parses an RFC 9110 qvalue: "0", "0.5", "0.125", "1", "1.000".
func qvalue(s string) (int, bool) {
	if s == "" || len(s) > 5 || s[0] != '0' && s[0] != '1' {
		return 0, false
	}
	if len(s) == 1 {
		return int(s[0]-'0') * 1000, true
	}
	if s[1] != '.' {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	scale := 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// validRange reports whether s is a language range of the RFC 4647 basic
// grammar: 1*8ALPHA *("-" 1*8alphanum), and not absurdly long.
func validRange(s string) bool {
	if len(s) > maxRangeLen {
		return false
	}
	n := 0
	first := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			if n == 0 {
				return false
			}
			n = 0
			first = false
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && !first:
		default:
			return false
		}
		if n++; n > 8 {
			return false
		}
	}
	return n > 0
}
