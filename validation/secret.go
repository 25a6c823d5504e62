package validation

import (
	"reflect"
)

// SecretFields lists the fields of v's type (a struct, or a pointer, slice
// or map of them) marked secret with the problem:"secret" tag (TagSecret),
// as dotted JSON paths in which "[*]" stands for any slice index or map key:
// "password", "cards[*].number". Fields below a secret field are not listed
// separately, and a recursive type is followed once: the fields of a
// struct nested in itself are not listed again. Loggers use it to redact
// values; it is safe for concurrent use and walks the type each time, so
// cache the result.
func SecretFields(v any) []string {
	t := reflect.TypeOf(v)
	if t == nil {
		return nil
	}
	var out []string
	var walk func(t reflect.Type, prefix string, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, prefix string, seen map[reflect.Type]bool) {
		t = indirect(t)
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			walk(t.Elem(), prefix+"[*]", seen)
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[t] || t == timeType {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			f := t.Field(i)
			name, promoted, skip := jsonField(f)
			if skip {
				continue
			}
			p := prefix
			if !promoted {
				if p != "" {
					p += "."
				}
				p += name
			}
			if isSecret(f) {
				out = append(out, p)
				continue
			}
			walk(f.Type, p, seen)
		}
	}
	walk(t, "", map[reflect.Type]bool{})
	return out
}
