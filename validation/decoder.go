package validation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
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
	// Rules configures the Decoder's own validator before its first use:
	// register custom validations, aliases, struct-level rules and custom
	// types on v there. New panics if Rules returns an error, as a rule that
	// cannot be registered is a bug of the program, found at start-up. The
	// Decoder sets the tag name function itself (after Rules), so that
	// field details name JSON fields; one set by Rules is replaced. A
	// struct-level rule reports a field under its JSON name.
	Rules func(v *validator.Validate) error
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
	picked        sync.Map // pickKey → message key, see pick
	oneof         sync.Map // oneof parameter → values, see values
}

// New returns a Decoder configured by opts, with a validator of its own
// made with validator.WithRequiredStructEnabled. It panics if opts.Rules
// returns an error.
func New(opts Options) *Decoder {
	d := &Decoder{
		maxBytes:      opts.MaxBytes,
		allowUnknown:  opts.AllowUnknownFields,
		echo:          opts.EchoValues,
		validate:      validator.New(validator.WithRequiredStructEnabled(), validator.WithTagNameFuncBlankOmit()),
		messages:      english,
		acceptedValue: strings.Join(accepted, ", "),
	}
	if d.maxBytes == 0 {
		d.maxBytes = DefaultMaxBytes
	}
	if opts.Rules != nil {
		if err := opts.Rules(d.validate); err != nil {
			panic(fmt.Errorf("validation: Options.Rules: %w", err))
		}
	}
	d.validate.RegisterTagNameFunc(tagName)
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

// Params binds and validates the query, path and header parameters of r
// into v with a Decoder of default Options. See Decoder.Params.
func Params(r *http.Request, v any) error { return defaultDecoder().Params(r, v) }

// Decode reads the JSON body of r into v, which must be a non-nil pointer,
// and validates the result: the one call for a request body. It returns nil
// or a *problem.Error:
//
//   - UNSUPPORTED_MEDIA_TYPE (415) unless the Content-Type is
//     application/json or a "+json" type (with no charset, or UTF-8);
//   - PAYLOAD_TOO_LARGE (413) for a body over the limit;
//   - EMPTY_BODY (400) for a body that is empty or only white space;
//   - MALFORMED_JSON (400) for a syntax error, with line, column and offset;
//   - TRAILING_DATA (400) for anything but white space after the value;
//   - INVALID_FIELD_TYPE (422) for a value of the wrong JSON type, or one
//     that its type's UnmarshalJSON or UnmarshalText refused;
//   - UNKNOWN_FIELD (422) for a member no field takes, unless allowed;
//   - VALIDATION_ERROR (422) listing every field that breaks a rule;
//   - INTERNAL_ERROR (500) when v cannot be decoded into or validated at
//     all, a bug in the calling code.
//
// A struct (or a pointer to one) is validated with validator's Struct; a
// slice, array or map with Var and "dive", so that struct elements are
// validated too. Other values are only decoded. The body is read whole
// (up to the limit) and is not restored. Validation functions registered
// with RegisterValidationCtx get r.Context().
func (d *Decoder) Decode(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return EmptyBody.New()
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
	if err := undecodable(reflect.TypeOf(v)); err != nil {
		return problem.InternalError.New().Wrap(err)
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
	body, err := io.ReadAll(src) // grows by appending, from 512 bytes
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, problem.PayloadTooLarge.New().With("limit", tooLarge.Limit).Wrap(err)
		}
		return nil, problem.MalformedRequest.New().Wrap(err)
	}
	return body, nil
}

// Validate validates v, a value decoded some other way than by Decode or
// Params (from a message queue, a form, a file), with the Decoder's
// validator: a struct or a pointer to one. It returns nil, VALIDATION_ERROR
// (422) listing every failing field by its JSON name, or INTERNAL_ERROR
// (500) when v cannot be validated at all (a nil pointer, a non-struct),
// which is a bug in the calling code. Validation functions registered with
// RegisterValidationCtx get ctx.
func (d *Decoder) Validate(ctx context.Context, v any) error {
	return d.validationError(reflect.TypeOf(v), d.validate.StructCtx(ctx, v))
}

// check validates a decoded value: structs with Struct, collections with
// "dive", anything else not at all.
func (d *Decoder) check(ctx context.Context, v any) error {
	t := indirect(reflect.TypeOf(v))
	switch {
	case t.Kind() == reflect.Struct && t != timeType:
		return d.Validate(ctx, v)
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
		return d.validationError(t, d.validate.VarCtx(ctx, v, "dive"))
	}
	return nil
}

// validationError turns an error of the validator about a value of type
// root into a problem.
func (d *Decoder) validationError(root reflect.Type, err error) error {
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
	return Failed.New().With("count", len(fields)).WithFields(fields...).Wrap(&RulesError{Errors: verrs, fields: fields})
}
