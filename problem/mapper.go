package problem

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Mapper turns any error into an *Error. The zero value is ready to use
// and knows the built-in codes; register rules at start-up, before Map is
// called concurrently.
//
// Map tries, in this order, and returns the first that matches:
//
//  1. a Provider anywhere in the chain (every *Error is one);
//  2. the registered rules — sentinels (Register) and functions
//     (RegisterFunc) — in registration order;
//  3. an error with a Problem() *Problem method, such as a decoded problem
//     of another API;
//  4. an error with ErrorCode() string and/or StatusCode() int methods, so
//     that domain packages need not import problemkit; a code found in the
//     catalog brings its declaration;
//  5. context.DeadlineExceeded, as Timeout;
//  6. anything else, as InternalError, with the error kept as the cause.
//
// Every step looks through %w wrapping and errors.Join.
type Mapper struct {
	catalog *Catalog
	rules   []func(error) *Error
}

// NewMapper returns a Mapper that looks codes named by ErrorCode() up in
// catalog. A nil catalog knows only the built-in codes.
func NewMapper(catalog *Catalog) *Mapper { return &Mapper{catalog: catalog} }

// Register maps every error that errors.Is target — such as sql.ErrNoRows
// — to code, keeping the error as the cause.
func (m *Mapper) Register(target error, code *Code) *Mapper {
	m.rules = append(m.rules, func(err error) *Error {
		if errors.Is(err, target) {
			return New(code).Wrap(err)
		}
		return nil
	})
	return m
}

// RegisterFunc adds a mapping function; it returns nil for errors it does
// not recognize.
func (m *Mapper) RegisterFunc(f func(error) *Error) *Mapper {
	m.rules = append(m.rules, f)
	return m
}

// Map returns the *Error for err; it never returns nil for a non-nil err.
// The result of an unrecognized error is an InternalError whose cause is err;
// use IsUnmapped to tell.
func (m *Mapper) Map(err error) *Error {
	if err == nil {
		return nil
	}
	var p Provider
	if errors.As(err, &p) {
		if e := p.ProblemError(); e != nil {
			if e.cause == nil && e != err {
				// Keep the whole chain for the log, in a copy that shares no
				// map or slice with e, so the result can be extended.
				c := *e
				c.cause = err
				c.ext = maps.Clone(e.ext)
				c.header = e.header.Clone()
				c.fields = slices.Clip(e.fields)
				return &c
			}
			return e
		}
	}
	if m != nil {
		for _, rule := range m.rules {
			if e := rule(err); e != nil {
				return e
			}
		}
	}
	var pp interface{ Problem() *Problem }
	if errors.As(err, &pp) {
		if doc := pp.Problem(); doc != nil {
			return m.fromProblem(doc, err)
		}
	}
	var ec interface{ ErrorCode() string }
	var sc interface{ StatusCode() int }
	hasCode, hasStatus := errors.As(err, &ec), errors.As(err, &sc)
	if hasCode || hasStatus {
		status := 0
		if hasStatus {
			status = sc.StatusCode()
		}
		name := ""
		if hasCode {
			name = ec.ErrorCode()
		}
		if e := m.fromDuck(name, status, err); e != nil {
			return e
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return New(Timeout).Wrap(err)
	}
	return &Error{code: InternalError, cause: err, unmapped: true}
}

// IsUnmapped reports whether e stands for an error nothing recognized.
func IsUnmapped(e *Error) bool { return e != nil && e.unmapped }

func (m *Mapper) lookup(name string) (*Code, bool) {
	if m != nil && m.catalog != nil {
		return m.catalog.Lookup(name)
	}
	for _, c := range Builtin() {
		if c.Code == name {
			return c, true
		}
	}
	return nil, false
}

// fromDuck maps an error that told its code and/or status.
func (m *Mapper) fromDuck(name string, status int, err error) *Error {
	if name != "" {
		if c, ok := m.lookup(name); ok && (status == 0 || status == c.Status) {
			return New(c).Wrap(err)
		}
	}
	if status < 400 || status > 599 {
		return nil // not an error status: nothing we can honestly answer with
	}
	if status >= 500 {
		// A server error the catalog does not declare: its name is an
		// internal detail, like its text.
		return serverError(status, err)
	}
	if name == "" || !validCodeName(name) {
		name = codeForStatus(status)
	}
	c := &Code{Code: name, Status: status, Type: BlankType, Title: statusTitle(status)}
	return New(c).Wrap(err)
}

// serverError is the problem for a 5xx the catalog does not declare: the
// plain HTTP problem for its status, with nothing of the error's own texts,
// code or members, which stay in the log (and in development's debug
// member). A 500 is InternalError.
func serverError(status int, err error) *Error {
	if status == InternalError.Status {
		return New(InternalError).Wrap(err)
	}
	return New(&Code{Code: codeForStatus(status), Status: status, Type: BlankType, Title: statusTitle(status)}).Wrap(err)
}

// fromProblem maps a problem document a foreign error carries. A 4xx keeps
// its texts as literals (they cannot be translated); a 5xx keeps nothing
// (see serverError); a code known to the catalog brings its declaration
// instead.
func (m *Mapper) fromProblem(doc *Problem, err error) *Error {
	status := doc.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	if c, ok := m.lookup(doc.Code); ok && c.Status == status {
		e := New(c).Wrap(err)
		for k, v := range doc.Extensions {
			e.With(k, v) // copies, and drops reserved names
		}
		e.fields = slices.Clip(doc.Errors)
		return e
	}
	if status >= 500 {
		return serverError(status, err)
	}
	name := doc.Code
	if !validCodeName(name) {
		name = codeForStatus(status)
	}
	title := doc.Title
	if title == "" {
		title = StatusTitle(status)
	}
	typ := doc.Type
	if typ == "" {
		typ = BlankType
	}
	// The foreign texts are literals: never run as templates.
	e := New(&Code{Code: name, Status: status, Type: typ, Title: statusTitle(status)}).Wrap(err)
	e.title = Text(title)
	if doc.Detail != "" {
		e.detail = Text(doc.Detail)
	}
	for k, v := range doc.Extensions {
		e.With(k, v)
	}
	e.fields = slices.Clip(doc.Errors)
	return e
}

// codeForStatus derives a code from the status phrase: 404 → "NOT_FOUND".
func codeForStatus(status int) string {
	t := http.StatusText(status)
	if t == "" {
		if status >= 500 {
			return InternalError.Code
		}
		return "BAD_REQUEST"
	}
	t = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-':
			return '_'
		}
		return -1
	}, t)
	return t
}

func validCodeName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return (&Code{Code: s, Status: 400, Title: "x"}).validate() == nil
}
