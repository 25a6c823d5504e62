package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/problemkit/problemkit/problem"
)

// bom is the UTF-8 byte order mark, which RFC 8259 §8.1 lets parsers ignore.
var bom = []byte{0xEF, 0xBB, 0xBF}

// unmarshal decodes one JSON value from body into v. Positions in problems
// count from the start of body, byte order mark included.
func (d *Decoder) unmarshal(body []byte, v any) error {
	shift := 0
	if bytes.HasPrefix(body, bom) {
		shift = len(bom)
	}
	doc := body[shift:]
	if skipSpace(doc, 0) == len(doc) {
		return EmptyBody.New()
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if !d.allowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return d.decodeError(doc, shift, reflect.TypeOf(v), err)
	}
	if end := skipSpace(doc, int(dec.InputOffset())); end < len(doc) {
		return TrailingData.New().With("offset", end+shift)
	}
	return nil
}

// decode decodes doc into a new value of type t (a pointer type), as
// unmarshal does, for a second look at a document that failed.
func decode(doc []byte, t reflect.Type, disallowUnknown bool) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if disallowUnknown {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(reflect.New(t.Elem()).Interface())
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// decodeError turns an error of encoding/json decoding doc into a value of
// type t into a problem. It reads the error's type and fields, never its
// text.
func (d *Decoder) decodeError(doc []byte, shift int, t reflect.Type, err error) error {
	var (
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		invalid  *json.InvalidUnmarshalError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.As(err, &invalid):
		return problem.InternalError.New().Wrap(err)
	case errors.As(err, &tooLarge):
		return problem.PayloadTooLarge.New().With("limit", tooLarge.Limit).Wrap(err)
	case errors.As(err, &syntax):
		return malformed(doc, shift, int(syntax.Offset)-offsets().syntax, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed(doc, shift, len(doc), err)
	case errors.As(err, &typ):
		return d.typeError(doc, t, typ)
	}
	if !d.allowUnknown {
		// encoding/json says which member it did not know only in its
		// error text. Ask it again without DisallowUnknownFields: if the
		// document then decodes, an unknown member was the failure, and
		// encoding/json itself finds it (see firstUnknown).
		again := decode(doc, t, false)
		if again == nil {
			p, ok := firstUnknown(doc, t)
			e := UnknownField.New().Wrap(err)
			if ok {
				p = kinds(t, p)
				e.WithFields(d.detail(p, p.dotted(), problem.Message{}, "unknown", "", "unknown", nil, nil))
			}
			return e
		}
		if !errors.As(again, &typ) && !errors.As(again, &syntax) {
			err = again
		} else {
			return d.decodeError(doc, shift, t, again)
		}
	}
	// An UnmarshalJSON or UnmarshalText method refused its input, such as
	// time.Time a malformed date: the client's fault, but encoding/json
	// does not always say where.
	return InvalidFieldType.New().
		WithMessage(problem.Message{ID: MessagePrefix + "body.value", Default: d.messages["body.value"].other}).
		Wrap(err)
}

// malformed returns MALFORMED_JSON for an error at byte pos of doc.
func malformed(doc []byte, shift, pos int, err error) error {
	pos = min(max(pos, 0), len(doc))
	line, col := 1, 1
	for _, c := range doc[:pos] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if line == 1 {
		col += shift
	}
	return MalformedJSON.New().
		With("line", line).With("column", col).With("offset", pos+shift).
		Wrap(err)
}

// conventions are how the encoding/json linked in reports positions, which
// its v1 and v2 implementations do differently (GOEXPERIMENT=jsonv2):
// v1's SyntaxError.Offset counts the bytes read, the bad one included, and
// its UnmarshalTypeError.Offset is the end of a literal or just past the
// bracket of an object or array; v2 gives the offset of the bad byte and of
// the start of the value.
type conventions struct {
	syntax int  // subtracted from SyntaxError.Offset to get the bad byte
	start  bool // UnmarshalTypeError.Offset is where the value starts
}

// offsets learns the conventions once, by asking encoding/json about two
// documents whose answers are known, instead of assuming one release's
// behaviour: a build tag would pick the wrong one the day the experiment
// becomes the only implementation.
var offsets = sync.OnceValue(func() conventions {
	var c conventions
	var syntax *json.SyntaxError
	if err := json.NewDecoder(strings.NewReader(`x`)).Decode(new(any)); errors.As(err, &syntax) {
		c.syntax = int(syntax.Offset) // the bad byte is at 0
	}
	var typ *json.UnmarshalTypeError
	if err := json.NewDecoder(strings.NewReader(`1`)).Decode(new(string)); errors.As(err, &typ) {
		c.start = typ.Offset == 0 // the value spans [0, 1)
	}
	return c
})

// typeError returns INVALID_FIELD_TYPE for a value of the wrong JSON type
// (or one its type's own UnmarshalJSON refused with an UnmarshalTypeError)
// in doc, decoded into type t.
func (d *Decoder) typeError(doc []byte, t reflect.Type, e *json.UnmarshalTypeError) error {
	p, start, end, found := locateOffset(doc, e.Offset, offsets().start)
	if found {
		p = kinds(t, p)
	}
	want := jsonType(e.Type)
	id := "type." + want
	// encoding/json describes a rejected number with its literal (Value
	// "number 123…"), and the cause is logged: keep only its JSON type, so
	// that no field value — a secret one included — reaches the log.
	cause := *e
	cause.Value, _, _ = strings.Cut(e.Value, " ")
	if found {
		lit := doc[start:end]
		cause.Value = kindName(lit[0])
		if want == "integer" && isInteger(lit) {
			id = "type.range" // a whole number too large for its field
		}
	}
	return InvalidFieldType.New().WithFields(d.detail(p, p.dotted(), problem.Message{}, "type", want, id, nil, nil)).Wrap(&cause)
}

// kindName names the JSON type of a value from its first byte, as
// encoding/json's UnmarshalTypeError.Value does.
func kindName(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// isInteger reports whether b is a JSON number with no fraction or exponent.
func isInteger(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("-"))
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// jsonType names the JSON type values of t are decoded from.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "object"
	}
	if custom(t) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		// Such as time.Time or a UUID: written as strings.
		if t.Kind() == reflect.Struct || t.Kind() == reflect.Array || t.Kind() == reflect.String {
			return "string"
		}
	}
	t = indirect(t)
	if t == reflect.TypeFor[json.Number]() {
		return "number"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte is base64
		}
		return "array"
	case reflect.Array:
		return "array"
	}
	return "object"
}
