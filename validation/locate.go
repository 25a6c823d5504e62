package validation

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
)

// walker visits the values of a syntactically valid JSON document in
// document order, children before their parent. It is used only after
// decoding failed, to find where.
type walker struct {
	doc []byte
	dec *json.Decoder
	// onValue is called for every value with its byte span [start, end);
	// true stops the walk. The path is only valid during the call.
	onValue func(p path, start, end int) bool
	// stack is the path of the current value, shared by all calls so that
	// deep documents cost linear time.
	stack path
}

// walk visits the document; it reports whether a callback stopped it.
func (w *walker) walk() bool {
	w.dec = json.NewDecoder(bytes.NewReader(w.doc))
	w.dec.UseNumber()
	return w.value()
}

func (w *walker) value() bool {
	start := skipSep(w.doc, int(w.dec.InputOffset()))
	tok, err := w.dec.Token()
	if err != nil {
		return true
	}
	switch tok {
	case json.Delim('{'):
		for w.dec.More() {
			kt, err := w.dec.Token()
			key, ok := kt.(string)
			if err != nil || !ok {
				return true
			}
			w.stack = append(w.stack, seg{name: key})
			if w.value() {
				return true
			}
			w.stack = w.stack[:len(w.stack)-1]
		}
		if _, err := w.dec.Token(); err != nil {
			return true
		}
	case json.Delim('['):
		for i := 0; w.dec.More(); i++ {
			w.stack = append(w.stack, seg{name: strconv.Itoa(i), kind: segIndex})
			if w.value() {
				return true
			}
			w.stack = w.stack[:len(w.stack)-1]
		}
		if _, err := w.dec.Token(); err != nil {
			return true
		}
	}
	return w.onValue != nil && w.onValue(w.stack, start, int(w.dec.InputOffset()))
}

// skipSep returns the offset of the next token at or after i: past white
// space and the separators the Token API consumes silently.
func skipSep(doc []byte, i int) int {
	for i < len(doc) {
		switch doc[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

// locateOffset returns the path and span of the value of doc that an
// UnmarshalTypeError with offset is about: the value that starts there
// (atStart), or else the deepest one that ends there or holds it (the end
// of a literal, or just past the opening bracket of an object or array).
func locateOffset(doc []byte, offset int64, atStart bool) (p path, start, end int, ok bool) {
	w := walker{doc: doc, onValue: func(q path, s, e int) bool {
		if atStart && int64(s) == offset || !atStart && int64(s) < offset && offset <= int64(e) {
			p, start, end, ok = append(path(nil), q...), s, e, true
			return true
		}
		return false
	}}
	w.walk()
	return p, start, end, ok
}

// kinds marks the members of p, a path found in a document decoded into
// root, that are map entries, following the types of root. A member whose
// name is not exactly its field's JSON name (encoding/json also takes
// other cases) ends the types' guidance: members below it are written as
// fields.
func kinds(root reflect.Type, p path) path {
	t := root
	for i := range p {
		t = indirect(t)
		if t == nil || custom(t) {
			break
		}
		switch t.Kind() {
		case reflect.Struct:
			f := fieldsOf(t).byName[p[i].name]
			if f == nil {
				t = nil
				continue
			}
			t = f.typ
		case reflect.Map:
			p[i].kind = segKey
			t = t.Elem()
		case reflect.Slice, reflect.Array:
			t = t.Elem()
		default:
			t = nil
		}
	}
	return p
}
