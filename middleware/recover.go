package middleware

import (
	"fmt"
	"net/http"
	"runtime/debug"
)

// PanicError is the error a recovered panic becomes: the panic value and the
// stack of the goroutine that panicked. Both are logged; neither is ever
// shown to a client in production.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, as runtime/debug.Stack
	// writes it.
	Stack []byte
}

// Error describes the panic value, for logs.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Recoverer is the middleware that turns a panic into a 500 problem and one
// error-level log record with the stack. It re-panics http.ErrAbortHandler,
// which net/http uses to abort a response on purpose. When the response had
// already started, it logs the panic and aborts the connection, so the
// client sees a broken response rather than a problem appended to a
// half-written body; a hijacked connection is left alone. Handler includes
// it.
func (p *Pipeline) Recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(*responseWriter); !ok {
			// Used without RequestID above it: track the response's
			// progress here, so a panic after it started aborts the
			// connection instead of appending a problem to it.
			w = &responseWriter{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// When nothing could be written, answer aborts: the client
			// must not mistake what it got for a whole response.
			p.answer(w, r, &PanicError{Value: v, Stack: debug.Stack()})
		}()
		next.ServeHTTP(w, r)
	})
}
