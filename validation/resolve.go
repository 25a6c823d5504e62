package validation

import (
	"cmp"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// order is a sort key: one entry per step of a validator namespace.
type order struct {
	n int    // struct field index or slice index
	s string // map key
}

func compareOrder(a, b []order) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Or(cmp.Compare(a[i].n, b[i].n), strings.Compare(a[i].s, b[i].s)); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// resolved is where a validator error points in the JSON document.
type resolved struct {
	path   path
	order  []order
	secret bool // a field on the way is marked secret
	// parent is the struct holding the failing field, at parentPath; its
	// fields are what cross-field rules name.
	parent     reflect.Type
	parentPath path
}

// resolve follows ns, a validator StructNamespace (Go field names, with
// "[i]" and "[key]" for elements), through root, the value validated, and
// returns the JSON path it stands for. Go names are unambiguous where JSON
// names are not (a json tag may hold "." or "["); the values disambiguate
// map keys that hold "]".
func resolve(root reflect.Value, ns string) resolved {
	var r resolved
	v := root
	t := root.Type()
	for t.Kind() == reflect.Pointer {
		if v.IsValid() && !v.IsNil() {
			v = v.Elem()
		} else {
			v = reflect.Value{}
		}
		t = t.Elem()
	}
	rest := ns
	if t.Kind() == reflect.Struct {
		r.parent = t
		if t.Name() == "" {
			rest = "." + rest // validator names no root for anonymous structs
		} else {
			rest = strings.TrimPrefix(rest, t.Name())
		}
	}
	for rest != "" {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
			switch {
			case v.IsValid() && !v.IsNil():
				v = v.Elem()
				t = v.Type()
			case t.Kind() == reflect.Pointer:
				v = reflect.Value{}
				t = t.Elem()
			default:
				return r.fallback(rest)
			}
		}
		switch t.Kind() {
		case reflect.Struct:
			if rest[0] != '.' {
				return r.fallback(rest)
			}
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			rest = rest[end:]
			i := fieldIndex(t, name)
			if i < 0 {
				return r.fallback("." + name + rest)
			}
			f := t.Field(i)
			r.parent, r.parentPath = t, r.path
			r.secret = r.secret || isSecret(f)
			r.order = append(r.order, order{n: i})
			if _, promoted, _ := jsonField(f); !promoted {
				r.path = r.path.with(seg{name: nameOf(f)})
			}
			if v.IsValid() {
				v = v.Field(i)
			}
			t = f.Type
		case reflect.Slice, reflect.Array:
			end := strings.IndexByte(rest, ']')
			if rest[0] != '[' || end < 0 {
				return r.fallback(rest)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil {
				return r.fallback(rest)
			}
			rest = rest[end+1:]
			r.order = append(r.order, order{n: i})
			r.path = r.path.index(i)
			if v.IsValid() && i < v.Len() {
				v = v.Index(i)
			} else {
				v = reflect.Value{}
			}
			t = t.Elem()
		case reflect.Map:
			if rest[0] != '[' {
				return r.fallback(rest)
			}
			key, n, mv := mapKey(v, rest)
			if n < 0 {
				return r.fallback(rest)
			}
			rest = rest[n:]
			r.order = append(r.order, order{s: key})
			r.path = r.path.with(seg{name: key, kind: segKey})
			v = mv
			t = t.Elem()
		default:
			return r.fallback(rest)
		}
	}
	return r
}

// fallback ends resolution where the namespace cannot be followed (it should
// not happen): the rest is kept as one opaque segment.
func (r resolved) fallback(rest string) resolved {
	rest = strings.TrimPrefix(rest, ".")
	if rest != "" {
		r.path = r.path.with(seg{name: rest})
		r.order = append(r.order, order{n: 1 << 30, s: rest})
	}
	return r
}

// fieldIndex returns the index of t's own field named name, or -1.
func fieldIndex(t reflect.Type, name string) int {
	for i := range t.NumField() {
		if t.Field(i).Name == name {
			return i
		}
	}
	return -1
}

// mapKey reads a "[key]" step at the start of rest for map m, which
// validator writes with %v. A key may itself hold "]", so every "]" that
// ends a step is tried, preferring one naming a key m has. It returns the key,
// the length of the step and the entry's value (invalid if unknown).
func mapKey(m reflect.Value, rest string) (string, int, reflect.Value) {
	first := -1
	for j := 1; j < len(rest); j++ {
		if rest[j] != ']' {
			continue
		}
		if after := rest[j+1:]; after != "" && after[0] != '.' && after[0] != '[' {
			continue
		}
		key := rest[1:j]
		if first < 0 {
			first = j
		}
		if v, ok := lookupKey(m, key); ok {
			return key, j + 1, v
		}
	}
	if first < 0 {
		return "", -1, reflect.Value{}
	}
	return rest[1:first], first + 1, reflect.Value{}
}

// lookupKey returns the entry of map m whose key prints as key.
func lookupKey(m reflect.Value, key string) (reflect.Value, bool) {
	if !m.IsValid() || m.Kind() != reflect.Map || m.IsNil() {
		return reflect.Value{}, false
	}
	kt := m.Type().Key()
	if kt.Kind() == reflect.String {
		v := m.MapIndex(reflect.ValueOf(key).Convert(kt))
		return v, v.IsValid()
	}
	it := m.MapRange()
	for it.Next() {
		if fmt.Sprint(it.Key().Interface()) == key {
			return it.Value(), true
		}
	}
	return reflect.Value{}, false
}

// resolveType turns a validator field reference relative to struct t (Go
// names separated by dots, such as "Password" or "Inner.Start") into the
// JSON path it stands for, relative to t.
func resolveType(t reflect.Type, ref string) (path, bool) {
	var p path
	for name := range strings.SplitSeq(ref, ".") {
		t = indirect(t)
		if t == nil || t.Kind() != reflect.Struct {
			return nil, false
		}
		i := fieldIndex(t, name)
		if i < 0 {
			return nil, false
		}
		f := t.Field(i)
		if _, promoted, _ := jsonField(f); !promoted {
			p = append(p, seg{name: nameOf(f)})
		}
		t = f.Type
	}
	return p, true
}
