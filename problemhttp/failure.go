package problemhttp

import (
	"log/slog"
	"maps"
	"net/http"

	"github.com/problemkit/problemkit/internal/members"
	"github.com/problemkit/problemkit/problem"
)

// Failure is one failure as the pipeline answers it, the one value every
// stage after the decision reads: it is decided once, from the request and
// the error, into the status, the problem document, its headers and the
// log record (see the package doc, "The pipeline"). The response and the
// record are written from it, and nothing writes back into it, except
// [Options].OnFailure, which receives it after it is decided and before it
// is written: the hook may add extension members ([Failure.SetMember]) and
// log attributes ([Failure.LogAttrs]), and must not keep it after it
// returns.
type Failure struct {
	// Request is the request that failed.
	Request *http.Request
	// Err is the cause as it reached the pipeline: the error a handler
	// returned, a *PanicError, a *ForeignResponseError. It is for logs and
	// traces only; never show it to a client.
	Err error
	// Code is the code the failure is answered with.
	Code *problem.Code
	// Status is the HTTP status: the problem's, or, when nothing more could
	// be written, the status the response had already started with.
	Status int
	// Problem is the document to be written, redacted and localized; nil
	// when nothing can be written (the response had started, or the
	// connection was hijacked).
	Problem *problem.Problem
	// Development reports whether the pipeline runs in development mode
	// ([Options].Development), so that an observer shows no more of Err
	// than the pipeline does: in production, nothing.
	Development bool

	e       *problem.Error   // what Err was mapped to
	id      string           // the request ID
	lang    string           // the language of the texts, for Content-Language
	level   slog.Level       // of the record: the failure's, not what reached the client
	msg     string           // the record's message
	note    string           // why nothing, or nothing more, was written
	warning string           // what had to be decided to answer at all
	panic   *PanicError      // the panic, when Err is one
	attrs   []slog.Attr      // what OnFailure added to the record
	whole   bool             // the client gets a whole response: nothing to abort
	catalog *problem.Catalog // the pipeline's, for Declared
	shared  bool             // Problem.Extensions is the Error's own map, copied on the first SetMember
	doc     problem.Problem  // storage for Problem
	scratch [2]string        // storage for render's Content-Length and Content-Language values
}

// Declared reports whether Code is one the pipeline's catalog declares,
// built in or registered. Any other is an unregistered code or that of a
// foreign problem passed on (see problem.Catalog.Map), whose name another
// service chose: an observer that counts by code should not count by it.
func (f *Failure) Declared() bool {
	if f.catalog == nil || f.Code == nil {
		return false
	}
	c, ok := f.catalog.Lookup(f.Code.Code)
	return ok && c == f.Code
}

// Route returns the route pattern the request matched, as the log record
// has it: ServeMux's ("GET /users/{id}") or chi's ("/users/{id}"); empty
// when no route matched, as for a 404. It is the application's text, never
// the request's path.
func (f *Failure) Route() string { return routePattern(f.Request) }

// SetMember adds the extension member name to the problem, if there is
// one. It never replaces a standard or problemkit member, nor one the
// problem already has, and reports whether it set the member.
func (f *Failure) SetMember(name string, value any) bool {
	if f.Problem == nil || members.Reserved(name) {
		return false
	}
	if _, taken := f.Problem.Extensions[name]; taken {
		return false
	}
	if f.shared || f.Problem.Extensions == nil {
		ext := make(map[string]any, len(f.Problem.Extensions)+1)
		maps.Copy(ext, f.Problem.Extensions)
		f.Problem.Extensions, f.shared = ext, false
	}
	f.Problem.Extensions[name] = value
	return true
}

// LogAttrs adds attributes to the failure's log record, such as trace_id.
// Keep them small: a record is bounded (docs/security.md), and the
// pipeline adds them as they are.
func (f *Failure) LogAttrs(attrs ...slog.Attr) { f.attrs = append(f.attrs, attrs...) }
