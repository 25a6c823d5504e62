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

// logRecord is the last stage: the one record of a failure, with status
// the status sent (0 when nothing was). 5xx are logged at error level, 499
// at info, other 4xx at the configured client level: the level follows the
// failure, not what reached the client (a 500 after a 200 was already sent
// is still a server error). It records what the server needs and nothing
// the client sent that could be secret: no headers, no body, no field
// values. Every attribute is cut to its size (see logPathBytes and the
// others).
func (p *Pipeline) logRecord(f *failure, status int) {
	r, e := f.r, f.e
	level := p.clientLevel
	switch severity := e.Code().Status; {
	case severity >= 500:
		level = slog.LevelError
	case severity == problem.ClientClosedRequest.Status:
		level = slog.LevelInfo
	}
	ctx := r.Context()
	if !p.log.Enabled(ctx, level) {
		return
	}
	route := routePattern(r)
	msg := "request failed"
	switch {
	case f.pe != nil:
		msg = "panic recovered"
	case e.Code() == problem.ClientClosedRequest:
		msg = "client closed request"
	}
	// The attributes are gathered on the stack and added at once: the
	// record then grows its storage once.
	var buf [12]slog.Attr
	attrs := append(buf[:0],
		slog.String("requestId", clip.Log(f.id, logIDBytes)),
		slog.String("method", clip.Log(r.Method, logMethodBytes)),
		slog.String("route", clip.Log(route, logRouteBytes)),
		slog.String("path", clip.Log(r.URL.Path, logPathBytes)),
		slog.Int("status", status),
		slog.String("code", clip.Log(e.Code().Code, logCodeBytes)),
	)
	if fields := e.Fields(); len(fields) > 0 {
		attrs = append(attrs, slog.String("fields", fieldRules(fields)))
	}
	attrs = append(attrs, slog.String("error", clip.Log(f.errorText(), logErrorBytes)))
	if pe := f.pe; pe != nil {
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
	rec := slog.NewRecord(time.Now(), level, msg, 0)
	rec.AddAttrs(attrs...)
	_ = p.log.Handler().Handle(ctx, rec)
}

// errorText is the text of the failure's error for the log: err.Error(),
// except for the common case of a 4xx code's Error returned as it is and
// answered in English, whose text is its code, the detail the client got
// (not redacted: a 4xx), which need not be rendered again, and its cause.
func (f *failure) errorText() string {
	if f.err != error(f.e) || f.lang != "en" || f.doc.Detail == "" || f.e.Code().Status >= 500 {
		return f.err.Error()
	}
	if cause := f.e.Unwrap(); cause != nil {
		return f.e.Code().Code + ": " + f.doc.Detail + ": " + cause.Error()
	}
	return f.e.Code().Code + ": " + f.doc.Detail
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
