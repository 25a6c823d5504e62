package problemdocs

import (
	"encoding/json"
	"fmt"
	"io"

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
}

// OpenAPI writes OpenAPI 3.1 components for the catalog, as JSON: a
// Problem schema (the RFC 9457 members and problemkit's), a FieldError
// schema, and one reusable response per code with its example, ready to
// $ref from an API's operations as '#/components/responses/USER_NOT_FOUND'.
// A nil tr means English.
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
	responses := map[string]any{}
	for _, e := range entries(cat, tr) {
		props := map[string]any{
			"code":   map[string]any{"const": e.Code},
			"status": map[string]any{"const": e.Status},
		}
		for _, m := range e.Members {
			if m.Name == "errors" {
				continue
			}
			props[m.Name] = map[string]any{"type": m.Type, "description": m.Description}
		}
		example, err := toJSONValue(e.Example)
		if err != nil {
			return fmt.Errorf("example of %s: %w", e.Code, err)
		}
		resp := map[string]any{
			"description": fmt.Sprintf("%s — %s", e.Title, e.Description),
			"content": map[string]any{
				problem.MediaType: map[string]any{
					"schema": map[string]any{"allOf": []any{
						map[string]any{"$ref": "#/components/schemas/Problem"},
						map[string]any{"type": "object", "properties": props},
					}},
					"example": example,
				},
			},
		}
		if len(e.Headers) > 0 {
			headers := map[string]any{}
			for _, h := range e.Headers {
				headers[h] = map[string]any{"description": headerDoc(h), "schema": map[string]any{"type": headerType(h)}}
			}
			resp["headers"] = headers
		}
		responses[e.Code] = resp
	}
	doc := openAPIDoc{
		Generated: Generated,
		OpenAPI:   "3.1.0",
		Info: map[string]any{
			"title":       opts.Title,
			"version":     opts.Version,
			"description": tr.Translate(lblIntro),
			"license":     map[string]any{"name": "MIT", "identifier": "MIT"},
		},
		Servers: []any{map[string]any{"url": "/"}},
		Paths:   map[string]any{},
		Components: map[string]any{
			"schemas":   schemas(),
			"responses": responses,
		},
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
	Paths      map[string]any `json:"paths"`
	Components map[string]any `json:"components"`
}

func headerDoc(h string) string {
	switch h {
	case "Retry-After":
		return "Seconds to wait before retrying."
	case "Allow":
		return "The methods the resource supports."
	case "Accept-Post":
		return "The media types the endpoint accepts."
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

func schemas() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	return map[string]any{
		"Problem": map[string]any{
			"type":        "object",
			"description": "An RFC 9457 problem details document. Extension members sit at the top level.",
			"required":    []any{"type", "title", "status", "code", "requestId", "timestamp"},
			"properties": map[string]any{
				"type":      map[string]any{"type": "string", "format": "uri-reference", "description": "Identifies the problem type; its documentation is at this URI."},
				"title":     str("A short, localized summary of the problem type."),
				"status":    map[string]any{"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status code, equal to the response's."},
				"detail":    str("A localized explanation of this occurrence."),
				"instance":  map[string]any{"type": "string", "format": "uri-reference", "description": "The request path of this occurrence."},
				"code":      map[string]any{"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$", "description": "The stable application error code. Match on it."},
				"requestId": str("The request ID, equal to the X-Request-ID response header. Quote it to support."),
				"timestamp": map[string]any{"type": "string", "format": "date-time", "description": "When the problem occurred, UTC."},
				"errors":    map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/FieldError"}, "description": "One entry per invalid field or parameter."},
			},
			"additionalProperties": true,
		},
		"FieldError": map[string]any{
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
