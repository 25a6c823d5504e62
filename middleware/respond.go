package middleware

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

var defaultPipeline = sync.OnceValue(func() *Pipeline { return New(Options{}) })

// respond runs the pipeline for err: map, localize, redact, render, log. It
// reports false only when a response had already started, so nothing
// consistent could be written: the caller must then abort the response
// (see abort), so the client cannot take what it got for a whole one.
func (p *Pipeline) respond(w http.ResponseWriter, r *http.Request, err error) (complete bool) {
	s := stateFrom(r.Context())
	var rw *responseWriter
	id := ""
	if s != nil {
		rw, id = s.w, s.id
	}
	if rw == nil {
		rw, _ = w.(*responseWriter)
	}
	if id == "" {
		// Outside RequestID (a router that skipped its middlewares, or a
		// direct call): reuse an ID already set or a safe inbound one.
		id = w.Header().Get(p.idHeader)
		if !ValidRequestID(id) {
			id = r.Header.Get(p.idHeader)
		}
		if !ValidRequestID(id) {
			id = newRequestID()
		}
	}

	defer func() {
		// The pipeline is the last code allowed to fail: a panic in a
		// user's mapper, localizer or template still gets a minimal
		// answer and a record.
		if v := recover(); v != nil {
			p.log.LogAttrs(r.Context(), slog.LevelError, "problemkit: panic while answering a failure",
				slog.String("requestId", clip.Log(id, logIDBytes)),
				slog.String("panic", clip.Log(fmt.Sprint(v), logPanicBytes)),
				slog.String("error", clip.Log(err.Error(), logErrorBytes)))
			if rw == nil || !rw.started {
				p.writeMinimal(w, r, id)
			}
			complete = true
		}
	}()

	if rw != nil && rw.hijacked {
		p.logRecord(r, id, err, nil, 0, "failure after the connection was hijacked")
		return true
	}

	var e *problem.Error
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		// A panic is a bug whatever its value: never a client error.
		e = problem.New(problem.InternalError).Wrap(err)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away, or closed its side of the connection and
		// still reads: not a server error. The 499 is written all the
		// same, so a client that reads never takes net/http's implicit
		// 200 for an answer; one that is gone makes the write fail, which
		// costs nothing.
		e = problem.New(problem.ClientClosedRequest).Wrap(err)
	default:
		e = p.mapper.Map(err)
		if e.Code() == problem.ClientClosedRequest {
			// The client is still here (checked above): whatever was
			// cancelled, the server cancelled it, such as a call it gave
			// up on.
			e = problem.New(problem.InternalError).Wrap(err)
		}
	}
	if rw != nil && rw.started {
		p.logRecord(r, id, err, e, rw.status, "failure after the response started; nothing more was written")
		return false
	}

	doc, lang := p.build(r, e, err, id)
	p.render(w, r, doc, e.Header(), lang, id)
	p.logRecord(r, id, err, e, doc.Status, "")
	return true
}

// build maps e into the wire document: localized, and redacted in
// production.
func (p *Pipeline) build(r *http.Request, e *problem.Error, err error, id string) (*problem.Problem, string) {
	tr := problem.DefaultTranslator
	if p.localizer != nil {
		if t := p.localizer.Translator(r); t != nil {
			tr = t
		}
	}
	code := e.Code()
	status := code.Status
	doc := &problem.Problem{
		Type:      p.catalog.TypeURI(code),
		Status:    status,
		Instance:  clip.URI(r.URL.EscapedPath(), clip.Instance),
		Code:      code.Code,
		RequestID: id,
		Timestamp: p.now().UTC(),
	}

	// Every text is cut to a fixed size, whatever the Translator: they
	// may hold what a client or another service sent.
	text := func(m problem.Message) string { return clip.String(tr.Translate(m), clip.Message) }
	hide := p.production && (status >= 500 || problem.IsUnmapped(e))
	switch {
	case hide && problem.IsUnmapped(e):
		doc.Title = text(problem.InternalError.TitleMessage())
		doc.Detail = text(problem.InternalError.DetailMessage(nil))
	case hide:
		// A declared 5xx keeps its declared texts and the members the
		// application set on purpose, never the call site's free text or
		// field details.
		doc.Title = text(code.TitleMessage())
		doc.Detail = text(e.DefaultDetail())
		doc.Extensions = cloneExt(e.Extensions(), 0)
	default:
		doc.Title = text(e.Title())
		if d := e.Detail(); !d.IsZero() {
			doc.Detail = text(d)
		}
		doc.Extensions = cloneExt(e.Extensions(), 1)
		if fields := e.Fields(); len(fields) > 0 {
			fields = fields[:min(len(fields), clip.Errors)]
			doc.Errors = make([]problem.FieldError, len(fields))
			for i, f := range fields {
				if !f.Message.IsZero() {
					f.Detail = text(f.Message)
					if p.messageKeys && f.Message.ID != "" {
						f.MessageKey = f.Message.ID
					}
				}
				doc.Errors[i] = clipField(f)
			}
		}
	}
	if !p.production {
		if doc.Extensions == nil {
			doc.Extensions = make(map[string]any, 1)
		}
		doc.Extensions["debug"] = debugInfo(err)
	}
	return doc, tr.Language()
}

