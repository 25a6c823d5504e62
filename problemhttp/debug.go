package problemhttp

import (
	"errors"
	"fmt"

	"github.com/problemkit/problemkit/internal/clip"
)

// debugInfo is the development-mode debug member: the error, its chain of
// wrapped errors with their types, and what the first error in the chain
// with a Debug() map[string]any method adds (a panic's value and stack, an
// upstream's answer).
func debugInfo(err error) map[string]any {
	d := map[string]any{"error": clip.String(err.Error(), clip.Message), "chain": errorChain(err)}
	var dbg interface{ Debug() map[string]any }
	if errors.As(err, &dbg) {
		for k, v := range dbg.Debug() {
			if _, taken := d[k]; !taken {
				d[k] = v
			}
		}
	}
	return d
}

// errorChain lists err and every error it wraps, depth first, with types.
func errorChain(err error) []map[string]string {
	var out []map[string]string
	var walk func(error)
	walk = func(e error) {
		if e == nil || len(out) >= 32 {
			return
		}
		out = append(out, map[string]string{"type": fmt.Sprintf("%T", e), "message": clip.String(e.Error(), clip.Message)})
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
