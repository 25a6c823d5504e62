package middleware

import (
	"net/http"
)

// HandlerFunc is a handler that returns its failure instead of writing it.
// A nil error means the handler wrote its response; a non-nil error is
// answered as a problem by the pipeline. It works below a Pipeline with chi,
// http.ServeMux or any other router.
type HandlerFunc func(http.ResponseWriter, *http.Request) error

// ServeHTTP calls f and answers its error with WriteError.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// Handle adapts an error-returning handler for routers that take an
// http.HandlerFunc, such as chi's Get and Post:
//
//	r.Get("/users/{id}", middleware.Handle(getUser))
func Handle(f func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return HandlerFunc(f).ServeHTTP
}

// WriteError answers the request with the problem for err, through the
// Pipeline that handles r (the one whose Handler or RequestID runs above
// it): mapped, localized, redacted, rendered and logged. Outside any
// pipeline it uses one with the default Options. It writes nothing when err
// is nil.
//
// When the response has already started, nothing consistent can be written:
// WriteError logs the failure and aborts the response by panicking with
// http.ErrAbortHandler, which net/http answers by closing the connection
// (or resetting the HTTP/2 stream), so the client sees a broken response
// rather than a truncated one that looks whole. Like every use of the
// ResponseWriter, call it from the handler's goroutine.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	p := defaultPipeline()
	if s := stateFrom(r.Context()); s != nil && s.p != nil {
		p = s.p
	}
	p.answer(w, r, err)
}

// WriteError is the package-level WriteError bound to p, for handlers that
// hold the pipeline, or that run outside its Handler.
func (p *Pipeline) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	p.answer(w, r, err)
}

// answer runs the pipeline for err and aborts the response when it had
// already started.
func (p *Pipeline) answer(w http.ResponseWriter, r *http.Request, err error) {
	if !p.respond(w, r, err) {
		panic(http.ErrAbortHandler)
	}
}