// clipField cuts the texts of a field error to their fixed sizes: field
// names and map keys are the client's, and so may be a foreign problem's
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

// cloneExt copies the extension members for the wire document, with room
// for extra more, and cuts every string member to clip.Message bytes: a
// member may hold what a client or another service sent.
func cloneExt(m map[string]any, extra int) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m)+extra)
	for k, v := range m {
		if s, ok := v.(string); ok {
			v = clip.String(s, clip.Message)
		}
		out[k] = v
	}
	return out
}

// debugInfo is the development-mode debug member: the error, its chain of
// wrapped errors with their types, the panic stack, and what errors in the
// chain add through a Debug() map[string]any method (such as an upstream's
// answer).
func debugInfo(err error) map[string]any {
	d := map[string]any{"error": clip.String(err.Error(), clip.Message), "chain": errorChain(err)}
	var pe *PanicError
	if errors.As(err, &pe) {
		d["panic"] = clip.String(fmt.Sprint(pe.Value), clip.Message)
		d["stack"] = strings.Split(strings.TrimSpace(clip.String(string(pe.Stack), logStackBytes)), "\n")
	}
	var dbg interface{ Debug() map[string]any }
	if errors.As(err, &dbg) {
		for k, v := range dbg.Debug() {
			if _, taken := d[k]; !taken {
				d[k] = v
			}
		}
	}
	return d
}

