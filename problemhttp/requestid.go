package problemhttp

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// maxRequestIDLen bounds the inbound request IDs that are trusted.
const maxRequestIDLen = 128

// state is everything the pipeline keeps per request. It is the request's
// context itself, so that the request ID, the pipeline and the response
// writer's progress cost one allocation together instead of one per
// context.WithValue.
type state struct {
	context.Context
	id  string
	p   *Pipeline
	w   *responseWriter // nil when the pipeline did not wrap the writer
	req *http.Request   // the request as the pipeline passed it on

	// keep is set by KeepErrorResponses: this route's error responses are
	// left as they are.
	keep bool

	// Storage for the writer and the response header's value slice, so
	// they cost no allocation of their own.
	rw  responseWriter
	hdr [1]string
}

type stateKey struct{}

// Value returns the state for stateKey and defers to the parent otherwise.
func (s *state) Value(key any) any {
	if key == (stateKey{}) {
		return s
	}
	return s.Context.Value(key)
}

func stateFrom(ctx context.Context) *state {
	s, _ := ctx.Value(stateKey{}).(*state)
	return s
}

// RequestIDFromContext returns the request ID the pipeline assigned to the
// request whose context is ctx.
func RequestIDFromContext(ctx context.Context) (string, bool) {
	if s := stateFrom(ctx); s != nil && s.id != "" {
		return s.id, true
	}
	return "", false
}

// ContextWithRequestID returns a copy of ctx that carries request ID id, for
// code that runs outside the pipeline, such as tests and background jobs.
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	if s := stateFrom(ctx); s != nil {
		c := *s
		c.Context, c.id = ctx, id
		return &c
	}
	return &state{Context: ctx, id: id}
}

// begin returns the state of a request entering the pipeline: its ID and
// the writer that tracks the response's progress.
func (p *Pipeline) begin(w http.ResponseWriter, r *http.Request) *state {
	outer := stateFrom(r.Context())
	id := ""
	if outer != nil && outer.id != "" {
		id = outer.id // mounted twice (router and sub-router): one ID
	} else if id = r.Header.Get(p.idHeader); !ValidRequestID(id) {
		id = newRequestID()
	}
	s := &state{Context: r.Context(), id: id, p: p}
	s.hdr[0] = id
	w.Header()[p.idHeader] = s.hdr[:1:1] // capacity 1: an Add copies
	if rw, ok := w.(*responseWriter); ok {
		s.w = rw
	} else {
		s.rw.ResponseWriter = w
		s.rw.st = s
		s.w = &s.rw
	}
	return s
}

// ValidRequestID reports whether an inbound request ID can be trusted and
// echoed: 1 to 128 bytes, each a letter, a digit, or one of ". _ : -".
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns a UUIDv7 (RFC 9562 §5.7), time-ordered so that
// logs sort by it. The bits are made here and formatted by google/uuid:
// uuid.NewV7 reads its randomness through an io.Reader, which moves its
// array to the heap, and its pool that avoids this is a global switch a
// library must not flip for its application. This way the ID string is the
// only allocation.
func newRequestID() string {
	var u uuid.UUID
	if _, err := rand.Read(u[8:]); err != nil {
		// crypto/rand does not fail since Go 1.24; stay unique anyway.
		return fmt.Sprintf("%016x-%08x", time.Now().UnixNano(), fallbackSeq.Add(1))
	}
	ms, seq := v7Clock()
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(seq>>8)&0x0F // version 7, then the counter's top bits
	u[7] = byte(seq)
	u[8] = 0x80 | u[8]&0x3F // the RFC 9562 variant
	return u.String()
}

var (
	// v7Last is the last (unix ms << 12 | counter) handed out. Within one
	// millisecond the 12-bit counter orders IDs (RFC 9562 §6.2, method 1);
	// when it overflows, or the clock steps back, the time borrows from the
	// next millisecond, so IDs of one process never go backwards.
	v7Last      atomic.Int64
	fallbackSeq atomic.Uint64
)

func v7Clock() (ms, seq int64) {
	now := time.Now().UnixMilli() << 12
	for {
		last := v7Last.Load()
		next := now
		if next <= last {
			next = last + 1
		}
		if v7Last.CompareAndSwap(last, next) {
			return next >> 12, next & 0xFFF
		}
	}
}
