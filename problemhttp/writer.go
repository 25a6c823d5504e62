package problemhttp

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
)

// responseWriter records how far the response has gone — the status sent,
// a hijacked connection — so that a failure after that point is logged
// instead of writing a second response. It holds back an error response
// that code below the pipeline starts without a problem body, dropping its
// body, for the pipeline to answer with the problem for its status once
// that code is done (see Pipeline.replaceForeign): it never calls into the
// pipeline itself. It passes Flush and Hijack through, and Unwrap lets
// http.ResponseController reach the rest.
type responseWriter struct {
	http.ResponseWriter
	st       *state // the request's, when the pipeline made the writer
	status   int    // the status sent; 0 before the response started
	hijacked bool
	held     int    // the status of a foreign error response held back; 0 when none is
	heldType string // the Content-Type it was started with
	answered bool   // the response is the problem that replaced it: later writes are dropped
}

func (w *responseWriter) WriteHeader(code int) {
	switch {
	case w.held != 0 || w.answered:
		return
	case w.status == 0 && code >= 400 && w.st != nil && w.st.foreign(code, w.Header()):
		w.held, w.heldType = code, w.Header().Get("Content-Type")
		return
	case w.status == 0 && code >= 200 || code == http.StatusSwitchingProtocols:
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.held != 0 || w.answered {
		return len(b), nil // the foreign body, which a problem replaces
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data; it starts the response.
func (w *responseWriter) Flush() {
	if w.held != 0 || w.answered {
		return
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection to the caller; the pipeline leaves it alone
// from then on.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("problemhttp: %T does not support hijacking: %w", w.ResponseWriter, http.ErrNotSupported)
	}
	c, rw, err := h.Hijack()
	if err == nil {
		w.hijacked = true
		if w.status == 0 {
			w.status = http.StatusSwitchingProtocols
		}
	}
	return c, rw, err
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// progress is how far the response has gone.
func (w *responseWriter) progress() progress {
	return progress{status: w.status, hijacked: w.hijacked, answered: w.answered}
}

// committed reports whether the response is decided: started, or a
// foreign error response is held back to be answered.
func (w *responseWriter) committed() bool { return w.status != 0 || w.held != 0 }

var (
	_ http.Flusher  = (*responseWriter)(nil)
	_ http.Hijacker = (*responseWriter)(nil)
)
