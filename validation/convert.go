package validation

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

var timeType = reflect.TypeFor[time.Time]()

// fieldErrors converts validator errors about a value of type root to
// field details, in the order validator walks structs (struct fields, then
// slice elements by index), with map entries sorted by key.
func (d *Decoder) fieldErrors(root reflect.Type, verrs validator.ValidationErrors) []problem.FieldError {
	out := make([]problem.FieldError, len(verrs))
	spans := make([][2]int, len(verrs)) // each one's sort key, in keys
	keys := make([]order, 0, 2*len(verrs))
	var s splitter
	for i, fe := range verrs {
		loc, rest := s.locate(root, fe.Namespace(), fe.StructField())
		out[i] = d.convert(loc, rest, fe)
		spans[i] = [2]int{len(keys), len(keys) + len(loc.order)}
		keys = append(keys, loc.order...)
	}
	cmp := func(i, j int) int { return compareOrder(keys[spans[i][0]:spans[i][1]], keys[spans[j][0]:spans[j][1]]) }
	sorted := true
	for i := 1; i < len(out) && sorted; i++ {
		sorted = cmp(i-1, i) <= 0
	}
	if sorted { // validator's order, unless a map was walked
		return out
	}
	perm := make([]int, len(out))
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, cmp)
	sortedOut := make([]problem.FieldError, len(out))
	for i, j := range perm {
		sortedOut[i] = out[j]
	}
	return sortedOut
}

// counted lists the rules whose parameter is a count of characters or items
// for strings and collections, so their messages have a plural form.
var counted = map[string]bool{
	"min": true, "max": true, "len": true, "eq": true, "ne": true,
	"gt": true, "gte": true, "lt": true, "lte": true,
}

// convert builds the field detail of one validator error, located at loc;
// rest is its namespace without the root's name.
func (d *Decoder) convert(loc *located, rest string, fe validator.FieldError) problem.FieldError {
	rule := fe.Tag()
	base := rule
	if s, ok := shared[rule]; ok {
		base = s
	}
	kind := kindOf(fe)
	param := fe.Param()
	var data map[string]any
	suffix := ""
	// other returns the JSON path of the field a cross-field rule names by
	// its Go name, relative to the struct declaring the failing field.
	other := func(ref string) (path, bool) {
		p, ok := jsonPath(loc.owner, ref)
		if !ok {
			return nil, false
		}
		return append(slices.Clip(loc.path[:loc.ownerLen]), p...), true
	}
	actual := fe.ActualTag() // an alias's own rule names the other fields
	if s, ok := shared[actual]; ok {
		actual = s
	}
	switch actual {
	case "eqfield", "nefield", "gtfield", "gtefield", "ltfield", "ltefield", "fieldcontains", "fieldexcludes":
		if p, ok := other(param); ok {
			param = p[loc.ownerLen:].dotted()
			data = map[string]any{"otherField": d.label(p, p.dotted())}
		}
	case "required_if", "required_unless", "excluded_if", "excluded_unless":
		words := splitParam(param)
		var names []string
		data = make(map[string]any, 6)
		for i := 0; i+1 < len(words); i += 2 {
			p, ok := other(words[i])
			if !ok {
				continue
			}
			words[i] = p[loc.ownerLen:].dotted()
			names = append(names, words[i])
			if len(words) == 2 {
				data["otherField"] = d.label(p, p.dotted())
				data["value"] = words[1]
			}
		}
		param = strings.Join(words, " ")
		if len(words) > 2 {
			suffix = ".multi"
			data["otherFields"] = strings.Join(names, ", ")
		}
	case "required_with", "required_with_all", "required_without", "required_without_all",
		"excluded_with", "excluded_with_all", "excluded_without", "excluded_without_all":
		words := strings.Fields(param)
		data = make(map[string]any, 4)
		for i, w := range words {
			if p, ok := other(w); ok {
				words[i] = p[loc.ownerLen:].dotted()
				if len(words) == 1 {
					data["otherField"] = d.label(p, p.dotted())
				}
			}
		}
		param = strings.Join(words, " ")
		if len(words) > 1 {
			suffix = ".multi"
			data["otherFields"] = strings.Join(words, ", ")
		}
	case "oneof":
		data = map[string]any{"values": d.values(param)}
	}
	var count any
	if counted[base] && (kind == "string" || kind == "slice") {
		if n, err := strconv.Atoi(param); err == nil {
			count = n
		}
	}
	dotted := rest
	if loc.renamed {
		dotted = loc.path.dotted()
	}
	var label problem.Message
	if len(loc.path) == 1 && loc.first != nil && !loc.renamed {
		label = loc.first.label // a top-level field, the most common
	}
	out := d.detail(loc.path, dotted, label, rule, param, d.pick(rule, base, kind, suffix), data, count)
	if d.echo && !loc.secret && echoable(fe) {
		out.Value = fe.Value()
	}
	return out
}

