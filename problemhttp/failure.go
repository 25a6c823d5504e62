package problemhttp

import (
	"log/slog"
	"net/http"

	"github.com/problemkit/problemkit/internal/members"
	"github.com/problemkit/problemkit/problem"
)

// Failure is one failure as the pipeline answers it, handed to
// Options.OnFailure once, after the problem is built and before it is
// written and logged. The hook may add extension members to the problem
// and attributes to the log record; it must not keep the Failure after it
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
	// Problem is the document about to be written, redacted and localized;
	// nil when nothing could be written (the response had started, or the
	// connection was hijacked).
	Problem *problem.Problem
	// Development reports whether the pipeline runs in development mode
	// (Options.Development), so that an observer shows no more of Err
	// than the pipeline does: in production, nothing.
	Development bool

	attrs   []slog.Attr
	catalog *problem.Catalog
	// shared says Problem.Extensions is the Error's own map, copied on
	// the first SetMember.
	shared bool
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
	if f.Problem == nil {
		return false
	}
	if members.Reserved(name) {
		return false
	}
	if _, taken := f.Problem.Extensions[name]; taken {
		return false
	}
	if f.shared || f.Problem.Extensions == nil {
		ext := make(map[string]any, len(f.Problem.Extensions)+1)
		for k, v := range f.Problem.Extensions {
			ext[k] = v
		}
		f.Problem.Extensions, f.shared = ext, false
	}
	f.Problem.Extensions[name] = value
	return true
}

// LogAttrs adds attributes to the failure's log record, such as trace_id.
// Keep them small: a record is bounded (docs/security.md), and the
// pipeline adds them as they are.
func (f *Failure) LogAttrs(attrs ...slog.Attr) { f.attrs = append(f.attrs, attrs...) }
