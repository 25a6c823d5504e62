package validation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/problem"
)

// DefaultMaxBytes is the request body limit of a Decoder whose
// Options.MaxBytes is zero: 1 MiB.
const DefaultMaxBytes int64 = 1 << 20

// accepted lists the media types a Decoder accepts, as sent in the
// "accepted" member of an UNSUPPORTED_MEDIA_TYPE problem.
var accepted = []string{"application/json", "application/*+json"}

// Options configures a Decoder. The zero value means the defaults.
type Options struct {
	// MaxBytes limits the request body; a larger body is answered with
	// PAYLOAD_TOO_LARGE (413). Zero means DefaultMaxBytes; a negative value
	// means no limit, which lets any client make the server buffer any
	// amount of data.
	MaxBytes int64
	// AllowUnknownFields accepts JSON object members that match no struct
	// field, as encoding/json does by default. Otherwise they are answered
	// with UNKNOWN_FIELD (422).
	AllowUnknownFields bool
	// EchoValues puts the rejected value of a field in its field detail
	// (FieldError.Value) — never for a field marked secret (see TagSecret),
	// and only for strings, numbers, booleans and times.
	EchoValues bool
	// Validator is the validator instance to use, configured with the
	// application's own rules and aliases. Nil means a new instance made with
	// validator.WithRequiredStructEnabled. The Decoder never modifies it (it
	// registers no tag name function on it): field names are resolved from
	// StructNamespace and the json tags, so the instance may be shared.
	Validator *validator.Validate
	// Messages adds or replaces English messages, keyed like the built-in
	// ones without the "validation." prefix: a rule ("iban"), or a rule and
	// the kind of value ("min.string"). Default and One are used; the ID is
	// always "validation." plus the key, so translations can be added under
	// it. A message key a custom rule lacks falls back to
	// "validation.generic".
	Messages map[string]problem.Message
}

// Decoder decodes JSON request bodies and request parameters and validates
// them, turning every failure into a *problem.Error. Build one at start-up
// with New; it is safe for concurrent use.
type Decoder struct {
	maxBytes      int64
	allowUnknown  bool
	echo          bool
	validate      *validator.Validate
	messages      map[string]text
	acceptedValue string
}

// New returns a Decoder configured by opts.
func New(opts Options) *Decoder {
	d := &Decoder{
		maxBytes:      opts.MaxBytes,
		allowUnknown:  opts.AllowUnknownFields,
		echo:          opts.EchoValues,
		validate:      opts.Validator,
		messages:      english,
		acceptedValue: strings.Join(accepted, ", "),
	}
	if d.maxBytes == 0 {
		d.maxBytes = DefaultMaxBytes
	}
	if d.validate == nil {
		d.validate = validator.New(validator.WithRequiredStructEnabled())
	}
	if len(opts.Messages) > 0 {
		d.messages = maps.Clone(english)
		for k, m := range opts.Messages {
			d.messages[k] = text{other: m.Default, one: m.One}
		}
	}
	return d
}

// Messages returns every message of d — the built-in ones with the
// Options.Messages added or replaced — sorted by ID, like the package-level
// Messages.
func (d *Decoder) Messages() []problem.Message { return listMessages(d.messages) }

var defaultDecoder = sync.OnceValue(func() *Decoder { return New(Options{}) })

// Decode decodes and validates the JSON body of r into v with a Decoder of
// default Options, built on first use. See Decoder.Decode.
func Decode(r *http.Request, v any) error { return defaultDecoder().Decode(r, v) }

// Validate validates v with a Decoder of default Options. See
// Decoder.Validate.
func Validate(v any) error { return defaultDecoder().Validate(v) }

// Params binds and validates the query, path and header parameters of r
// into v with a Decoder of default Options. See Decoder.Params.
func Params(r *http.Request, v any) error { return defaultDecoder().Params(r, v) }