// errorChain lists err and every error it wraps, depth first, with types.
func errorChain(err error) []map[string]string {
	var out []map[string]string
	var walk func(error)
	walk = func(e error) {
		if e == nil || len(out) >= 32 {
			return
		}
		out = append(out, map[string]string{"type": fmt.Sprintf("%T", e), "message": clip.String(e.Error(), clip.Message)})
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// staleHeaders are response headers a handler may have set for the response
// it meant to send; they would be wrong on the problem.
var staleHeaders = [...]string{"Content-Length", "Content-Encoding", "Content-Range", "Content-Disposition", "Etag", "Last-Modified"}

// Constant header values, shared by every response to save an allocation
// each. Their capacity equals their length, so an Add by a later writer
// copies instead of writing into the shared array.
var (
	hdrProblemJSON = []string{problem.MediaType}
	hdrNoStore     = []string{"no-store"}
	hdrNosniff     = []string{"nosniff"}
)

// render writes doc with its headers. HEAD requests get the headers only.
func (p *Pipeline) render(w http.ResponseWriter, r *http.Request, doc *problem.Problem, extra http.Header, lang, id string) {
	xmlOut := prefersXML(r.Header.Get("Accept"))
	body, ctype, err := encode(doc, xmlOut)
	if err != nil {
		// An extension member that cannot be encoded (a channel, a
		// cyclic value): answer without the extensions rather than fail.
		p.log.LogAttrs(r.Context(), slog.LevelError, "problemkit: cannot encode problem",
			slog.String("requestId", clip.Log(id, logIDBytes)), slog.String("error", clip.Log(err.Error(), logErrorBytes)))
		doc.Extensions = nil
		body, ctype, _ = encode(doc, xmlOut)
	}
	h := clearStale(w)
	for k, vs := range extra {
		// Clipped: the values belong to the *problem.Error, which may be
		// shared by concurrent requests; a later Add (addVary) must copy
		// rather than append into its array.
		h[http.CanonicalHeaderKey(k)] = slices.Clip(vs)
	}
	if lang != "" {
		h["Content-Language"] = []string{lang}
	}
	addVary(h, "Accept")
	addVary(h, "Accept-Language")
	p.send(w, r, doc.Status, ctype, body, id)
}

// clearStale removes the headers a handler may have set for the response
// it meant to send, which would be wrong on a problem, and returns the
// header map.
func clearStale(w http.ResponseWriter) http.Header {
	h := w.Header()
	for _, k := range staleHeaders {
		delete(h, k)
	}
	return h
}

// send writes a problem body with the headers every problem carries: its
// content type and length, no-store, nosniff and the request ID. HEAD
// requests get the headers only.
func (p *Pipeline) send(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte, id string) {
	h := w.Header()
	if ctype == problem.MediaType {
		h["Content-Type"] = hdrProblemJSON
	} else {
		h["Content-Type"] = []string{ctype}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["Cache-Control"] = hdrNoStore
	h["X-Content-Type-Options"] = hdrNosniff
	h.Set(p.idHeader, id)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func addVary(h http.Header, v string) {
	for _, line := range h.Values("Vary") {
		for _, tok := range strings.Split(line, ",") {
			if t := strings.TrimSpace(tok); t == "*" || strings.EqualFold(t, v) {
				return
			}
		}
	}
	h.Add("Vary", v)
}

// writeMinimal is the answer of last resort, when the pipeline itself
// failed: fixed bytes, no allocation-heavy machinery that could fail again.
// It still keeps the contract (problemtest.CheckBody), timestamp included;
// the time is time.Now, not Options.Now, which is user code that could be
// what failed. The ID is quoted as JSON: ContextWithRequestID accepts any.
func (p *Pipeline) writeMinimal(w http.ResponseWriter, r *http.Request, id string) {
	qid, _ := json.Marshal(id) // a string always marshals
	body := `{"type":"about:blank","title":"Internal Server Error","status":500,"code":"INTERNAL_ERROR","requestId":` + string(qid) +
		`,"timestamp":"` + time.Now().UTC().Format(time.RFC3339) + `"}`
	clearStale(w)
	p.send(w, r, http.StatusInternalServerError, problem.MediaType, []byte(body), id)
}

// The most each attribute of a log record takes once escaped, in bytes, so
// that a record stays below 16 KiB whatever the request: the path, the
// method, field names and error texts are, or may hold, the client's text.
const (
	logIDBytes     = 128
	logMethodBytes = 32
	logRouteBytes  = 256
	logPathBytes   = 1 << 10
	logCodeBytes   = 64
	logFieldsBytes = 1 << 10
	logErrorBytes  = 4 << 10
	logPanicBytes  = 1 << 10
	logStackBytes  = 6 << 10
)

// logRecord writes the one record of a failure: 5xx at error level, 499 at
// info, other 4xx at the configured client level. It records what the
// server needs and nothing the client sent that could be secret: no
// headers, no body, no field values. Every attribute is cut to its size
// (see logPathBytes and the others).
func (p *Pipeline) logRecord(r *http.Request, id string, err error, e *problem.Error, status int, note string) {
	// The level follows the failure, not what reached the client: a 500
	// after a 200 was already sent is still a server error.
	severity := status
	if e != nil {
		severity = e.Status()
	}
	level := p.clientLevel
	switch {
	case severity >= 500 || severity == 0:
		level = slog.LevelError
	case severity == problem.ClientClosedRequest.Status:
		level = slog.LevelInfo
	}
	ctx := r.Context()
	if !p.log.Enabled(ctx, level) {
		return
	}
	route := ""
	if rctx := chi.RouteContext(ctx); rctx != nil {
		route = rctx.RoutePattern()
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("requestId", clip.Log(id, logIDBytes)),
		slog.String("method", clip.Log(r.Method, logMethodBytes)),
		slog.String("route", clip.Log(route, logRouteBytes)),
		slog.String("path", clip.Log(r.URL.Path, logPathBytes)),
		slog.Int("status", status),
	)
	if e != nil {
		attrs = append(attrs, slog.String("code", clip.Log(e.Code().Code, logCodeBytes)))
		if fields := e.Fields(); len(fields) > 0 {
			// One string, not a []string: handlers format slices through
			// fmt, which costs more than the rest of the record.
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
			attrs = append(attrs, slog.String("fields", clip.Log(b.String(), logFieldsBytes)))
		}
	}
	attrs = append(attrs, slog.String("error", clip.Log(err.Error(), logErrorBytes)))
	var pe *PanicError
	if errors.As(err, &pe) {
		attrs = append(attrs,
			slog.String("panic", clip.Log(fmt.Sprint(pe.Value), logPanicBytes)),
			slog.String("stack", clip.Log(string(pe.Stack), logStackBytes)))
	}
	if note != "" {
		attrs = append(attrs, slog.String("note", note))
	}
	msg := "request failed"
	switch {
	case pe != nil:
		msg = "panic recovered"
	case status == problem.ClientClosedRequest.Status:
		msg = "client closed request"
	}
	p.log.LogAttrs(ctx, level, msg, attrs...)
}
