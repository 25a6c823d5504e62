package validation

import (
	"embed"
	"net/http"

	"github.com/problemkit/problemkit/problem"
)

// Feature is the package's codes and messages: include it in the
// application's catalog, and the bundle built from that catalog
// translates them (see problem.Catalog.Include).
var Feature = &problem.Feature{
	Name:     "validation",
	Codes:    []*problem.Code{EmptyBody, MalformedJSON, TrailingData, InvalidFieldType, UnknownField, Failed, InvalidParameter},
	Messages: Messages(),
	Files:    locales,
}

// BodyCodes returns the codes Decoder.Decode answers with, for the
// documentation of an operation that takes a JSON body (package
// problemdocs): the package's own and the built-in codes of an unreadable,
// oversized or non-JSON body.
func BodyCodes() []*problem.Code {
	return []*problem.Code{
		EmptyBody, problem.MalformedRequest, MalformedJSON, TrailingData,
		problem.PayloadTooLarge, problem.UnsupportedMediaType,
		InvalidFieldType, UnknownField, Failed,
	}
}

// locales holds the translations of the codes and messages, one go-i18n
// file per language.
//
//go:embed locales/*.json
var locales embed.FS

// The codes a Decoder answers with: a body it cannot read as the request
// type, values that break the type's rules, parameters it cannot bind.
var (
	// EmptyBody is a request that needs a body but sent none.
	EmptyBody = &problem.Code{
		Code: "EMPTY_BODY", Status: http.StatusBadRequest,
		Title:       "Request body is empty",
		Detail:      "This endpoint needs a JSON request body.",
		Description: "The endpoint expects a JSON document in the request body, and the body was empty.",
		When:        "A POST, PUT or PATCH sent without a body.",
		Action:      "Send a JSON document in the request body.",
	}
	// MalformedJSON is a request body that is not valid JSON.
	MalformedJSON = &problem.Code{
		Code: "MALFORMED_JSON", Status: http.StatusBadRequest,
		Title:       "Malformed JSON",
		Detail:      "The request body is not valid JSON (line {{.line}}, column {{.column}}).",
		Description: "The request body could not be parsed as JSON.",
		When:        "A syntax error, such as a missing quote or a trailing comma; the line, column and offset members locate it.",
		Action:      "Fix the JSON syntax at the reported position.",
		Members: []problem.Member{
			{Name: "line", Type: "integer", Description: "Line of the error, from 1.", Example: 3},
			{Name: "column", Type: "integer", Description: "Column of the error, from 1, in bytes.", Example: 17},
			{Name: "offset", Type: "integer", Description: "Byte offset of the error, from 0.", Example: 42},
		},
	}
	// TrailingData is a request body with more data after its JSON value.
	TrailingData = &problem.Code{
		Code: "TRAILING_DATA", Status: http.StatusBadRequest,
		Title:       "Unexpected data after JSON",
		Detail:      "The request body must contain a single JSON value.",
		Description: "The request body holds more than one JSON value.",
		When:        "Two documents were concatenated, or garbage follows the closing brace.",
		Action:      "Send exactly one JSON value.",
		Members: []problem.Member{
			{Name: "offset", Type: "integer", Description: "Byte offset where the extra data starts.", Example: 58},
		},
	}
	// InvalidFieldType is a JSON value of the wrong type, such as a string
	// where a number is expected.
	InvalidFieldType = &problem.Code{
		Code: "INVALID_FIELD_TYPE", Status: http.StatusUnprocessableEntity,
		Title:         "Field has the wrong type",
		Detail:        "A field of the request body has the wrong JSON type.",
		Description:   "The JSON is well-formed, but a value does not have the type the field needs.",
		When:          "For example \"age\": \"ten\" where a number is expected. The errors member points at the field and names the expected type.",
		Action:        "Send the field with the JSON type given in its error entry.",
		ExampleErrors: []problem.FieldError{{Pointer: "#/age", Field: "age", Rule: "type", Param: "number", Detail: "age must be a number"}},
	}
	// UnknownField is a request body with a field the endpoint does not
	// accept.
	UnknownField = &problem.Code{
		Code: "UNKNOWN_FIELD", Status: http.StatusUnprocessableEntity,
		Title:         "Unknown field",
		Detail:        "The request body contains a field this endpoint does not accept.",
		Description:   "The JSON document has a member that is not part of the endpoint's schema.",
		When:          "A misspelled field name, or a field from another API version.",
		Action:        "Remove the field, or correct its name.",
		ExampleErrors: []problem.FieldError{{Pointer: "#/nickname", Field: "nickname", Rule: "unknown", Detail: "nickname is not a known field"}},
	}
	// Failed is a well-formed request whose values break the
	// endpoint's rules; errors[] lists every failing field.
	Failed = &problem.Code{
		Code: "VALIDATION_ERROR", Status: http.StatusUnprocessableEntity,
		Title:       "Request validation failed",
		Detail:      "{{.count}} fields are invalid.",
		DetailOne:   "1 field is invalid.",
		Description: "The request is well-formed, but one or more values break the endpoint's rules.",
		When:        "A required field is missing, a value is too short or too long, an email address is malformed, and so on. Every failing field is listed at once.",
		Action:      "Fix each field listed in errors; each entry names the field, its JSON pointer, the rule and its parameter.",
		Members: []problem.Member{
			{Name: "count", Type: "integer", Description: "The number of entries in errors.", Example: 2},
		},
		ExampleErrors: []problem.FieldError{
			{Pointer: "#/email", Field: "email", Rule: "email", Detail: "email must be a valid email address"},
			{Pointer: "#/address/zip", Field: "address.zip", Rule: "len", Param: "5", Detail: "address.zip must be exactly 5 characters long"},
		},
	}
	// InvalidParameter is a query, path or header parameter that is
	// missing or invalid; errors[] names it and where it lives.
	InvalidParameter = &problem.Code{
		Code: "INVALID_PARAMETER", Status: http.StatusBadRequest,
		Title:       "Invalid request parameter",
		Detail:      "One or more request parameters are missing or invalid.",
		Description: "A path, query or header parameter is missing or has an invalid value.",
		When:        "For example a non-numeric ID in the path, or a required header that was not sent.",
		Action:      "Fix each parameter listed in errors; its in member says whether it is a path, query or header parameter.",
		Members: []problem.Member{
			{Name: "count", Type: "integer", Description: "The number of entries in errors.", Example: 1},
		},
		ExampleErrors: []problem.FieldError{{Field: "id", In: "path", Rule: "type", Param: "integer", Detail: "id must be an integer"}},
	}
)
