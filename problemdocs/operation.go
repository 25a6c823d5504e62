package problemdocs

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

// Operation declares one operation of an API for its OpenAPI document:
// the route, what it answers when it succeeds, and the problems its
// handler returns. Write it once, beside the route it describes; the
// document adds the problems the pipeline answers by itself (see
// OpenAPI).
type Operation struct {
	// Method is the HTTP method, such as "GET".
	Method string
	// Pattern is the route pattern as chi and http.ServeMux write it:
	// "/users/{id}". ServeMux's "{name...}" is written "{name}", and
	// "{$}" is dropped.
	Pattern string
	// ID is the operationId; empty means one made of the method and the
	// path: "getUsersById".
	ID string
	// Summary is a short line saying what the operation does. Required.
	Summary string
	// Description says more; empty means a list of the codes it can
	// answer with.
	Description string
	// Tags group operations; empty means the first segment of the path.
	Tags []string
	// Security names the security schemes (OpenAPIOptions.SecuritySchemes)
	// that guard the operation; empty means none.
	Security []string

	// Params are the path, query and header parameters of the operation.
	// One that is not Lenient is bound with validation's Decoder.Params:
	// the document adds INVALID_PARAMETER (400). A path parameter of the
	// pattern that is not declared here is documented as a string.
	Params []Param
	// Body is the request body. A JSON body (the default content type) is
	// one the handler decodes with validation's Decoder.Decode: the
	// document adds the codes Decode answers with (400, 413, 415, 422).
	// A body of any other type is read by the handler itself, which lists
	// its codes in Problems.
	Body *Body
	// Responses are the answers of a request that succeeds.
	Responses []Response
	// Problems are the codes the handler, or a middleware of the route,
	// returns: its domain errors, upstream failures, another middleware's
	// error responses (UNAUTHORIZED for an auth middleware).
	Problems []*problem.Code
	// RateLimited says a rate limiter guards the route, as
	// Pipeline.RateLimit's handlers do: the document adds RATE_LIMITED
	// (429) and the RateLimit header fields on every answer.
	RateLimited bool
}

// Param is one path, query or header parameter of an Operation.
type Param struct {
	// Name is the parameter's name: "id", "fail", "Idempotency-Key".
	Name string
	// In is "path", "query" or "header".
	In string
	// Description says what it holds.
	Description string
	// Required reports whether a request must carry it; path parameters
	// always must.
	Required bool
	// Lenient says the handler ignores a value it cannot use instead of
	// failing. A parameter that is not lenient is one the handler binds
	// with validation's Decoder.Params, which answers INVALID_PARAMETER.
	Lenient bool
	// Schema is its JSON Schema; nil means {"type": "string"}. Its
	// "example", when set, is used in the examples of the operation.
	Schema Schema
}

// Body is the request body of an Operation.
type Body struct {
	// ContentType is its media type; empty means application/json.
	ContentType string
	// Description says what it holds.
	Description string
	// Schema is its JSON Schema; see SchemaOf.
	Schema Schema
}

// Response is one answer of an Operation that succeeds. Responses of the
// same status are one response with several media types.
type Response struct {
	// Status is the HTTP status, such as 200 or 201.
	Status int
	// Description says what the answer holds.
	Description string
	// ContentType is the media type of its body; empty means
	// application/json.
	ContentType string
	// Schema is the JSON Schema of its body (see SchemaOf); nil means no
	// body.
	Schema Schema
	// Example is an example body.
	Example any
}

// Schema is a JSON Schema (the 2020-12 dialect of OpenAPI 3.1) written as
// the JSON object it is, such as Schema{"type": "string"}. Build one from
// a Go type with SchemaOf.
type Schema map[string]any

const (
	mediaJSON = "application/json"
	inPath    = "path"
)

// validate reports what is wrong with a declaration: no method, pattern or
// summary, a parameter with no name or an unknown place, a code the
// catalog does not hold.
func (op *Operation) validate(cat *problem.Catalog) error {
	if op.Method == "" || op.Pattern == "" || !strings.HasPrefix(op.Pattern, "/") {
		return fmt.Errorf("operation %q %q: needs a method and a pattern starting with /", op.Method, op.Pattern)
	}
	if op.Summary == "" {
		return fmt.Errorf("operation %s: no Summary", op.name())
	}
	pathParams := patternParams(op.Pattern)
	for _, p := range op.Params {
		switch p.In {
		case inPath:
			if !slices.Contains(pathParams, p.Name) {
				return fmt.Errorf("operation %s: path parameter %q is not in the pattern", op.name(), p.Name)
			}
		case "query", "header":
		default:
			return fmt.Errorf("operation %s: parameter %q: In is %q, want path, query or header", op.name(), p.Name, p.In)
		}
		if p.Name == "" {
			return fmt.Errorf("operation %s: a parameter has no name", op.name())
		}
	}
	for _, r := range op.Responses {
		if r.Status < 100 || r.Status > 399 {
			return fmt.Errorf("operation %s: response status %d: Responses are for success; failures are Problems", op.name(), r.Status)
		}
	}
	if slices.Contains(op.Problems, nil) {
		return fmt.Errorf("operation %s: nil problem code", op.name())
	}
	// Every code the operation answers, its own and those its parameters
	// and body bring, is one the catalog documents.
	for _, c := range op.problems() {
		if got, ok := cat.Lookup(c.Code); !ok || got != c {
			return fmt.Errorf("operation %s: code %s is not in the catalog: register it, or include the feature that declares it", op.name(), c.Code)
		}
	}
	return nil
}