// pickKey is what the choice of a message depends on.
type pickKey struct{ rule, base, kind, suffix string }

// pick returns the key of the most specific message d has for a rule,
// remembered per rule and kind: there are as many as the program's tags.
func (d *Decoder) pick(rule, base, kind, suffix string) string {
	k := pickKey{rule, base, kind, suffix}
	if key, ok := d.picked.Load(k); ok {
		return key.(string)
	}
	var cands []string
	if suffix != "" {
		cands = append(cands, rule+suffix, base+suffix)
	}
	if kind != "" {
		cands = append(cands, rule+"."+kind)
	}
	cands = append(cands, rule)
	if kind != "" {
		cands = append(cands, base+"."+kind)
	}
	key := "generic"
	for _, c := range append(cands, base) {
		if _, ok := d.messages[c]; ok {
			key = c
			break
		}
	}
	d.picked.Store(k, key)
	return key
}

// detail builds a field detail: the path (written dotted), the rule and
// its parameter, and the message of key with the field label (made from
// the path if zero), rule and param as data. Detail is left to the
// renderer, which translates Message for the request.
func (d *Decoder) detail(p path, dotted string, label problem.Message, rule, param, key string, data map[string]any, count any) problem.FieldError {
	if label.IsZero() {
		label = d.label(p, dotted)
	}
	m := d.message(label, rule, param, key, data, count)
	return problem.FieldError{
		Pointer: p.pointer(),
		Field:   dotted,
		Rule:    rule,
		Param:   param,
		Message: m,
	}
}

// message returns the localizable message of key for a field.
func (d *Decoder) message(label problem.Message, rule, param, key string, data map[string]any, count any) problem.Message {
	if data == nil {
		data = make(map[string]any, 4)
	}
	data["field"] = label
	data["rule"] = rule
	data["param"] = param
	t := d.messages[key]
	return problem.Message{ID: MessagePrefix + key, Default: t.other, One: t.one, Data: data, Count: count}
}

// label returns the localizable name of the field at p, written dotted:
// message ID "field.<path without indexes>" ("field.items.qty"), shown as
// the dotted path ("items[0].qty") when no message file has it. The path is
// the client's text (member names, map keys), so it is a literal, never a
// template, cut to clip.Field bytes like the field member. The document
// root is "validation.body".
func (d *Decoder) label(p path, dotted string) problem.Message {
	id := p.labelID(dotted)
	if id == "" {
		if dotted != "" {
			return problem.Label(MessagePrefix+"body", clip.String(dotted, clip.Field))
		}
		t := d.messages["body"]
		return problem.Message{ID: MessagePrefix + "body", Default: t.other}
	}
	return problem.Label("field."+clip.String(id, clip.Field), clip.String(dotted, clip.Field))
}

// kindOf classifies the failing value for the wording of its message.
func kindOf(fe validator.FieldError) string {
	switch fe.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array, reflect.Map:
		return "slice"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Struct:
		if fe.Type() == timeType {
			return "time"
		}
	}
	return ""
}

// echoable reports whether a rejected value is plain enough to send back.
func echoable(fe validator.FieldError) bool {
	switch fe.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	case reflect.Struct:
		return fe.Type() == timeType
	}
	return false
}

// values returns the words of a oneof parameter joined by ", ",
// remembered per parameter: there are as many as the program's tags.
func (d *Decoder) values(param string) string {
	if v, ok := d.oneof.Load(param); ok {
		return v.(string)
	}
	v := strings.Join(splitParam(param), ", ")
	d.oneof.Store(param, v)
	return v
}

// splitParam splits a rule parameter into words the way validator does for
// oneof and required_if: at spaces, with 'single quotes' around words that
// hold spaces.
func splitParam(param string) []string {
	var out []string
	for param != "" {
		param = strings.TrimLeft(param, " ")
		if param == "" {
			break
		}
		if param[0] == '\'' {
			if end := strings.IndexByte(param[1:], '\''); end >= 0 {
				out = append(out, param[1:end+1])
				param = param[end+2:]
				continue
			}
		}
		word, rest, _ := strings.Cut(param, " ")
		out = append(out, word)
		param = rest
	}
	return out
}
