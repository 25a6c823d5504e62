package problemhttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

var defaultPipeline = sync.OnceValue(func() *Pipeline { return New(Options{}) })

// failure is the one value that flows through the pipeline: each stage
// reads what the ones before it wrote, and writes its own part.
type failure struct {
	r   *http.Request
	id  string
	err error // what failed, as it was given: logged whole

	// mapError: what err means.
	e *problem.Error

	// redact: what the client may see; doc holds the wire document but
	// for its texts.
	declared  bool // show only the code's declared title and detail
	fields    []problem.FieldError
	sharedExt bool // doc.Extensions is the Error's own map: read only

	// localize: the texts, in the client's language.
	doc  problem.Problem
	lang string

	// log: why nothing was written, when nothing was; what had to be
	// decided to answer at all; what Options.OnFailure added.
	note, warning string
	attrs         []slog.Attr

	pe  *PanicError // the panic, found once by mapError
	hdr [2]string   // storage for Content-Length and Content-Language
}

// respond runs the pipeline for err — map, redact, localize, render, log —
// each stage once. It reports false only when the response had already
// started, and not with a problem the pipeline wrote in place of a
// foreign error response, so nothing consistent could be written: the
// caller must then abort the response (see answer), so that the client
// cannot take what it got for a whole one.
func (p *Pipeline) respond(w http.ResponseWriter, r *http.Request, err error) (complete bool) {
	return p.respondNoted(w, r, err, "")
}

// respondNoted is respond with a warning for the log record, which
// otherwise is the mapped error's Note.
func (p *Pipeline) respondNoted(w http.ResponseWriter, r *http.Request, err error, warning string) (complete bool) {
	f := &failure{r: r, err: err, warning: warning}
	rw := p.track(w, f)
	defer func() {
		// The pipeline is the last code allowed to fail: a panic in a
		// user's catalog mapping, localizer or template still gets a
		// minimal answer and a record.
		if v := recover(); v != nil {
			p.log.LogAttrs(r.Context(), slog.LevelError, "problemkit: panic while answering a failure",
				slog.String("requestId", clip.Log(f.id, logIDBytes)),
				slog.String("panic", clip.Log(fmt.Sprint(v), logPanicBytes)),
				slog.String("error", clip.Log(err.Error(), logErrorBytes)))
			if rw == nil || !rw.started {
				p.writeMinimal(w, r, f.id)
			}
			complete = true
		}
	}()

	p.mapError(f)
	if f.warning == "" {
		f.warning = f.e.Note()
	}
	switch {
	case rw != nil && rw.hijacked:
		f.note = "failure after the connection was hijacked"
		p.observe(f, 0, nil)
		p.logRecord(f, 0)
		return true
	case rw != nil && rw.started:
		f.note = "failure after the response started; nothing more was written"
		if rw.replaced {
			// What started is the problem the pipeline wrote in place of
			// an error response from below, and it is whole: this is most
			// often the same failure, returned after writing it
			// (http.Error, then return err). The problem stands.
			f.note = "failure after the response was answered with a problem; nothing more was written"
		}
		p.observe(f, rw.status, nil)
		p.logRecord(f, rw.status)
		return rw.replaced
	}
	p.redact(f)
	p.localize(f, p.translator(r))
	p.observe(f, f.doc.Status, &f.doc)
	p.render(w, f)
	p.logRecord(f, f.doc.Status)
	return true
}

// observe hands the failure to Options.OnFailure, the extension point,
// between localize and render.
func (p *Pipeline) observe(f *failure, status int, doc *problem.Problem) {
	if p.onFailure == nil {
		return
	}
	hf := Failure{Request: f.r, Err: f.err, Code: f.e.Code(), Status: status, Problem: doc,
		Development: !p.production, catalog: p.catalog, shared: f.sharedExt}
	p.onFailure(&hf)
	f.attrs = hf.attrs
}

// track returns the writer that knows the response's progress, and sets
// the failure's request ID: the pipeline's, or, outside one (a router that
// skipped its middlewares, a direct call), an ID already set or a safe
// inbound one.
func (p *Pipeline) track(w http.ResponseWriter, f *failure) *responseWriter {
	var rw *responseWriter
	if s := stateFrom(f.r.Context()); s != nil {
		rw, f.id = s.w, s.id
	}
	if rw == nil {
		rw, _ = w.(*responseWriter)
	}
	if f.id == "" {
		f.id = w.Header().Get(p.idHeader)
		if !ValidRequestID(f.id) {
			f.id = f.r.Header.Get(p.idHeader)
		}
		if !ValidRequestID(f.id) {
			f.id = newRequestID()
		}
	}
	return rw
}

// mapError is the first stage: it decides what the failure is, in one
// place. A panic is a bug whatever its value: a 500. A cancellation with
// the client gone is a 499, CLIENT_CLOSED_REQUEST: not a server error.
// Everything else is the catalog's to map, except a CLIENT_CLOSED_REQUEST
// with the client still there: the server cancelled its own work (a call it
// gave up on), which is a 500.
func (p *Pipeline) mapError(f *failure) {
	if e, ok := f.err.(*problem.Error); ok && e.Unwrap() == nil && e.Code() != problem.ClientClosedRequest {
		f.e = e // the common case: a handler returned a code's Error
		return
	}
	switch {
	case errors.As(f.err, &f.pe):
		f.e = problem.InternalError.New()
	case errors.Is(f.err, context.Canceled) && f.r.Context().Err() != nil:
		// Written all the same, so a client that closed only its sending
		// side and still reads never takes net/http's implicit 200 for an
		// answer; for one that is gone, the write fails, which costs
		// nothing.
		f.e = problem.ClientClosedRequest.New()
	default:
		f.e = p.catalog.Map(f.err)
		if f.e.Code() == problem.ClientClosedRequest {
			f.e = problem.InternalError.New()
		}
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
