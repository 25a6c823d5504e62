package problemhttp

import (
	"net/http"
	"strings"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

// redact is the second stage: it decides what the client may see, and
// builds the wire document but for its texts. In production a 5xx shows
// only its code's declared title and detail and the members the
// application set on purpose: never the call site's free text, field
// details, or anything of the cause. A 4xx keeps what it says, which is
// written for the client. Development adds the debug member. The extension
// members are copied here, once, and every client-controlled value is cut
// to its size.
func (p *Pipeline) redact(f *failure) {
	code := f.e.Code()
	f.doc = problem.Problem{
		Type:      p.catalog.TypeURI(code),
		Status:    code.Status,
		Instance:  instance(f.r),
		Code:      code.Code,
		RequestID: f.id,
		Timestamp: p.now().UTC(),
	}
	extra := 0
	if !p.production {
		extra = 1
	}
	if p.production && code.Status >= 500 {
		f.declared = true
		f.doc.Extensions, f.sharedExt = copyMembers(f.e.Extensions(), extra)
		return
	}
	fields := f.e.Fields()
	f.fields = fields[:min(len(fields), clip.Errors)]
	f.doc.Extensions, f.sharedExt = copyMembers(f.e.Extensions(), extra)
	if !p.production {
		if f.doc.Extensions == nil {
			f.doc.Extensions = make(map[string]any, 1)
		}
		f.doc.Extensions["debug"] = debugInfo(f.err)
	}
}

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

// localize is the third stage: it writes the texts redact chose in the
// client's language, each cut to its size whatever the Translator.
func (p *Pipeline) localize(f *failure, tr problem.Translator) {
	text := func(m problem.Message) string {
		if m.IsZero() {
			return ""
		}
		return clip.String(tr.Translate(m), clip.Message)
	}
	if code := f.e.Code(); f.declared {
		f.doc.Title = text(code.TitleMessage())
		if code.Detail != "" {
			f.doc.Detail = text(code.DetailMessage(f.e.Extensions()))
		}
	} else {
		f.doc.Title, f.doc.Detail = text(f.e.Title()), text(f.e.Detail())
	}
	if len(f.fields) > 0 {
		f.doc.Errors = make([]problem.FieldError, len(f.fields))
		for i, fe := range f.fields {
			if !fe.Message.IsZero() { // a foreign problem's entries have their text
				fe.Detail = text(fe.Message)
				if p.messageKeys && fe.Message.ID != "" {
					fe.MessageKey = fe.Message.ID
				}
			}
			f.doc.Errors[i] = clipField(fe)
		}
	}
	f.lang = tr.Language()
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
