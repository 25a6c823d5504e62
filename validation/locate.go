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
	// onKey is called for every object member name; true stops the walk.
	// The path is only valid during the call.
	onKey func(parent path, key string) bool
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
	start := w.next()
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
			if w.onKey != nil && w.onKey(w.stack, key) {
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

// next returns the offset of the next token: past white space and the
// separators the Token API consumes silently.
func (w *walker) next() int {
	i := int(w.dec.InputOffset())
	for i < len(w.doc) {
		switch w.doc[i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		default:
			return i
		}
	}
	return i
}

// locateOffset returns the path of the deepest value of doc that holds
// the offset encoding/json reported with an UnmarshalTypeError: the end of
// a literal, or just past the opening bracket of an object or array.
func locateOffset(doc []byte, offset int64) (path, bool) {
	var found path
	ok := false
	w := walker{doc: doc, onValue: func(p path, start, end int) bool {
		if int64(start) < offset && offset <= int64(end) {
			found, ok = append(path(nil), p...), true
			return true
		}
		return false
	}}
	w.walk()
	return found, ok
}

// locateUnknown returns the path of the first member of doc named key that
// no field of the struct it is decoded into takes.
func locateUnknown(doc []byte, root reflect.Type, key string) (path, bool) {
	var found path
	ok := false
	w := walker{doc: doc, onKey: func(parent path, k string) bool {
		if k != key {
			return false
		}
		t, known := typeAt(root, parent)
		if !known || t.Kind() != reflect.Struct {
			return false
		}
		if _, has := member(t, k); has {
			return false
		}
		found, ok = parent.with(seg{name: k}), true
		return true
	}}
	w.walk()
	return kinds(root, found), ok
}

// typeAt returns the type a value at p of a document decoded into root is
// decoded into, without pointers. It reports false where encoding/json does
// not choose by type (interfaces, and types that decode themselves).
func typeAt(root reflect.Type, p path) (reflect.Type, bool) {
	t := root
	for _, s := range p {
		t = indirect(t)
		if t == nil || custom(t) {
			return nil, false
		}
		switch t.Kind() {
		case reflect.Struct:
			ft, ok := member(t, s.name)
			if !ok {
				return nil, false
			}
			t = ft
		case reflect.Map, reflect.Slice, reflect.Array:
			t = t.Elem()
		default:
			return nil, false
		}
	}
	t = indirect(t)
	if t == nil || t.Kind() == reflect.Interface || custom(t) {
		return nil, false
	}
	return t, true
}

// kinds marks the members of p that are map entries as segKey, following
// the types of root, and drops the names of embedded structs that
// encoding/json puts in UnmarshalTypeError.Field.
func kinds(root reflect.Type, p path) path {
	t := root
	out := make(path, 0, len(p))
	for _, s := range p {
		t = indirect(t)
		if t == nil {
			out = append(out, s)
			continue
		}
		switch t.Kind() {
		case reflect.Struct:
			if ft, ok := member(t, s.name); ok {
				t = ft
			} else if f, ok := t.FieldByName(s.name); ok && f.Anonymous && len(f.Index) == 1 {
				t = f.Type
				continue
			} else {
				t = nil
			}
		case reflect.Map:
			s.kind = segKey
			t = t.Elem()
		case reflect.Slice, reflect.Array:
			t = t.Elem()
		default:
			t = nil
		}
		out = append(out, s)
	}
	return out
}
