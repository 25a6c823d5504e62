package problemdocs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

// Generated is the value of the document's "x-generated" member, its
// first: JSON has no comments.
const Generated = "by problemkit/problemdocs from the catalog declared in code; do not edit"

// OpenAPIOptions describes the document OpenAPI writes.
type OpenAPIOptions struct {
	// Title is info.title; empty means "Error catalog".
	Title string
	// Version is info.version; empty means "1.0.0".
	Version string
	// Description is info.description; empty means the catalog's
	// introduction (the label docs.intro).
	Description string
	// Contact is info.contact; nil means none.
	Contact *Contact
	// License is info.license; nil means none.
	License *License
	// InfoExtensions are extension members of info, each named "x-…",
	// such as "x-api-id" and "x-audience".
	InfoExtensions map[string]any
	// Servers are the URLs of the servers; empty means "/".
	Servers []string

	// Operations are the API's operations. With none, the document holds
	// the catalog's components alone, for an API to $ref. With them, it
	// is the API's document: its paths, and the components they use.
	Operations []Operation
	// Tags describe the tags the operations use; a tag without one is
	// described by its name.
	Tags []Tag
	// SecuritySchemes are the security schemes operations name in
	// Operation.Security, each the JSON of an OpenAPI Security Scheme
	// Object, such as {"type": "http", "scheme": "bearer"}.
	SecuritySchemes map[string]map[string]any
}

// Contact is the contact of an API's document.
type Contact struct {
	// Name, URL and Email are info.contact's name, url and email; empty
	// ones are left out.
	Name, URL, Email string
}

// License is the license of an API's document: a name and a URL.
type License struct {
	// Name is info.license's name, and URL its url, left out when empty.
	Name, URL string
}

// Tag describes one tag of the operations.
type Tag struct {
	// Name is the tag an Operation lists in its Tags, and Description
	// what the document says of it.
	Name, Description string
}

