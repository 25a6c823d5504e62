package problemhttp

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/problemkit/problemkit/internal/clip"
)

// answer is the road of every failure a handler, a middleware or a panic
// hands the pipeline: where the request and its response stand, then
// respond; a response that had started and cannot be finished is aborted,
// so that the client cannot take what it got for a whole one.
func (p *Pipeline) answer(w http.ResponseWriter, r *http.Request, err error) {
	rw, id := p.track(w, r)
	at := progress{}
	if rw != nil {
		if rw.held != 0 {
			// A foreign error response is held back: it is answered first,
			// and this failure comes after it.
			p.replaceForeign(rw)
		}
		at = rw.progress()
	}
	if !p.respond(w, r, err, id, at, "") {
		abort(w, r)
	}
}

// respond runs the stages once each — decide, OnFailure, render (when
// anything can be written), log — and reports whether the client gets a
// whole response.
func (p *Pipeline) respond(w http.ResponseWriter, r *http.Request, err error, id string, at progress, warning string) (whole bool) {
	defer func() {
		// The pipeline is the last code allowed to fail: a panic in a
		// user's catalog mapping, localizer, template or hook still gets a
		// minimal answer and a record.
		if v := recover(); v != nil {
			p.log.LogAttrs(r.Context(), slog.LevelError, "problemkit: panic while answering a failure",
				slog.String("requestId", clip.Log(id, logIDBytes)),
				slog.String("panic", clip.Log(fmt.Sprint(v), logPanicBytes)),
				slog.String("error", clip.Log(err.Error(), logErrorBytes)))
			if at.status == 0 && !at.hijacked && !written(w) {
				p.writeMinimal(w, r, id)
			}
			whole = true
		}
	}()
	f := p.decide(r, err, id, at, warning)
	if p.onFailure != nil {
		p.onFailure(f)
	}
	if f.Problem != nil {
		p.render(w, f)
	}
	p.logRecord(f)
	return f.whole
}

// written reports whether the response on w has started, when w is the
// pipeline's writer; other writers cannot tell, and are taken as not
// started.
func written(w http.ResponseWriter) bool {
	rw, ok := w.(*responseWriter)
	return ok && rw.status != 0
}

// track returns the pipeline's writer of the request, nil when it has none
// (a router that skipped its middlewares, a direct call), and the request
// ID: the pipeline's, an ID already set on the response, a safe inbound
// one, or a new one.
func (p *Pipeline) track(w http.ResponseWriter, r *http.Request) (*responseWriter, string) {
	var rw *responseWriter
	id := ""
	if s := stateFrom(r.Context()); s != nil {
		rw, id = s.w, s.id
	}
	if rw == nil {
		rw, _ = w.(*responseWriter)
	}
	if id == "" {
		id = w.Header().Get(p.idHeader)
		if !ValidRequestID(id) {
			id = r.Header.Get(p.idHeader)
		}
		if !ValidRequestID(id) {
			id = newRequestID()
		}
	}
	return rw, id
}
