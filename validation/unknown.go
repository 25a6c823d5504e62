package validation

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// A member no field takes is reported by encoding/json (with
// DisallowUnknownFields) only in its error text, whose wording v1 and v2
// do not share, and which member a key decodes into is encoding/json's own
// business (exact name first, then other cases, promoted fields, v1 and v2
// folding case differently). So the Decoder does not guess: it asks
// encoding/json about smaller documents made of pieces of the one that
// failed, and lets it say which piece holds the unknown member.
//
// The document decodes without DisallowUnknownFields, so every piece does:
// a piece fails with it only if it holds an unknown member. Pieces keep the
// path from the root (each object on the way with the one member that
// leads down, each array with the one element, at index 0, which encoding/
// json decodes like any other), so the types are the ones of the document.

// probeBudget bounds the bytes the pieces of one document may add up to,
// beyond which the unknown member is reported without a location: a deeply
// nested document would otherwise cost time quadratic in its depth.
func probeBudget(doc []byte) int { return 4*len(doc) + 64<<10 }

// child is one member of an object or element of an array in a document.
type child struct {
	key        string // the member's name, unescaped; "" for an element
	keyStart   int    // where the member's name starts (an element: its value)
	start, end int    // the value's span
}

// firstUnknown returns the path of the first member of doc, in document
// order, that decoding into type t (a pointer type) with
// DisallowUnknownFields refuses. doc must decode without it.
func firstUnknown(doc []byte, t reflect.Type) (path, bool) {
	budget := probeBudget(doc)
	var (
		p              path
		prefix, suffix []byte // the path from the root to the current value
		probe          []byte
	)
	// fails reports whether doc with the piece in place of the current
	// value fails to decode.
	fails := func(piece ...[]byte) bool {
		probe = append(probe[:0], prefix...)
		for _, b := range piece {
			probe = append(probe, b...)
		}
		probe = append(probe, suffix...)
		budget -= len(probe) + 64
		return decode(probe, t, true) != nil
	}
	at := skipSpace(doc, 0)
	for budget > 0 {
		kids, end, err := children(doc, at)
		if err != nil {
			return nil, false
		}
		budget -= end - at
		open, closing := doc[at:at+1], doc[end-1:end]
		obj := doc[at] == '{'
		found := -1
		last := len(kids) - 1
		for !obj && last >= 0 && scalar(doc[kids[last].start]) {
			last--
		}
		for i := 0; i <= last && budget > 0; i++ {
			k := kids[i]
			if !obj && scalar(doc[k.start]) {
				continue // no member in it
			}
			if i == last || fails(open, doc[k.keyStart:k.end], closing) {
				found = i // the unknown member is in doc, so in the last one if not before
				break
			}
		}
		if found < 0 || budget <= 0 {
			return nil, false
		}
		k := kids[found]
		if !obj {
			p = append(p, seg{name: strconv.Itoa(found), kind: segIndex})
			prefix, suffix = append(prefix, open...), append([]byte{closing[0]}, suffix...)
			at = k.start
			continue
		}
		p = append(p, seg{name: k.key})
		// The member itself, or one in its value? A value of the member's
		// field holds members only if it is an object or array encoding/json
		// decodes itself, which takes an empty one as well.
		if scalar(doc[k.start]) || fails(open, doc[k.keyStart:k.start], doc[k.start:k.start+1], empty(doc[k.start]), closing) {
			return p, true
		}
		prefix = append(append(prefix, open...), doc[k.keyStart:k.start]...)
		suffix = append([]byte{closing[0]}, suffix...)
		at = k.start
	}
	return nil, false
}

// scalar reports whether a value starting with c holds no members.
func scalar(c byte) bool { return c != '{' && c != '[' }

// empty closes an empty object or array opened by c.
func empty(c byte) []byte {
	if c == '{' {
		return []byte("}")
	}
	return []byte("]")
}

// children lists the members of the object, or the elements of the array,
// that starts at doc[start], and returns where it ends.
func children(doc []byte, start int) ([]child, int, error) {
	dec := json.NewDecoder(bytes.NewReader(doc[start:]))
	tok, err := dec.Token()
	if err != nil {
		return nil, 0, err
	}
	obj := tok == json.Delim('{')
	var kids []child
	for dec.More() {
		k := child{keyStart: start + skipSep(doc[start:], int(dec.InputOffset()))}
		if obj {
			kt, err := dec.Token()
			if err != nil {
				return nil, 0, err
			}
			k.key, _ = kt.(string)
		}
		k.start = start + skipSep(doc[start:], int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, 0, err
		}
		k.end = start + int(dec.InputOffset())
		kids = append(kids, k)
	}
	if _, err := dec.Token(); err != nil {
		return nil, 0, err
	}
	return kids, start + int(dec.InputOffset()), nil
}
