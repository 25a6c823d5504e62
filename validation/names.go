package validation

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

// TagSecret is the struct tag that marks a field as secret: its value is
// never echoed in a problem, even with Options.EchoValues, and SecretFields
// lists it so loggers can redact it. The tag's value is a comma-separated
// list of options, of which "secret" is the only one so far:
//
//	Password string `json:"password" validate:"required,min=12" problem:"secret"`
const TagSecret = "problem"

// isSecret reports whether the struct field carries problem:"secret".
func isSecret(f reflect.StructField) bool {
	for opt := range strings.SplitSeq(f.Tag.Get(TagSecret), ",") {
		if strings.TrimSpace(opt) == "secret" {
			return true
		}
	}
	return false
}

// jsonField tells how encoding/json names struct field f: its name, whether
// it is an embedded struct whose fields are promoted (no name of its own),
// and whether encoding/json skips it altogether. This is naming only, read
// from the json tag as encoding/json documents it; which member a document's
// key decodes into is left to encoding/json.
func jsonField(f reflect.StructField) (name string, promoted, skip bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, true
	}
	name, _, _ = strings.Cut(tag, ",")
	if !validTag(name) {
		name = ""
	}
	if f.Anonymous && name == "" && indirect(f.Type).Kind() == reflect.Struct {
		return "", true, false
	}
	if !f.IsExported() {
		return "", false, true
	}
	if name == "" {
		name = f.Name
	}
	return name, false, false
}

// validTag is encoding/json's documented rule for usable json tag names.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// tagName is the tag name function of every Decoder's validator, so that
// validator's namespaces, fields and struct-level errors use JSON names.
// An embedded struct whose fields encoding/json promotes gets no name:
// with validator.WithTagNameFuncBlankOmit it adds no step to a namespace.
// A field encoding/json skips (json:"-") keeps its Go name and keeps being
// validated; "-" would make validator skip it.
func tagName(f reflect.StructField) string {
	name, promoted, skip := jsonField(f)
	switch {
	case promoted:
		return ""
	case skip:
		return f.Name
	}
	return name
}

// field is one field of a struct as validator's namespaces name it: fields
// of promoted embedded structs are listed in their place, as validator
// walks them.
type field struct {
	name   string       // tagName
	goName string       // Go name
	typ    reflect.Type // type
	owner  reflect.Type // the struct that declares it, the parent cross-field rules see
	secret bool         // this field or a promoted struct it is in is secret
	rank   int          // position in validator's walk order
	depth  int          // embedded structs it is promoted through
	// param and in name the request parameter the field is bound from
	// (see TagQuery), if any.
	param, in string
	// label is the field's label (see Decoder.label) at the top level.
	label problem.Message
}

// fields lists the fields of one struct type by name.
type fields struct {
	byName map[string]*field
	byGo   map[string]*field // by Go name, for struct-level errors reported under it
	// dotted lists the fields whose names hold '.' or '[', which a
	// namespace cannot be split at blindly, longest first.
	dotted []*field
}

// fieldCache holds the fields of every struct type a Decoder has reported
// an error in: one entry per type of the program, built once.
var fieldCache sync.Map // reflect.Type → *fields

