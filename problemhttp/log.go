package problemhttp

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

// The most each attribute of a log record takes once escaped, in bytes, so
// that a record stays below 16 KiB whatever the request: the path, the
// method, field names and error texts are, or may hold, the client's text.
const (
	logIDBytes      = 128
	logMethodBytes  = 32
	logRouteBytes   = 256
	logPathBytes    = 1 << 10
	logCodeBytes    = 64
	logFieldsBytes  = 1 << 10
	logErrorBytes   = 4 << 10
	logPanicBytes   = 1 << 10
	logStackBytes   = 6 << 10
	logWarningBytes = 512
)

// logRecord is the last stage: the one record of a failure, at the level
// decide chose. It records what the server needs and nothing the client
// sent that could be secret: no headers, no body, no field values. Every
// attribute is cut to its size (see logPathBytes and the others).
func (p *Pipeline) logRecord(f *Failure) {
	r := f.Request
	ctx := r.Context()
	if !p.log.Enabled(ctx, f.level) {
		return
	}
	// The attributes are gathered on the stack and added at once: the
	// record then grows its storage once.
	var buf [12]slog.Attr
	attrs := append(buf[:0],
		slog.String("requestId", clip.Log(f.id, logIDBytes)),
		slog.String("method", clip.Log(r.Method, logMethodBytes)),
		slog.String("route", clip.Log(routePattern(r), logRouteBytes)),
		slog.String("path", clip.Log(r.URL.Path, logPathBytes)),
		slog.Int("status", f.Status),
		slog.String("code", clip.Log(f.Code.Code, logCodeBytes)),
	)
	if fields := f.e.Fields(); len(fields) > 0 {
		attrs = append(attrs, slog.String("fields", fieldRules(fields)))
	}
	attrs = append(attrs, slog.String("error", clip.Log(f.errorText(), logErrorBytes)))
	if pe := f.panic; pe != nil {
		attrs = append(attrs,
			slog.String("panic", clip.Log(fmt.Sprint(pe.Value), logPanicBytes)),
			slog.String("stack", clip.Log(string(pe.Stack), logStackBytes)))
	}
	if f.note != "" {
		attrs = append(attrs, slog.String("note", f.note))
	}
	if f.warning != "" {
		attrs = append(attrs, slog.String("warning", clip.Log(f.warning, logWarningBytes)))
	}
	attrs = append(attrs, f.attrs...)
	// The record goes to the handler directly, with no source: slog's
	// Logger would walk the stack for a call site, which is the pipeline's.
	rec := slog.NewRecord(time.Now(), f.level, f.msg, 0)
	rec.AddAttrs(attrs...)
	_ = p.log.Handler().Handle(ctx, rec)
}

// errorText is the text of the failure's error for the log: err.Error(),
// except for the common case of a 4xx code's Error returned as it is and
// answered in English, whose text is its code, the detail the client got
// (not redacted: a 4xx), which need not be rendered again, and its cause.
func (f *Failure) errorText() string {
	if f.Err != error(f.e) || f.lang != "en" || f.doc.Detail == "" || f.Code.Status >= 500 {
		return f.Err.Error()
	}
	if cause := f.e.Unwrap(); cause != nil {
		return f.Code.Code + ": " + f.doc.Detail + ": " + cause.Error()
	}
	return f.Code.Code + ": " + f.doc.Detail
}

// routePattern is the route r matched: ServeMux's pattern ("GET
// /users/{id}") or chi's ("/users/{id}"); empty when none did.
func routePattern(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		return rctx.RoutePattern()
	}
	return ""
}

// fieldRules lists the field:rule pairs of field errors as one string, not
// a []string: handlers format slices through fmt, which costs more than the
// rest of the record.
func fieldRules(fields []problem.FieldError) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(clip.String(f.Field, clip.Field))
		b.WriteByte(':')
		b.WriteString(clip.String(f.Rule, clip.Field))
		if b.Len() > logFieldsBytes {
			break
		}
	}
	return clip.Log(b.String(), logFieldsBytes)
}
