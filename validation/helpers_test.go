package validation_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

// field is the part of a problem.FieldError the tests compare; Detail is
// the English rendering of its Message, as a renderer writes it.
type field struct {
	Pointer, Field, In, Rule, Param, Detail string
}

func fieldsOf(e *problem.Error) []field {
	var out []field
	for _, f := range e.Fields() {
		out = append(out, field{f.Pointer, f.Field, f.In, f.Rule, f.Param, rendered(f)})
	}
	return out
}

// jsonRequest returns a POST request with a JSON body.
func jsonRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// asProblem returns err as a *problem.Error, failing the test otherwise.
func asProblem(t *testing.T, err error) *problem.Error {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want a *problem.Error", err, err)
	}
	return pe
}

// rendered renders a field error's message as the default renderer does.
func rendered(f problem.FieldError) string {
	if f.Detail != "" {
		return f.Detail
	}
	return f.Message.String()
}
