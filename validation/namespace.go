package validation

import (
	"cmp"
	"reflect"
	"strconv"
	"strings"
)

// order is one step of a sort key: validator's walk order, made
// deterministic for maps, which it walks in random order.
type order struct {
	n int    // field rank, slice index or integer map key
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

// located is where one validator error points in the JSON document.
type located struct {
	path   path
	order  []order
	secret bool // a field on the way is marked secret
	// owner is the struct that declares the failing field, at
	// path[:ownerLen]: the fields cross-field rules name are its own.
	owner    reflect.Type
	ownerLen int
	// first is the field of the first step, if it is one.
	first *field
	// renamed is true when a step was written under another name than the
	// namespace's, so that the namespace is not the dotted path.
	renamed bool
}

// nsBudget bounds the steps spent splitting one namespace: map keys are
// the client's text and may hold "]", ".", "[", so a namespace can be
// split more than one way and the types decide.
const nsBudget = 256

// splitter splits a validator namespace into the steps of a JSON path.
// The names in it are JSON names already (tagName); the types of the value
// validated tell a struct field from a map key and where a map key ends,
// from the types alone: no value is looked at.
type splitter struct {
	loc    located
	budget int
	// goName is the Go name of the failing field (FieldError.StructField),
	// for a struct-level rule that reported it under that name.
	goName string
}

// locate returns where a validator error with namespace ns points, in a
// value of type root, and the namespace without the name of root's type,
// which validator puts first. The located path and order are valid until
// the next call.
func (s *splitter) locate(root reflect.Type, ns, goName string) (*located, string) {
	t := indirect(root)
	rest := ns
	if t.Kind() == reflect.Struct && t.Name() != "" {
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, t.Name()), ".")
	}
	s.loc = located{path: s.loc.path[:0], order: s.loc.order[:0]}
	s.budget, s.goName = nsBudget, goName
	if !s.value(t, rest, true) {
		s.loc = located{path: s.loc.path[:0], order: s.loc.order[:0]}
		s.naive(rest, true)
	}
	return &s.loc, rest
}

// mark is what a step changes, to take it back.
type mark struct {
	first    *field
	n, o     int
	secret   bool
	owner    reflect.Type
	ownerLen int
	renamed  bool
}

func (s *splitter) mark() mark {
	return mark{s.loc.first, len(s.loc.path), len(s.loc.order), s.loc.secret, s.loc.owner, s.loc.ownerLen, s.loc.renamed}
}

func (s *splitter) reset(m mark) {
	s.loc.path, s.loc.order = s.loc.path[:m.n], s.loc.order[:m.o]
	s.loc.secret, s.loc.owner, s.loc.ownerLen, s.loc.renamed = m.secret, m.owner, m.ownerLen, m.renamed
	s.loc.first = m.first
}

func (s *splitter) push(sg seg, o order) {
	s.loc.path = append(s.loc.path, sg)
	s.loc.order = append(s.loc.order, o)
}

// value splits rest, the namespace below a value of type t; first is true
// at the root, where a field name has no leading '.'.
func (s *splitter) value(t reflect.Type, rest string, first bool) bool {
	if s.budget--; s.budget < 0 {
		return false
	}
	t = indirect(t)
	switch {
	case rest == "":
		return true
	case t == nil || t.Kind() == reflect.Interface:
		// validator looked into a value of a type only the value knows.
		return s.naive(rest, first)
	}
	switch t.Kind() {
	case reflect.Struct:
		if !first {
			if rest[0] != '.' {
				return false
			}
			rest = rest[1:]
		}
		fs := fieldsOf(t)
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		if f := fs.byName[rest[:end]]; f != nil && s.field(f, rest[end:]) {
			return true
		}
		for _, f := range fs.dotted {
			if after, ok := strings.CutPrefix(rest, f.name); ok && (after == "" || after[0] == '.' || after[0] == '[') && s.field(f, after) {
				return true
			}
		}
		// A struct-level rule may report a field under its Go name.
		if f := fs.byGo[rest]; f != nil && rest == s.goName && rest != f.name {
			m := s.mark()
			s.loc.renamed = true
			if s.field(f, "") {
				return true
			}
			s.reset(m)
		}
	case reflect.Slice, reflect.Array:
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 2 {
			return false
		}
		i, err := strconv.Atoi(rest[1:end])
		if err != nil || i < 0 {
			return false
		}
		m := s.mark()
		s.push(seg{name: rest[1:end], kind: segIndex}, order{n: i})
		if s.value(t.Elem(), rest[end+1:], false) {
			return true
		}
		s.reset(m)
	case reflect.Map:
		if rest[0] != '[' {
			return false
		}
		// The key is the client's text: try every ']' that may end it.
		for j := 1; j < len(rest); j++ {
			if after := rest[j+1:]; rest[j] != ']' || after != "" && after[0] != '.' && after[0] != '[' {
				continue
			}
			m := s.mark()
			s.push(seg{name: rest[1:j], kind: segKey}, keyOrder(t.Key(), rest[1:j]))
			if s.value(t.Elem(), rest[j+1:], false) {
				return true
			}
			s.reset(m)
		}
	}
	return false
}

// field takes one step into struct field f and splits what follows.
func (s *splitter) field(f *field, rest string) bool {
	m := s.mark()
	if len(s.loc.path) == 0 {
		s.loc.first = f
	}
	s.loc.owner, s.loc.ownerLen = f.owner, len(s.loc.path)
	s.loc.secret = s.loc.secret || f.secret
	s.push(seg{name: f.name}, order{n: f.rank})
	if s.value(f.typ, rest, false) {
		return true
	}
	s.reset(m)
	return false
}

// naive splits rest by its punctuation alone, where the types cannot say
// (values behind interfaces) or did not fit (which should not happen).
func (s *splitter) naive(rest string, first bool) bool {
	for rest != "" {
		switch {
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				s.push(seg{name: rest[1:], kind: segKey}, order{s: rest[1:]})
				return true
			}
			name := rest[1:end]
			if i, err := strconv.Atoi(name); err == nil && i >= 0 {
				s.push(seg{name: name, kind: segIndex}, order{n: i})
			} else {
				s.push(seg{name: name, kind: segKey}, order{s: name})
			}
			rest = rest[end+1:]
		default:
			if !first && rest[0] == '.' {
				rest = rest[1:]
			}
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			s.push(seg{name: rest[:end]}, order{n: 1 << 30, s: rest[:end]})
			rest = rest[end:]
		}
		first = false
	}
	return true
}

// keyOrder sorts map entries by key: integer keys by value.
func keyOrder(t reflect.Type, key string) order {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, err := strconv.ParseInt(key, 10, 64); err == nil {
			return order{n: int(n), s: key}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, err := strconv.ParseUint(key, 10, 64); err == nil && n <= 1<<62 {
			return order{n: int(n), s: key}
		}
	}
	return order{s: key}
}
