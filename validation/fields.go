package validation

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"unicode"
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

// jsonField tells how encoding/json treats struct field f: its name, whether
// it is an embedded struct whose fields are promoted (no path segment of its
// own), and whether it is skipped altogether.
func jsonField(f reflect.StructField) (name string, promoted, skip bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, true
	}
	name, _, _ = strings.Cut(tag, ",")
	if !validTag(name) {
		name = ""
	}
	if f.Anonymous && name == "" {
		t := f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			return "", true, false
		}
	}
	if !f.IsExported() {
		return "", false, true
	}
	if name == "" {
		name = f.Name
	}
	return name, false, false
}

// validTag is encoding/json's rule for usable json tag names.
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

// nameOf returns the JSON name validation reports for struct field f: its
// json name, or its Go name when encoding/json skips it (json:"-").
func nameOf(f reflect.StructField) string {
	name, _, skip := jsonField(f)
	if skip || name == "" {
		return f.Name
	}
	return name
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

// member finds the field a JSON object key decodes into, the way
// encoding/json does (exact name first, then case-insensitively, promoted
// fields of embedded structs included, shallower fields winning). It returns
// the field's type and whether it was found.
func member(t reflect.Type, key string) (reflect.Type, bool) {
	var fold reflect.Type
	found := false
	var visit func(t reflect.Type, depth int, seen map[reflect.Type]bool) (reflect.Type, bool)
	visit = func(t reflect.Type, depth int, seen map[reflect.Type]bool) (reflect.Type, bool) {
		if seen[t] {
			return nil, false
		}
		seen[t] = true
		var embedded []reflect.Type
		for i := range t.NumField() {
			f := t.Field(i)
			name, promoted, skip := jsonField(f)
			switch {
			case skip:
			case promoted:
				embedded = append(embedded, indirect(f.Type))
			case name == key:
				return f.Type, true
			case !found && strings.EqualFold(name, key):
				fold, found = f.Type, true
			}
		}
		for _, e := range embedded {
			if ft, ok := visit(e, depth+1, seen); ok {
				return ft, true
			}
		}
		return nil, false
	}
	if ft, ok := visit(t, 0, map[reflect.Type]bool{}); ok {
		return ft, true
	}
	return fold, found
}
