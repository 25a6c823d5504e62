package problemhttp

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

// progress is how far the response had gone when a failure reached the
// pipeline.
type progress struct {
	status   int  // the status sent; 0 before the response started
	hijacked bool // the connection belongs to the handler
	answered bool // what started is the problem that replaced a foreign error response: whole
}

// decide is the pipeline's one deciding stage, pure but for the clock and
// the translator it is given: it turns the request and the error into the
// Failure that the response and the record are written from. It maps the
// error, then, when anything can still be written, redacts what the client
// may see and localizes it; warning is what the caller had to decide to
// answer at all, for the record.
func (p *Pipeline) decide(r *http.Request, err error, id string, at progress, warning string) *Failure {
	f := &Failure{Request: r, Err: err, Development: !p.production, id: id, catalog: p.catalog}
	if e, ok := err.(*problem.Error); !ok || e.Unwrap() != nil { // not the common case of a code's bare Error
		errors.As(err, &f.panic) // into f, which is on the heap already: no allocation of its own
	}
	f.e = p.mapError(r, err, f.panic != nil)
	f.Code = f.e.Code()
	f.warning = cmp.Or(warning, f.e.Note())
	if f.warning == "" && !f.Declared() {
		// Answered all the same, in English and under a type URI of the
		// catalog's base; the docs and the translations lack it.
		f.warning = "code " + clip.String(f.Code.Code, logCodeBytes) + " is not in the pipeline's catalog: register it, or include the feature that declares it, so that it is documented and translated"
	}
	f.level, f.msg = p.severity(f)
	switch {
	case at.hijacked:
		f.note, f.whole = "failure after the connection was hijacked", true
		return f
	case at.status != 0:
		f.Status, f.whole = at.status, at.answered
		f.note = "failure after the response started; nothing more was written"
		if at.answered {
			// What started is the problem the pipeline wrote in place of an
			// error response from below, and it is whole: this is most often
			// the same failure, returned after writing it (http.Error, then
			// return err). The problem stands.
			f.note = "failure after the response was answered with a problem; nothing more was written"
		}
		return f
	}
	f.whole = true
	p.redact(f)
	p.localize(f, p.translator(r))
	f.Problem, f.Status = &f.doc, f.doc.Status
	return f
}

// mapError decides what the error is: what the catalog maps it to (see
// problem.Catalog.Map), but for the two rules that need the request. A
// cancellation with the client gone is a 499, CLIENT_CLOSED_REQUEST, not a
// server error, whatever wraps it, unless a panic does: a panic is a bug
// whatever its value. A CLIENT_CLOSED_REQUEST with the client still there
// is the server cancelling its own work (a call it gave up on): a 500.
func (p *Pipeline) mapError(r *http.Request, err error, panicked bool) *problem.Error {
	gone := r.Context().Err() != nil
	if gone && !panicked && errors.Is(err, context.Canceled) {
		// Written all the same, so a client that closed only its sending
		// side and still reads never takes net/http's implicit 200 for an
		// answer; for one that is gone, the write fails, which costs
		// nothing.
		return problem.ClientClosedRequest.New()
	}
	e := p.catalog.Map(err)
	if !gone && e.Code() == problem.ClientClosedRequest {
		return problem.InternalError.New()
	}
	return e
}

// severity returns the level and message of a failure's record: 5xx at
// error level, 499 at info, other 4xx at the configured client level. The
// level follows the failure, not what reached the client: a 500 after a 200
// was already sent is still a server error.
func (p *Pipeline) severity(f *Failure) (slog.Level, string) {
	switch code := f.Code; {
	case f.panic != nil:
		return slog.LevelError, "panic recovered"
	case code == problem.ClientClosedRequest:
		return slog.LevelInfo, "client closed request"
	case code.Status >= 500:
		return slog.LevelError, "request failed"
	}
	return p.clientLevel, "request failed"
}

