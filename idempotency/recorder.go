package idempotency

import (
	"bufio"
	"net"
	"net/http"
)

// recorder passes the response through to the client and keeps a copy of
// it, within a bound, to store: the status, the allow-listed headers as
// they were when the response started, and the body. Writing through, not
// buffering, leaves the pipeline's view of the response (has it started?)
// and streaming as they are.
type recorder struct {
	http.ResponseWriter
	keep     map[string]bool // the headers a replay carries
	max      int64           // bytes of headers and body kept; beyond, nothing is
	store    bool            // keep the body at all (not when duplicates are refused)
	status   int
	header   http.Header
	body     []byte
	size     int64
	over     bool // the response is larger than max: it is not kept
	hijacked bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && !w.hijacked {
		switch {
		case code == http.StatusSwitchingProtocols:
			w.status, w.hijacked = code, true
		case code >= 200:
			w.status = code
			w.snapshot()
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// snapshot copies the allow-listed headers as the response starts.
func (w *recorder) snapshot() {
	for k, vs := range w.ResponseWriter.Header() {
		if !w.keep[k] {
			continue
		}
		if w.header == nil {
			w.header = make(http.Header, 4)
		}
		w.header[k] = append([]string(nil), vs...)
	}
	w.size = headerSize(w.header)
	w.over = w.size > w.max
	if w.over {
		w.header = nil
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 && !w.hijacked {
		w.status = http.StatusOK
		w.snapshot()
	}
	if w.store && !w.over {
		if w.size += int64(len(b)); w.size > w.max {
			w.over, w.body, w.header = true, nil, nil
		} else {
			w.body = append(w.body, b...)
		}
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was written; it starts the response.
func (w *recorder) Flush() {
	if w.status == 0 && !w.hijacked {
		w.status = http.StatusOK
		w.snapshot()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over; such a response cannot be replayed.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, rw, err
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var (
	_ http.Flusher  = (*recorder)(nil)
	_ http.Hijacker = (*recorder)(nil)
)