// OpenAPI writes an OpenAPI 3.1 document, as JSON, in tr's language (a nil
// tr means English).
//
// Without opts.Operations it holds the catalog's components: a Problem
// schema (the RFC 9457 members and problemkit's), a FieldError schema, one
// schema per code (its code, status and type URI as constants, and its
// extension members) and one reusable response per code with its example,
// ready to $ref from an API's operations as
// '#/components/responses/USER_NOT_FOUND'.
//
// With opts.Operations it is the API's own document. Each operation's
// responses are its success responses and, per status, every problem code
// it can answer with: the ones it declares, and the ones the pipeline
// answers by itself — INTERNAL_ERROR (500) and METHOD_NOT_ALLOWED (405)
// for every operation, INVALID_PARAMETER (400) for one with Params, the
// codes of validation's Decoder for one with a JSON Body, RATE_LIMITED
// (429) for one that is RateLimited. Several codes under one status are a
// oneOf discriminated by code, with an example of each. The default
// response is CLIENT_CLOSED_REQUEST, the non-standard 499 of a client that
// went away; every other status is listed by number. The components then
// hold only what the operations use.
//
// OpenAPI fails on an operation that is not well declared: no method,
// pattern or summary, a duplicate, a parameter not in the pattern, a code
// the catalog does not hold, an unknown security scheme.
func OpenAPI(w io.Writer, cat *problem.Catalog, tr problem.Translator, opts OpenAPIOptions) error {
	if tr == nil {
		tr = english.Translator{}
	}
	if opts.Title == "" {
		opts.Title = tr.Translate(lblHeading)
	}
	if opts.Version == "" {
		opts.Version = "1.0.0"
	}
	if opts.Description == "" {
		opts.Description = tr.Translate(lblIntro)
	}
	byCode := map[*problem.Code]Entry{}
	for _, e := range entries(cat, tr) {
		c, _ := cat.Lookup(e.Code)
		byCode[c] = e
	}
	doc := openAPIDoc{
		Generated: Generated,
		OpenAPI:   "3.1.0",
		Info:      info(opts),
		Servers:   []any{},
		Paths:     map[string]any{},
	}
	for _, s := range orDefault(opts.Servers, []string{"/"}) {
		doc.Servers = append(doc.Servers, map[string]any{"url": s})
	}
	b := builder{cat: cat, entries: byCode, schemas: map[string]any{}, uriType: allAbsolute(byCode)}

	if len(opts.Operations) == 0 {
		responses := map[string]any{}
		for _, c := range cat.Codes() {
			responses[c.Code] = b.response([]*problem.Code{c}, "/example")
		}
		doc.Components = map[string]any{"schemas": b.schemas, "responses": responses}
	} else {
		if err := b.paths(&doc, opts); err != nil {
			return err
		}
		comp := map[string]any{"schemas": b.schemas}
		if len(opts.SecuritySchemes) > 0 {
			comp["securitySchemes"] = opts.SecuritySchemes
		}
		doc.Components = comp
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// openAPIDoc is the root of the document, its members in the usual order;
// every map below it is written with its keys sorted, so the output is
// stable.
type openAPIDoc struct {
	Generated  string         `json:"x-generated"`
	OpenAPI    string         `json:"openapi"`
	Info       map[string]any `json:"info"`
	Servers    []any          `json:"servers"`
	Tags       []any          `json:"tags,omitempty"`
	Paths      map[string]any `json:"paths"`
	Components map[string]any `json:"components"`
}

func orDefault[T any](v, def []T) []T {
	if len(v) == 0 {
		return def
	}
	return v
}

func info(opts OpenAPIOptions) map[string]any {
	in := map[string]any{"title": opts.Title, "version": opts.Version, "description": opts.Description}
	if c := opts.Contact; c != nil {
		contact := map[string]any{}
		for k, v := range map[string]string{"name": c.Name, "url": c.URL, "email": c.Email} {
			if v != "" {
				contact[k] = v
			}
		}
		in["contact"] = contact
	}
	if l := opts.License; l != nil {
		lic := map[string]any{"name": l.Name}
		if l.URL != "" {
			lic["url"] = l.URL
		}
		in["license"] = lic
	}
	for k, v := range opts.InfoExtensions {
		if strings.HasPrefix(k, "x-") {
			in[k] = v
		}
	}
	return in
}

// allAbsolute reports whether every type URI is absolute, so that the
// Problem schema's type can have the format uri rather than uri-reference.
func allAbsolute(entries map[*problem.Code]Entry) bool {
	for _, e := range entries {
		u, err := url.Parse(e.Type)
		if err != nil || !u.IsAbs() {
			return false
		}
	}
	return true
}

// builder makes the document's parts, adding to schemas the components
// they use.
type builder struct {
	cat     *problem.Catalog
	entries map[*problem.Code]Entry
	schemas map[string]any
	uriType bool
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// codeSchema returns the $ref of a code's schema, adding the schema (and
// the Problem and FieldError schemas it builds on) to the components.
func (b *builder) codeSchema(c *problem.Code) map[string]any {
	if _, ok := b.schemas[c.Code]; !ok {
		if _, ok := b.schemas["Problem"]; !ok {
			b.schemas["Problem"], b.schemas["FieldError"] = problemSchema(b.uriType), fieldErrorSchema()
		}
		e := b.entries[c]
		props := map[string]any{
			"type":   map[string]any{"const": e.Type},
			"status": map[string]any{"const": e.Status},
			"code":   map[string]any{"const": e.Code},
		}
		for _, m := range e.Members {
			if m.Name == "errors" {
				continue
			}
			props[m.Name] = memberSchema(m)
		}
		b.schemas[c.Code] = map[string]any{
			"description": fmt.Sprintf("%s — %s", e.Title, e.Description),
			"type":        "object",
			"allOf":       []any{ref("Problem")},
			"properties":  props,
		}
	}
	return ref(c.Code)
}

// memberSchema is the schema of an extension member. problem.Member says
// only its JSON type: an integer or number gets the widest format, an
// array the items of its example.
func memberSchema(m Member) map[string]any {
	s := map[string]any{"type": m.Type, "description": m.Description}
	switch m.Type {
	case "integer":
		s["format"] = "int64"
	case "number":
		s["format"] = "double"
	case "array":
		items := Schema{}
		if t := reflect.TypeOf(m.Example); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			items = schemaOf(t.Elem(), map[reflect.Type]bool{})
		}
		s["items"] = items
	}
	return s
}

// response is the response of one status answering with codes, each with
// an example whose instance is the request path given.
func (b *builder) response(codes []*problem.Code, instance string) map[string]any {
	examples := map[string]any{}
	var names, refs []any
	mapping := map[string]any{}
	var headers []string
	for _, c := range codes {
		e := b.entries[c]
		example := *e.Example
		example.Instance = instance
		v, _ := toJSONValue(&example)
		examples[c.Code] = map[string]any{"summary": e.Title, "value": v}
		r := b.codeSchema(c)
		refs = append(refs, r)
		mapping[c.Code] = r["$ref"]
		names = append(names, c.Code+" ("+e.Title+")")
		for _, h := range c.Headers {
			if !slices.Contains(headers, h) {
				headers = append(headers, h)
			}
		}
	}
	media := map[string]any{"examples": examples}
	var desc string
	if len(codes) == 1 {
		e := b.entries[codes[0]]
		media["schema"] = refs[0]
		desc = fmt.Sprintf("%s: %s — %s", e.Code, e.Title, e.Description)
	} else {
		media["schema"] = map[string]any{
			"oneOf":         refs,
			"discriminator": map[string]any{"propertyName": "code", "mapping": mapping},
		}
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n.(string)
		}
		desc = "One of: " + strings.Join(parts, ", ") + "."
	}
	resp := map[string]any{
		"description": desc,
		"content":     map[string]any{problem.MediaType: media},
	}
	if len(headers) > 0 {
		resp["headers"] = headerObjects(headers)
	}
	return resp
}

func headerObjects(names []string) map[string]any {
	out := map[string]any{}
	for _, h := range names {
		out[h] = map[string]any{"description": headerDoc(h), "schema": map[string]any{"type": headerType(h)}}
	}
	return out
}

// paths adds the operations to doc.
func (b *builder) paths(doc *openAPIDoc, opts OpenAPIOptions) error {
	seen := map[string]bool{}
	ids := map[string]string{}
	tags := map[string]bool{}
	var errs []error
	for i := range opts.Operations {
		op := &opts.Operations[i]
		if err := op.validate(b.cat); err != nil {
			errs = append(errs, err)
			continue
		}
		key := strings.ToUpper(op.Method) + " " + op.path()
		if seen[key] {
			errs = append(errs, fmt.Errorf("operation %s: declared twice", op.name()))
			continue
		}
		seen[key] = true
		id := op.operationID()
		if other, dup := ids[id]; dup {
			errs = append(errs, fmt.Errorf("operation %s: operationId %q is also %s's", op.name(), id, other))
			continue
		}
		ids[id] = op.name()
		for _, s := range op.Security {
			if _, ok := opts.SecuritySchemes[s]; !ok {
				errs = append(errs, fmt.Errorf("operation %s: security scheme %q is not in SecuritySchemes", op.name(), s))
			}
		}
		for _, t := range op.tags() {
			tags[t] = true
		}
		item, _ := doc.Paths[op.path()].(map[string]any)
		if item == nil {
			item = map[string]any{}
			doc.Paths[op.path()] = item
		}
		item[strings.ToLower(op.Method)] = b.operation(op, id)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("problemdocs: %w", err)
	}
	names := make([]string, 0, len(tags))
	for t := range tags {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, n := range names {
		desc := "Operations under /" + n + "."
		for _, t := range opts.Tags {
			if t.Name == n {
				desc = t.Description
			}
		}
		doc.Tags = append(doc.Tags, map[string]any{"name": n, "description": desc})
	}
	return nil
}

// operation is the Operation Object of op.
func (b *builder) operation(op *Operation, id string) map[string]any {
	out := map[string]any{
		"operationId": id,
		"summary":     op.Summary,
		"tags":        op.tags(),
	}
	security := []any{}
	for _, s := range op.Security {
		security = append(security, map[string]any{s: []any{}})
	}
	out["security"] = security

	var params []any
	for _, name := range patternParams(op.path()) {
		p := Param{Name: name, In: inPath}
		for _, declared := range op.Params {
			if declared.In == inPath && declared.Name == name {
				p = declared
			}
		}
		params = append(params, paramObject(p))
	}
	for _, p := range op.Params {
		if p.In != inPath {
			params = append(params, paramObject(p))
		}
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.Body != nil {
		body := map[string]any{
			"required": true,
			"content":  map[string]any{op.Body.contentType(): map[string]any{"schema": schemaOrAny(op.Body.Schema)}},
		}
		if op.Body.Description != "" {
			body["description"] = op.Body.Description
		}
		out["requestBody"] = body
	}

	responses := map[string]any{}
	for _, r := range op.Responses {
		status := strconv.Itoa(r.Status)
		resp, ok := responses[status].(map[string]any)
		if !ok {
			resp = map[string]any{"description": cmpString(r.Description, statusDescription(r.Status))}
			responses[status] = resp
		}
		if r.Schema != nil {
			media := map[string]any{"schema": r.Schema}
			if r.Example != nil {
				media["example"] = r.Example
			}
			content, _ := resp["content"].(map[string]any)
			if content == nil {
				content = map[string]any{}
				resp["content"] = content
			}
			content[r.contentType()] = media
		}
		if op.RateLimited {
			resp["headers"] = headerObjects([]string{"RateLimit", "RateLimit-Policy"})
		}
	}
	codes := op.problems()
	var summary []string
	for i := 0; i < len(codes); {
		j := i
		for j < len(codes) && codes[j].Status == codes[i].Status {
			summary = append(summary, fmt.Sprintf("%s (%d)", codes[j].Code, codes[j].Status))
			j++
		}
		responses[strconv.Itoa(codes[i].Status)] = b.response(codes[i:j], op.instance())
		i = j
	}
	dflt := b.response([]*problem.Code{problem.ClientClosedRequest}, op.instance())
	dflt["description"] = "Only CLIENT_CLOSED_REQUEST (499), when the client closed the connection before the answer: 499 is not a standard status, so it is not listed by number. Every status the operation answers with otherwise is listed."
	responses["default"] = dflt
	out["responses"] = responses
	out["description"] = cmpString(op.Description, "Problems: "+strings.Join(summary, ", ")+".")
	return out
}

func paramObject(p Param) map[string]any {
	o := map[string]any{
		"name":     p.Name,
		"in":       p.In,
		"required": p.Required || p.In == inPath,
		"schema":   schemaOrString(p.Schema),
	}
	if p.Description != "" {
		o["description"] = p.Description
	}
	return o
}

func schemaOrString(s Schema) any {
	if s == nil {
		return map[string]any{"type": "string"}
	}
	return s
}

func schemaOrAny(s Schema) any {
	if s == nil {
		return map[string]any{}
	}
	return s
}

func cmpString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func headerDoc(h string) string {
	switch h {
	case "Retry-After":
		return "Seconds to wait before retrying."
	case "Allow":
		return "The methods the resource supports."
	case "Accept-Post":
		return "The media types the endpoint accepts."
	case "WWW-Authenticate":
		return "How to authenticate (RFC 9110 §11.6.1)."
	case "RateLimit":
		return "The quota left in the current window (IETF draft-ietf-httpapi-ratelimit-headers)."
	case "RateLimit-Policy":
		return "The quota policy: requests per window (IETF draft-ietf-httpapi-ratelimit-headers)."
	}
	return h + " header."
}

func headerType(h string) string {
	switch h {
	case "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset":
		return "integer"
	}
	return "string"
}

// problemSchema is the Problem schema; its type member has the format uri
// when every type URI of the catalog is absolute, uri-reference (what RFC
// 9457 allows) otherwise.
func problemSchema(uriType bool) map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	typeFormat := "uri-reference"
	if uriType {
		typeFormat = "uri"
	}
	return map[string]any{
		"type":        "object",
		"description": "An RFC 9457 problem details document. Extension members sit at the top level.",
		"required":    []any{"type", "title", "status", "code", "requestId", "timestamp"},
		"properties": map[string]any{
			"type":      map[string]any{"type": "string", "format": typeFormat, "description": "Identifies the problem type; its documentation is at this URI."},
			"title":     str("A short, localized summary of the problem type."),
			"status":    map[string]any{"type": "integer", "format": "int32", "minimum": 400, "maximum": 599, "description": "The HTTP status code, equal to the response's."},
			"detail":    str("A localized explanation of this occurrence."),
			"instance":  map[string]any{"type": "string", "format": "uri-reference", "description": "The request path of this occurrence."},
			"code":      map[string]any{"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$", "description": "The stable application error code. Match on it."},
			"requestId": str("The request ID, equal to the X-Request-ID response header. Quote it to support."),
			"timestamp": map[string]any{"type": "string", "format": "date-time", "example": exampleTime.Format("2006-01-02T15:04:05Z"), "description": "When the problem occurred, UTC."},
			"errors":    map[string]any{"type": "array", "items": ref("FieldError"), "description": "One entry per invalid field or parameter."},
			"traceId":   map[string]any{"type": "string", "pattern": "^[0-9a-f]{32}$", "description": "The W3C trace ID of the request, when it is traced."},
		},
	}
}

func fieldErrorSchema() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	return map[string]any{
		"type":        "object",
		"description": "One invalid field of the request body, or one invalid path, query or header parameter.",
		"required":    []any{"detail"},
		"properties": map[string]any{
			"pointer":    str("RFC 6901 JSON Pointer to the field in the request body, as a URI fragment: #/address/zip."),
			"field":      str("The dotted JSON path of the field (address.zip, items[0].qty), or the parameter's name."),
			"in":         map[string]any{"type": "string", "enum": []any{"query", "path", "header"}, "description": "Where a parameter lives; absent for body fields."},
			"rule":       str("The rule that failed, such as required, min or email."),
			"param":      str("The rule's parameter, such as 3 for min=3."),
			"detail":     str("A localized, human-readable message."),
			"messageKey": str("The message ID of detail, when the API includes it."),
			"value":      map[string]any{"description": "The rejected value, when the API echoes it (never for secret fields)."},
		},
	}
}

// toJSONValue turns v into plain maps, slices and scalars, through JSON.
func toJSONValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}
