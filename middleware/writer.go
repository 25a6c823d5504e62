package middleware

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
)

// responseWriter records whether the response has started and whether the
// connection was hijacked, so that a failure after that point is logged
// instead of writing a second response. It passes Flush and Hijack through,
// and Unwrap lets http.ResponseController reach the rest.
type responseWriter struct {
	http.ResponseWriter
	status   int
	started  bool
	hijacked bool
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.started && code >= 200 || code == http.StatusSwitchingProtocols {
		w.started, w.status = true, code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.started {
		w.started, w.status = true, http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data; it starts the response.
func (w *responseWriter) Flush() {
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
