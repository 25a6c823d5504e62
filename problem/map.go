package problem

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// This file is where an error is recognised: every way an error can say
// what it is, tried in one order by Catalog.Map.

// Provider is implemented by errors that describe themselves as a problem.
// Map finds a Provider anywhere in an error's chain with errors.As; every
// *Error is one, and so are the upstream package's errors.
type Provider interface {
	ProblemError() *Error
}

var _ Provider = (*Error)(nil)

// The methods an error of a package that does not import problemkit may
// have, found anywhere in its chain (see Catalog.Map).
type (
	coder      interface{ ErrorCode() string }
	statuser   interface{ StatusCode() int }
	extender   interface{ ProblemExtensions() map[string]any }
	documenter interface{ Problem() *Problem }
)

// MapError maps every error that errors.Is target — such as sql.ErrNoRows
// — to code, keeping the error as the cause. Register mappings at
// start-up, with the codes.
func (c *Catalog) MapError(target error, code *Code) *Catalog {
	return c.MapFunc(func(err error) *Error {
		if errors.Is(err, target) {
			return code.New().Wrap(err)
		}
		return nil
	})
}

// MapFunc adds a mapping function, tried in registration order among the
// MapError mappings; it returns nil for errors it does not recognize.
func (c *Catalog) MapFunc(f func(error) *Error) *Catalog {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rules = append(c.rules, f)
	return c
}

// Map returns the *Error that answers err; it never returns nil for a
// non-nil err. It tries, in this order, and returns the first that
// matches:
//
//  1. a Provider anywhere in the chain: every *Error, and errors that
//     describe themselves, such as the upstream package's;
//  2. the mappings of MapError and MapFunc, in registration order;
//  3. an error with a Problem() *Problem method, such as a decoded problem
//     of another API: a 4xx keeps its texts as literals, a 5xx keeps
//     nothing of its own, and a code the catalog declares brings its
//     declaration;
//  4. an error with ErrorCode() string and/or StatusCode() int methods, so
//     that domain packages need not import problemkit: a code the catalog
//     declares brings its declaration (whatever the status says); a status
//     alone, or with a code the catalog lacks, brings the generic code of
//     the status (see Generic); a code the catalog lacks without a status
//     is an InternalError. Such an error carries extension members with a
//     ProblemExtensions() map[string]any method (for 4xx only). What had to
//     be decided is in the Error's Note, for the log;
//  5. context.DeadlineExceeded, as Timeout; context.Canceled, as
//     ClientClosedRequest (the pipeline answers 500 instead when the
//     client is in fact still there: the server cancelled its own work);
//  6. anything else, as InternalError, with the error kept as the cause.
//
// Every step looks through %w wrapping and errors.Join. The *Error a
// Provider returns is returned as it is, not copied: the caller keeps err
// for the whole chain. A nil Catalog knows the built-in codes only.
func (c *Catalog) Map(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok {
		return e // the common case, without errors.As's reflection
	}
	var p Provider
	if errors.As(err, &p) {
		if e := p.ProblemError(); e != nil {
			return e
		}
	}
	if c != nil {
		c.mu.RLock()
		rules := c.rules
		c.mu.RUnlock()
		for _, rule := range rules {
			if e := rule(err); e != nil {
				return e
			}
		}
	}
	var doc documenter
	if errors.As(err, &doc) {
		if d := doc.Problem(); d != nil {
			return c.fromProblem(d, err)
		}
	}
	var ec coder
	var sc statuser
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
		if e := c.fromDuck(name, status, err); e != nil {
			return e
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout.New().Wrap(err)
	case errors.Is(err, context.Canceled):
		return ClientClosedRequest.New().Wrap(err)
	}
	return InternalError.New().Wrap(err)
}

func (c *Catalog) lookup(name string) (*Code, bool) {
	if c != nil && c.codes != nil {
		return c.Lookup(name)
	}
	for _, b := range Builtin() {
		if b.Code == name {
			return b, true
		}
	}
	return nil, false
}

// fromDuck maps an error that told its code and/or status, and says in
// the Error's note what it had to decide:
//
//   - a declared code, and a status that agrees or none: the code;
//   - a declared code and another status: the code, whose status wins;
//   - a code the catalog does not declare, with a status: the generic code
//     of the status; without one: InternalError;
//   - a status alone: the generic code of the status.
//
// A status outside 400–599 is no error status: nothing is mapped.
func (c *Catalog) fromDuck(name string, status int, err error) *Error {
	var code *Code
	note := ""
	if name != "" {
		if declared, ok := c.lookup(name); ok {
			code = declared
			if status != 0 && status != declared.Status {
				note = fmt.Sprintf("StatusCode() %d disagrees with the declared status %d of %s: answered as declared", status, declared.Status, name)
			}
		} else if status == 0 {
			return InternalError.New().Wrap(err).noted(fmt.Sprintf("ErrorCode() %.64q is not in the catalog, and there is no StatusCode(): answered as INTERNAL_ERROR", name))
		}
	}
	if code == nil {
		if status < 400 || status > 599 {
			return nil // not an error status: nothing we can honestly answer with
		}
		code = Generic(status)
		switch {
		case name != "":
			note = fmt.Sprintf("ErrorCode() %.64q is not in the catalog: answered with the generic code %s of StatusCode() %d", name, code.Code, status)
		case code.Status != status:
			note = fmt.Sprintf("StatusCode() %d has no generic code: answered as %s", status, code.Code)
		default:
			note = fmt.Sprintf("StatusCode() %d without ErrorCode(): answered with the generic code %s", status, code.Code)
		}
	}
	e := code.New().Wrap(err).noted(note)
	var ext extender
	if code.Status < 500 && errors.As(err, &ext) {
		// A 5xx keeps nothing of its own: its members may be internals.
		for k, v := range ext.ProblemExtensions() {
			e.With(k, v) // copies, and drops reserved names
		}
	}
	return e
}

// serverError is the problem for a 5xx the catalog does not declare: the
// generic code of its status, with nothing of the error's own texts, code
// or members, which stay in the log (and in development's debug member).
func serverError(status int, err error) *Error {
	return Generic(status).New().Wrap(err)
}

// fromProblem maps a problem document a foreign error carries. A 4xx keeps
// its texts as literals (they cannot be translated); a 5xx keeps nothing
// (see serverError); a code known to the catalog brings its declaration
// instead.
func (c *Catalog) fromProblem(doc *Problem, err error) *Error {
	status := doc.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	if code, ok := c.lookup(doc.Code); ok && code.Status == status {
		e := code.New().Wrap(err)
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
		name = Generic(status).Code
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
	code := &Code{Code: name, Status: status, Type: typ, Title: statusTitle(status)}
	e := code.New().Wrap(err).noted(fmt.Sprintf("a foreign problem of code %s, which the catalog does not declare: answered with its own texts", name))
	t := Text(title)
	e.title = &t
	if doc.Detail != "" {
		d := Text(doc.Detail)
		e.detail = &d
	}
	for k, v := range doc.Extensions {
		e.With(k, v)
	}
	e.fields = slices.Clip(doc.Errors)
	return e
}

func validCodeName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return (&Code{Code: s, Status: 400, Title: "x"}).validate() == nil
}
