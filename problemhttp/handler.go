package problemhttp

import (
	"net"
	"net/http"
	"sync"
)

// defaultPipeline answers the failures of requests outside any pipeline.
var defaultPipeline = sync.OnceValue(func() *Pipeline { return New(Options{}) })

// Handle adapts a handler that returns its failure instead of writing it:
// a nil error means it wrote its response; a non-nil error is answered as a
// problem through the pipeline (see WriteError). The result fits every
// router: chi's Get and Post, http.ServeMux's Handle and HandleFunc.
//
//	r.Get("/users/{id}", problemhttp.Handle(getUser))
//	mux.Handle("GET /users/{id}", problemhttp.Handle(getUser))
//
// It is the one way to answer a failure from a handler; WriteError is for
// code that cannot return one, such as a middleware.
func Handle(f func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			WriteError(w, r, err)
		}
	}
}

// WriteError answers the request with the problem for err, through the
// Pipeline that handles r (the one whose Handler runs above it): mapped,
// redacted, localized, rendered and logged. Outside any pipeline it uses one
// with the default Options, which is production mode. It writes nothing when
// err is nil.
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

// abort ends a response that started and cannot be finished, so that the
// client sees it broken: net/http, told by http.ErrAbortHandler, resets an
// HTTP/2 stream and leaves an HTTP/1.1 body without its last chunk. An
// HTTP/1.0 body ends when the connection closes, so a plain close would
// look like a whole body: there the connection is reset instead.
func abort(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 1 && r.ProtoMinor == 0 {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			if tlsConn, ok := conn.(interface{ NetConn() net.Conn }); ok {
				conn = tlsConn.NetConn() // no close_notify: that too would end the body cleanly
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with a reset, not a FIN
			}
			_ = conn.Close()
		}
	}
	panic(http.ErrAbortHandler)
}
