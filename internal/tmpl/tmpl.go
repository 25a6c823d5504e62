// Package tmpl is the template language of problemkit's messages, and its
// renderer. The language is deliberately small: literal text, {{.name}},
// which prints the data value name as text, and {{.name | fn "arg"}}, which
// passes it through one template function first (the i18n package's josa).
// There are no conditionals, loops, calls or nested templates, so rendering
// costs time linear in the source and the data it prints, and its output is
// cut at clip.Message bytes whatever the data.
//
// Sources come only from code declarations and message files. Data is
// never parsed: a value that holds "{{" is printed as those two bytes.
package tmpl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/problemkit/problemkit/internal/clip"
)

// Func is a template function applied as {{.name | fn "arg"}}: it receives
// the quoted argument and the value, already resolved.
type Func func(arg string, value any) string

// Template is a compiled source. It is immutable and safe for concurrent
// use.
type Template struct {
	parts []part
	size  int // bytes of literal text, to size the output
}

type part struct {
	text string // literal text, when name is empty
	name string // data key
	fn   Func
	arg  string
}

// SyntaxError describes a source that is not in the language.
type SyntaxError struct {
	Source string // the source, cut to a readable size
	Action string // the offending action, or "" for an unclosed one
}

func (e *SyntaxError) Error() string {
	if e.Action == "" {
		return fmt.Sprintf("template %q: unclosed action", clip.String(e.Source, 80))
	}
	return fmt.Sprintf("template %q: action %q is not {{.name}} or {{.name | func \"arg\"}} with a known func", clip.String(e.Source, 80), clip.String(e.Action, 80))
}

// Compile compiles src. Its actions must be {{.name}} or
// {{.name | fn "arg"}} with fn in funcs, names made of letters, digits and
// underscores; anything else is a *SyntaxError.
func Compile(src string, funcs map[string]Func) (*Template, error) {
	t := &Template{}
	rest := src
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{text: rest[:i]})
			t.size += i
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, &SyntaxError{Source: src}
		}
		p, ok := action(strings.TrimSpace(rest[i+2:i+j]), funcs)
		if !ok {
			return nil, &SyntaxError{Source: src, Action: rest[i : i+j+2]}
		}
		t.parts = append(t.parts, p)
		rest = rest[i+j+2:]
	}
	if rest != "" {
		t.parts = append(t.parts, part{text: rest})
		t.size += len(rest)
	}
	return t, nil
}

// action parses ".name" or ".name | fn "arg"".
func action(a string, funcs map[string]Func) (part, bool) {
	head, pipe, piped := strings.Cut(a, "|")
	name := strings.TrimSpace(head)
	if len(name) < 2 || name[0] != '.' || !ident(name[1:]) {
		return part{}, false
	}
	p := part{name: name[1:]}
	if !piped {
		return p, true
	}
	fnName, quoted, ok := strings.Cut(strings.TrimSpace(pipe), " ")
	fn := funcs[fnName]
	if !ok || fn == nil {
		return part{}, false
	}
	quoted = strings.TrimSpace(quoted)
	if quoted == "" || quoted[0] != '"' && quoted[0] != '`' {
		return part{}, false // a 'c' would be a rune constant, a number
	}
	arg, err := strconv.Unquote(quoted)
	if err != nil {
		return part{}, false
	}
	p.fn, p.arg = fn, arg
	return p, true
}

func ident(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// Names returns the data names t prints, in order, each once.
func (t *Template) Names() []string {
	var names []string
	for _, p := range t.parts {
		if p.name != "" && !slices.Contains(names, p.name) {
			names = append(names, p.name)
		}
	}
	return names
}

// Data is what one rendering reads.
type Data struct {
	// Values are the template data, by name.
	Values map[string]any
	// Count is printed for {{.count}} when Values has no "count".
	Count any
	// Resolver, when set, gives the text of values that are not plain,
	// such as a nested localizable message.
	Resolver Resolver
}

// Resolver turns a value that is not plain into the text printed for it;
// it reports false for the values it leaves to the template.
type Resolver interface {
	Resolve(v any) (string, bool)
}

func (d Data) lookup(name string) (any, bool) {
	v, ok := d.Values[name]
	if !ok && name == "count" && d.Count != nil {
		return d.Count, true
	}
	if ok && d.Resolver != nil {
		if s, done := d.Resolver.Resolve(v); done {
			return s, true
		}
	}
	return v, ok
}

// Execute renders t with d. A missing value prints nothing. The output is
// at most clip.Message bytes; longer output is cut and ends in clip.Marker.
func (t *Template) Execute(d Data) string {
	if len(t.parts) == 1 && t.parts[0].name == "" {
		return clip.String(t.parts[0].text, clip.Message)
	}
	w := writer{max: clip.Message}
	w.b.Grow(min(t.size+16*len(t.parts), clip.Message))
	for _, p := range t.parts {
		if w.full {
			break
		}
		if p.name == "" {
			w.WriteString(p.text)
			continue
		}
		v, ok := d.lookup(p.name)
		switch {
		case p.fn != nil:
			if !ok {
				v = nil
			}
			w.WriteString(p.fn(p.arg, v))
		case ok:
			writeValue(&w, v)
		}
	}
	return w.String()
}

// writer is a strings.Builder that keeps at most max bytes and remembers
// that it dropped some.
type writer struct {
	b    strings.Builder
	max  int
	full bool
}

func (w *writer) WriteString(s string) {
	if room := w.max - w.b.Len(); len(s) > room {
		s, w.full = s[:max(room, 0)], true
	}
	w.b.WriteString(s)
}

func (w *writer) Write(p []byte) (int, error) {
	w.WriteString(string(p))
	return len(p), nil
}

func (w *writer) String() string {
	if w.full {
		return clip.Mark(w.b.String(), w.max)
	}
	return w.b.String()
}

// writeValue prints v as fmt's %v does, with fast paths for the common
// kinds.
func writeValue(w *writer, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		w.WriteString(x)
	case int:
		w.WriteString(strconv.Itoa(x))
	case int64:
		w.WriteString(strconv.FormatInt(x, 10))
	case bool:
		w.WriteString(strconv.FormatBool(x))
	default:
		fmt.Fprint(w, x)
	}
}

// The cache of Render: sources come from code and message files only, but
// it is bounded all the same, in entries and in bytes.
var (
	cache      sync.Map // source → *Template, nil when it does not compile
	cacheCount atomic.Int64
	cacheBytes atomic.Int64
)

const (
	maxCached      = 4096
	maxCachedBytes = 1 << 20
)

// Render compiles src, with no template functions, and executes it with d.
// Compiled sources are cached. A source that does not compile is printed as
// it is, never executed: a broken message must not break an error response.
func Render(src string, d Data) string {
	if !strings.Contains(src, "{{") {
		return clip.String(src, clip.Message)
	}
	var t *Template
	if v, ok := cache.Load(src); ok {
		t = v.(*Template)
	} else {
		t, _ = Compile(src, nil)
		if cacheCount.Load() < maxCached && cacheBytes.Load()+int64(len(src)) <= maxCachedBytes {
			if _, loaded := cache.LoadOrStore(src, t); !loaded {
				cacheCount.Add(1)
				cacheBytes.Add(int64(len(src)))
			}
		}
	}
	if t == nil {
		return clip.String(src, clip.Message)
	}
	return t.Execute(d)
}