// Decode reads the JSON body of r into v, which must be a non-nil pointer,
// and validates the result. It returns nil or a *problem.Error:
//
//   - UNSUPPORTED_MEDIA_TYPE (415) unless the Content-Type is
//     application/json or a "+json" type (with no charset, or UTF-8);
//   - PAYLOAD_TOO_LARGE (413) for a body over the limit;
//   - EMPTY_BODY (400) for a body that is empty or only white space;
//   - MALFORMED_JSON (400) for a syntax error, with line, column and offset;
//   - TRAILING_DATA (400) for anything but white space after the value;
//   - INVALID_FIELD_TYPE (422) for a value of the wrong JSON type;
//   - UNKNOWN_FIELD (422) for a member no field takes, unless allowed;
//   - VALIDATION_ERROR (422) listing every field that breaks a rule;
//   - INTERNAL_ERROR (500) when v cannot be decoded into or validated at
//     all, a bug in the calling code.
//
// A struct (or a pointer to one) is validated with validator's Struct; a
// slice, array or map with Var and "dive", so that struct elements are
// validated too. Other values are only decoded. The body is read whole
// (up to the limit) and is not restored.
func (d *Decoder) Decode(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return problem.EmptyBody.New()
	}
	if !acceptable(r.Header.Get("Content-Type")) {
		e := problem.UnsupportedMediaType.New().With("accepted", append([]string(nil), accepted...))
		switch r.Method {
		case http.MethodPost:
			e.WithHeader("Accept-Post", d.acceptedValue)
		case http.MethodPatch:
			e.WithHeader("Accept-Patch", d.acceptedValue)
		}
		return e
	}
	if d.maxBytes > 0 && r.ContentLength > d.maxBytes {
		return problem.PayloadTooLarge.New().With("limit", d.maxBytes)
	}
	body, err := d.read(r)
	if err != nil {
		return err
	}
	if err := d.unmarshal(body, v); err != nil {
		return err
	}
	return d.check(r.Context(), v)
}

// acceptable reports whether a Content-Type header names JSON.
func acceptable(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// read returns the body of r, at most d.maxBytes of it. The buffer grows
// as bytes arrive, never from the declared Content-Length: a client that
// declares a megabyte and sends a byte makes the server hold a byte.
func (d *Decoder) read(r *http.Request) ([]byte, error) {
	src := r.Body
	if d.maxBytes > 0 {
		src = http.MaxBytesReader(nil, r.Body, d.maxBytes)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(src); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, problem.PayloadTooLarge.New().With("limit", tooLarge.Limit).Wrap(err)
		}
		return nil, problem.MalformedRequest.New().Wrap(err)
	}
	return buf.Bytes(), nil
}

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
	start := skipSpace(doc, 0)
	if start == len(doc) {
		return problem.EmptyBody.New()
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if !d.allowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return d.decodeError(doc, shift, v, err)
	}
	if end := skipSpace(doc, int(dec.InputOffset())); end < len(doc) {
		return problem.TrailingData.New().With("offset", end+shift)
	}
	return nil
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

// decodeError turns an error of encoding/json into a problem.
func (d *Decoder) decodeError(doc []byte, shift int, v any, err error) error {
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
		// Offset counts the bytes read, the offending one included.
		return malformed(doc, shift, int(syntax.Offset)-1, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed(doc, shift, len(doc), err)
	case errors.As(err, &typ):
		return d.typeError(doc, v, typ)
	}
	if strings.HasPrefix(err.Error(), "json: cannot set embedded pointer") {
		return problem.InternalError.New().Wrap(err) // v's type cannot be decoded into
	}
	if key, ok := unknownField(err); ok {
		p, found := locateUnknown(doc, reflect.TypeOf(v), key)
		if !found {
			p = path{{name: key}}
		}
		return problem.UnknownField.New().WithFields(d.detail(p, "unknown", "", "unknown", nil, nil)).Wrap(err)
	}
	// An UnmarshalJSON or UnmarshalText method refused its input, such as
	// time.Time a malformed date: the client's fault, but encoding/json does
	// not say where.
	return problem.InvalidFieldType.New().
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
	return problem.MalformedJSON.New().
		With("line", line).With("column", col).With("offset", pos+shift).
		Wrap(err)
}

