package problemhttp

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
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

// ProblemError returns the problem of every panic, whatever its value: a
// 500 INTERNAL_ERROR. A panic is a bug; nothing of it is shown in
// production.
func (e *PanicError) ProblemError() *problem.Error { return problem.InternalError.New() }

// Debug returns what development mode shows of the panic in the debug
// member: its value and the stack, one line per entry, each cut to its
// size.
func (e *PanicError) Debug() map[string]any {
	return map[string]any{
		"panic": clip.String(fmt.Sprint(e.Value), clip.Message),
		"stack": strings.Split(strings.TrimSpace(clip.String(string(e.Stack), logStackBytes)), "\n"),
	}
}

var _ problem.Provider = (*PanicError)(nil)

// recoverPanic, deferred by Handler, turns a panic into a 500 problem and
// one error-level record with the stack; see Handler.
func (p *Pipeline) recoverPanic(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	// When nothing could be written, answer aborts: the client must not
	// mistake what it got for a whole response.
	p.answer(w, r, &PanicError{Value: v, Stack: debug.Stack()})
}
