package problem_test

import (
	"net/http"

	"github.com/problemkit/problemkit/problem"
)

// Codes of the kinds a feature package declares, for the tests of this
// package, which stands below every feature: a detail with members, and
// one with a plural form.
var (
	malformedJSON = &problem.Code{
		Code: "MALFORMED_JSON", Status: http.StatusBadRequest,
		Title:  "Malformed JSON",
		Detail: "The request body is not valid JSON (line {{.line}}, column {{.column}}).",
		Members: []problem.Member{
			{Name: "line", Type: "integer", Description: "Line of the error, from 1.", Example: 3},
			{Name: "column", Type: "integer", Description: "Column of the error, from 1, in bytes.", Example: 17},
		},
	}
	emptyBody = &problem.Code{
		Code: "EMPTY_BODY", Status: http.StatusBadRequest,
		Title: "Request body is empty", Detail: "This endpoint needs a JSON request body.",
	}
	validationFailed = &problem.Code{
		Code: "VALIDATION_ERROR", Status: http.StatusUnprocessableEntity,
		Title:     "Request validation failed",
		Detail:    "{{.count}} fields are invalid.",
		DetailOne: "1 field is invalid.",
		Members:   []problem.Member{{Name: "count", Type: "integer", Description: "The number of entries in errors.", Example: 2}},
	}
)