// unknownField parses the error encoding/json returns for an unknown
// member: `json: unknown field "name"`, the name quoted by %q.
func unknownField(err error) (string, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	name, uerr := strconv.Unquote(msg[len(prefix):])
	return name, uerr == nil
}

// typeError returns INVALID_FIELD_TYPE for a value of the wrong JSON type.
func (d *Decoder) typeError(doc []byte, v any, e *json.UnmarshalTypeError) error {
	p, ok := locateOffset(doc, e.Offset)
	if !ok || !consistent(p, e.Field) {
		p = nil
		for name := range strings.SplitSeq(e.Field, ".") {
			if name != "" {
				p = append(p, seg{name: name})
			}
		}
	}
	p = kinds(reflect.TypeOf(v), p)
	want := jsonType(e.Type)
	id := "type." + want
	if want == "integer" && strings.HasPrefix(e.Value, "number ") && isInteger(strings.TrimPrefix(e.Value, "number ")) {
		id = "type.range" // a whole number too large for its field
	}
	// encoding/json puts a rejected number's literal in Value ("number
	// 123…"), and the cause is logged: keep only its JSON type, so that no
	// field value — a secret one included — reaches the log.
	cause := *e
	cause.Value, _, _ = strings.Cut(e.Value, " ")
	return problem.InvalidFieldType.New().WithFields(d.detail(p, "type", want, id, nil, nil)).Wrap(&cause)
}

// isInteger reports whether s is a JSON number with no fraction or exponent.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// consistent reports whether a path found by offset ends with the member
// encoding/json named.
func consistent(p path, field string) bool {
	if field == "" {
		return true
	}
	last := field[strings.LastIndexByte(field, '.')+1:]
	for i := len(p) - 1; i >= 0; i-- {
		if p[i].kind == segField {
			return strings.EqualFold(p[i].name, last)
		}
	}
	return false
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

// Validate validates v, a struct or a pointer to one, with the Decoder's
// validator. It returns nil, VALIDATION_ERROR (422) listing every failing
// field, or INTERNAL_ERROR (500) when v cannot be validated at all (such as
// a nil pointer or a non-struct), which is a bug in the calling code.
func (d *Decoder) Validate(v any) error { return d.validateStruct(context.Background(), v) }

// ValidateCtx is Validate passing ctx to validation functions registered
// with validator's RegisterValidationCtx.
func (d *Decoder) ValidateCtx(ctx context.Context, v any) error { return d.validateStruct(ctx, v) }

func (d *Decoder) validateStruct(ctx context.Context, v any) error {
	err := d.validate.StructCtx(ctx, v)
	return d.validationError(problem.ValidationFailed, reflect.ValueOf(v), err)
}

// check validates a decoded value: structs with Struct, collections with
// "dive", anything else not at all.
func (d *Decoder) check(ctx context.Context, v any) error {
	rv := reflect.ValueOf(v)
	t := indirect(rv.Type())
	switch {
	case t.Kind() == reflect.Struct && t != timeType:
		return d.validateStruct(ctx, v)
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
		err := d.validate.VarCtx(ctx, v, "dive")
		return d.validationError(problem.ValidationFailed, rv, err)
	}
	return nil
}

// validationError turns an error of the validator into a problem.
func (d *Decoder) validationError(code *problem.Code, root reflect.Value, err error) error {
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		// InvalidValidationError, or a panic-free failure we do not know:
		// either way the calling code is at fault, not the client.
		return problem.InternalError.New().Wrap(err)
	}
	fields := d.fieldErrors(root, verrs)
	return code.New().With("count", len(fields)).WithFields(fields...).Wrap(&RulesError{Errors: verrs, fields: fields})
}