func (op *Operation) name() string { return op.Method + " " + op.Pattern }

// path is the pattern as an OpenAPI path: ServeMux's "{name...}" becomes
// "{name}" and "{$}" goes.
func (op *Operation) path() string {
	p := strings.ReplaceAll(op.Pattern, "{$}", "")
	p = strings.ReplaceAll(p, "...}", "}")
	if p == "" {
		p = "/"
	}
	return p
}

// patternParams returns the names of a pattern's path parameters.
func patternParams(pattern string) []string {
	var names []string
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return names
		}
		if name := strings.TrimSuffix(rest[i+1:i+j], "..."); name != "$" && name != "" {
			names = append(names, name)
		}
		rest = rest[i+j+1:]
	}
}

// operationID makes an operationId of the method and the path:
// GET /users/{id} is "getUsersById".
func (op *Operation) operationID() string {
	if op.ID != "" {
		return op.ID
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, seg := range strings.Split(op.path(), "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			b.WriteString("By")
			seg = strings.TrimSuffix(name, "}")
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// tags returns the operation's tags: its own, or the first segment of its
// path.
func (op *Operation) tags() []string {
	if len(op.Tags) > 0 {
		return op.Tags
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(op.path(), "/"), "/")
	seg = strings.TrimSuffix(seg, ".json")
	if seg == "" || strings.HasPrefix(seg, "{") {
		seg = "root"
	}
	return []string{seg}
}

// problems returns every code the operation can answer with, the
// pipeline's included, ordered by status and then code.
func (op *Operation) problems() []*problem.Code {
	codes := slices.Clone(op.Problems)
	// Every route: an unexpected failure, and the path's other methods.
	codes = append(codes, problem.InternalError, problem.MethodNotAllowed)
	if slices.ContainsFunc(op.Params, func(p Param) bool { return !p.Lenient }) {
		codes = append(codes, validation.InvalidParameter)
	}
	if op.Body != nil && isJSONMedia(op.Body.contentType()) {
		codes = append(codes, validation.BodyCodes()...)
	}
	if op.RateLimited {
		codes = append(codes, problem.RateLimited)
	}
	slices.SortFunc(codes, func(a, b *problem.Code) int {
		if a.Status != b.Status {
			return a.Status - b.Status
		}
		return strings.Compare(a.Code, b.Code)
	})
	return slices.Compact(codes)
}

func (b *Body) contentType() string {
	if b.ContentType == "" {
		return mediaJSON
	}
	return b.ContentType
}

func (r *Response) contentType() string {
	if r.ContentType == "" {
		return mediaJSON
	}
	return r.ContentType
}

func isJSONMedia(mt string) bool {
	mt, _, _ = strings.Cut(mt, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == mediaJSON || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// instance is an example request path of the operation: each path
// parameter replaced by its schema's example, or by its name.
func (op *Operation) instance() string {
	p := op.path()
	for _, name := range patternParams(p) {
		v := name
		for _, prm := range op.Params {
			if prm.In == inPath && prm.Name == name && prm.Schema["example"] != nil {
				v = fmt.Sprint(prm.Schema["example"])
			}
		}
		p = strings.Replace(p, "{"+name+"}", v, 1)
	}
	return p
}

// SchemaOf returns the JSON Schema of the JSON that encoding/json writes
// for a value of v's type: an object for a struct, its properties named by
// their json tags, the fields without omitempty required (they are always
// written); an array for a slice; integers with the format of their size;
// a string of format date-time for a time.Time; any JSON for interfaces
// and for types with a MarshalJSON method (json.RawMessage), whose JSON
// only they know; a string for an encoding.TextMarshaler. It describes only types, no rule of a
// validate tag. It panics on a type encoding/json cannot write (a channel,
// a func), a programming error.
func SchemaOf(v any) Schema {
	if v == nil {
		return Schema{}
	}
	return schemaOf(reflect.TypeOf(v), map[reflect.Type]bool{})
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return Schema{"type": "string", "format": "date-time"}
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType):
		return Schema{} // its own JSON, which SchemaOf cannot know
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		return Schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return Schema{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return Schema{"type": "integer", "format": "int64"}
	case reflect.Float32:
		return Schema{"type": "number", "format": "float"}
	case reflect.Float64:
		return Schema{"type": "number", "format": "double"}
	case reflect.Interface:
		return Schema{}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return Schema{"type": "string", "format": "byte"}
		}
		return Schema{"type": "array", "items": schemaOf(t.Elem(), seen)}
	case reflect.Map:
		return Schema{"type": "object", "additionalProperties": schemaOf(t.Elem(), seen)}
	case reflect.Struct:
		if seen[t] {
			return Schema{"type": "object"} // a recursive type: described once
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		var required []any
		structFields(t, seen, props, &required)
		s := Schema{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	panic(fmt.Sprintf("problemdocs: SchemaOf: encoding/json cannot write a %s", t))
}

// structFields adds the JSON members of t's fields, promoting those of
// embedded structs without a json name, as encoding/json does.
func structFields(t reflect.Type, seen map[reflect.Type]bool, props map[string]any, required *[]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			structFields(ft, seen, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, seen)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") && !slices.Contains(strings.Split(opts, ","), "omitzero") {
			*required = append(*required, name)
		}
	}
}

// statusDescription is the description of a success response without one.
func statusDescription(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Success"
}
