package problemhttp

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
)

// responseWriter records whether the response has started and whether the
// connection was hijacked, so that a failure after that point is logged
// instead of writing a second response. It replaces an error response
// that code below the pipeline writes without a problem body with the
// problem for its status (see replaceForeign), and then drops that code's
// body. It passes Flush and Hijack through, and Unwrap lets
// http.ResponseController reach the rest.
type responseWriter struct {
	http.ResponseWriter
	st       *state // the request's, when the pipeline made the writer
	status   int
	started  bool
	hijacked bool
	replaced bool // a foreign error response was answered with a whole problem: drop its writes
}

func (w *responseWriter) WriteHeader(code int) {
	switch {
	case w.replaced:
		return
	case !w.started && code >= 400 && w.st != nil && w.st.foreign(code, w.Header()):
		w.st.p.replaceForeign(w, code) // sets replaced
		return
	case !w.started && code >= 200 || code == http.StatusSwitchingProtocols:
		w.started, w.status = true, code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil // the foreign body, which the problem replaced
	}
	if !w.started {
		w.started, w.status = true, http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data; it starts the response.
func (w *responseWriter) Flush() {
	if w.replaced {
		return
	}
	if !w.started {
		w.started, w.status = true, http.StatusOK
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
		return nil, nil, fmt.Errorf("middleware: %T does not support hijacking: %w", w.ResponseWriter, http.ErrNotSupported)
	}
	c, rw, err := h.Hijack()
	if err == nil {
		w.hijacked, w.started = true, true
	}
	return c, rw, err
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var (
	_ http.Flusher  = (*responseWriter)(nil)
	_ http.Hijacker = (*responseWriter)(nil)
)