// fieldsOf returns the fields of struct type t.
func fieldsOf(t reflect.Type) *fields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fields)
	}
	fs := &fields{byName: make(map[string]*field), byGo: make(map[string]*field)}
	rank := 0
	var add func(t reflect.Type, secret bool, seen []reflect.Type)
	add = func(t reflect.Type, secret bool, seen []reflect.Type) {
		depth := len(seen) - 1
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.Anonymous && !sf.IsExported() {
				continue // validator does not see it either
			}
			name := tagName(sf)
			sec := secret || isSecret(sf)
			if name == "" {
				et := indirect(sf.Type)
				if !containsType(seen, et) {
					add(et, sec, append(seen, et))
				}
				continue
			}
			f := &field{name: name, goName: sf.Name, typ: sf.Type, owner: t, secret: sec, rank: rank, depth: depth}
			f.param, f.in = paramTag(sf)
			f.label = problem.Label("field."+clip.String(name, clip.Field), clip.String(name, clip.Field))
			rank++
			// Two fields of one name share their namespaces; keep the
			// shallower, which is the one encoding/json fills.
			if old, dup := fs.byName[name]; !dup || old.depth > depth {
				fs.byName[name] = f
			}
			if _, dup := fs.byGo[sf.Name]; !dup {
				fs.byGo[sf.Name] = f
			}
		}
	}
	add(t, false, []reflect.Type{t})
	for _, f := range fs.byName {
		if strings.ContainsAny(f.name, ".[") {
			fs.dotted = append(fs.dotted, f)
		}
	}
	slices.SortFunc(fs.dotted, func(a, b *field) int {
		return cmp.Or(cmp.Compare(len(b.name), len(a.name)), strings.Compare(a.name, b.name))
	})
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fields)
}

func containsType(ts []reflect.Type, t reflect.Type) bool {
	for _, u := range ts {
		if u == t {
			return true
		}
	}
	return false
}

// jsonPath returns the JSON path, relative to struct t, of the field that
// validator's cross-field rules name by the Go field path ref ("Password",
// "Inner.Start"), which validator resolves with FieldByName.
func jsonPath(t reflect.Type, ref string) (path, bool) {
	var p path
	for name := range strings.SplitSeq(ref, ".") {
		t = indirect(t)
		if t == nil || t.Kind() != reflect.Struct {
			return nil, false
		}
		sf, ok := t.FieldByName(name)
		if !ok {
			return nil, false
		}
		if n := tagName(sf); n != "" {
			p = append(p, seg{name: n})
		}
		t = sf.Type
	}
	return p, true
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// custom reports whether values of t decode themselves, so that encoding/json
// does not look inside them.
func custom(t reflect.Type) bool {
	if t.Kind() != reflect.Pointer {
		t = reflect.PointerTo(t)
	}
	return t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler)
}

// indirect returns t without its pointers.
func indirect(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// decodableCache remembers undecodable's answer for every type Decode was
// given: one entry per type of the program.
var decodableCache sync.Map // reflect.Type → error (or nil)

// undecodable returns an error if encoding/json cannot fill values of type
// t for every document: when t holds, where encoding/json looks, an
// embedded pointer to an unexported struct type that has exported fields.
// encoding/json cannot allocate such a pointer, so it fails whenever a
// client sends one of those fields: a bug of the calling code. Decode
// refuses such a type for every body, so the bug shows in the first test
// rather than with the first client that sends the field.
func undecodable(t reflect.Type) error {
	if t == nil {
		return nil // encoding/json says so itself
	}
	if err, ok := decodableCache.Load(t); ok {
		err, _ := err.(error)
		return err
	}
	var err error
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for err == nil && !seen[t] && !custom(t) {
			seen[t] = true
			switch t.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
				t = t.Elem()
				continue
			case reflect.Struct:
				for i := range t.NumField() {
					f := t.Field(i)
					_, promoted, skip := jsonField(f)
					switch {
					case skip:
					case promoted && f.Type.Kind() == reflect.Pointer && !f.IsExported() && exported(f.Type.Elem(), nil):
						err = fmt.Errorf("validation: cannot decode into %v: encoding/json cannot set its embedded pointer to unexported struct type %v", t, f.Type.Elem())
						return
					default:
						walk(f.Type)
					}
				}
			}
			return
		}
	}
	walk(t)
	decodableCache.Store(t, err)
	return err
}

// exported reports whether struct type t has a field encoding/json fills,
// itself or in an embedded struct.
func exported(t reflect.Type, seen []reflect.Type) bool {
	if containsType(seen, t) {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		_, promoted, skip := jsonField(f)
		if promoted && exported(indirect(f.Type), append(seen, t)) || !promoted && !skip {
			return true
		}
	}
	return false
}