// redact decides what the client may see, and builds the wire document but
// for its texts. In production a 5xx shows only its code's declared title
// and detail and the members the application set on purpose: never the
// call site's free text, field details, or anything of the cause. A 4xx
// keeps what it says, which is written for the client. Development adds
// the debug member. The extension members are copied here, once, and
// every client-controlled value is cut to its size.
func (p *Pipeline) redact(f *Failure) {
	code := f.Code
	f.doc = problem.Problem{
		Type:      p.catalog.TypeURI(code),
		Status:    code.Status,
		Instance:  instance(f.Request),
		Code:      code.Code,
		RequestID: f.id,
		Timestamp: p.now().UTC(),
	}
	extra := 0
	if !p.production {
		extra = 1
	}
	f.doc.Extensions, f.shared = copyMembers(f.e.Extensions(), extra)
	if !p.production {
		if f.doc.Extensions == nil {
			f.doc.Extensions = make(map[string]any, 1)
		}
		f.doc.Extensions["debug"] = debugInfo(f.Err)
	}
}

// declared reports whether the client sees only the code's declared texts:
// a 5xx in production.
func (p *Pipeline) declared(code *problem.Code) bool { return p.production && code.Status >= 500 }

// copyMembers returns the extension members for the wire document, every
// string member cut to clip.Message bytes (a member may hold what a client
// or another service sent): m itself when nothing needs cutting and no
// member is to be added (extra is 0), which the document then shares with
// the Error and must not modify (see Failure.SetMember); otherwise a copy
// with room for extra more.
func copyMembers(m map[string]any, extra int) (members map[string]any, shared bool) {
	if len(m) == 0 {
		return nil, false
	}
	if extra == 0 && !longString(m) {
		return m, true
	}
	out := make(map[string]any, len(m)+extra)
	for k, v := range m {
		if s, ok := v.(string); ok {
			v = clip.String(s, clip.Message)
		}
		out[k] = v
	}
	return out, false
}

// longString reports whether a string member of m is over clip.Message.
func longString(m map[string]any) bool {
	for _, v := range m {
		if s, ok := v.(string); ok && len(s) > clip.Message {
			return true
		}
	}
	return false
}

// localize writes the texts redact chose in the client's language, each cut
// to its size whatever the Translator, and the field errors a 4xx shows.
func (p *Pipeline) localize(f *Failure, tr problem.Translator) {
	text := func(m problem.Message) string {
		if m.IsZero() {
			return ""
		}
		return clip.String(tr.Translate(m), clip.Message)
	}
	f.lang = tr.Language()
	if code := f.Code; p.declared(code) {
		f.doc.Title = text(code.TitleMessage())
		if code.Detail != "" {
			f.doc.Detail = text(code.DetailMessage(f.e.Extensions()))
		}
		return
	}
	f.doc.Title, f.doc.Detail = text(f.e.Title()), text(f.e.Detail())
	fields := f.e.Fields()
	if len(fields) == 0 {
		return
	}
	f.doc.Errors = make([]problem.FieldError, min(len(fields), clip.Errors))
	for i := range f.doc.Errors {
		fe := fields[i]
		if !fe.Message.IsZero() { // a foreign problem's entries have their text
			fe.Detail = text(fe.Message)
			if p.messageKeys && fe.Message.ID != "" {
				fe.MessageKey = fe.Message.ID
			}
		}
		f.doc.Errors[i] = clipField(fe)
	}
}

// translator returns the translator of r's language: the Localizer's, or
// English.
func (p *Pipeline) translator(r *http.Request) problem.Translator {
	if p.localizer != nil {
		if t := p.localizer.Translator(r); t != nil {
			return t
		}
	}
	return english.Translator{}
}

// clipField cuts the texts of a field error to their sizes: field names
// and map keys are the client's, and so may be a foreign problem's
// entries.
func clipField(f problem.FieldError) problem.FieldError {
	f.Pointer = clip.URI(f.Pointer, clip.Pointer)
	f.Field = clip.String(f.Field, clip.Field)
	f.In = clip.String(f.In, clip.Field)
	f.Rule = clip.String(f.Rule, clip.Field)
	f.Param = clip.String(f.Param, clip.Field)
	f.Detail = clip.String(f.Detail, clip.Message)
	f.MessageKey = clip.String(f.MessageKey, clip.Field)
	if s, ok := f.Value.(string); ok {
		f.Value = clip.String(s, clip.Message)
	}
	return f
}

// instance is the instance member of r: its path, cut to clip.Instance,
// always a path-absolute reference. A path that starts with "//" would read
// as a reference to another host ("//evil.example/x"), so its second slash
// is escaped.
func instance(r *http.Request) string {
	p := r.URL.EscapedPath()
	if strings.HasPrefix(p, "//") {
		p = "/%2F" + p[2:]
	}
	return clip.URI(p, clip.Instance)
}
