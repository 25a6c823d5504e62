package validation

import (
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/problemkit/problemkit/problem"
)

// RulesError is the cause the problems of broken rules wrap: the
// validator's errors, with a short text for logs that names each field the
// way the client sent it ("email:email, address.zip:len=5") instead of
// validator's multi-line text with Go struct names. errors.As still finds
// the validator.ValidationErrors through it.
type RulesError struct {
	// Errors are the validator's errors.
	Errors validator.ValidationErrors
	fields []problem.FieldError
}

// Error lists the failing fields and rules, for logs.
func (e *RulesError) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(e.fields)))
	b.WriteString(" rules broken: ")
	for i, f := range e.fields {
		if i > 0 {
			b.WriteString(", ")
		}
		if f.In != "" {
			b.WriteString(f.In)
			b.WriteByte(' ')
		}
		b.WriteString(f.Field)
		b.WriteByte(':')
		b.WriteString(f.Rule)
		if f.Param != "" {
			b.WriteByte('=')
			b.WriteString(f.Param)
		}
	}
	return b.String()
}

// As sets a *validator.ValidationErrors target to the validator's errors.
func (e *RulesError) As(target any) bool {
	if p, ok := target.(*validator.ValidationErrors); ok {
		*p = e.Errors
		return true
	}
	return false
}

// Unwrap returns the validator's errors.
func (e *RulesError) Unwrap() error { return e.Errors }
