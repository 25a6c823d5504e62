package idempotency

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// ErrClaimLost is returned by Store.Complete and Store.Release when the key
// no longer holds the claim the token names: it expired, and perhaps
// another request claimed the key since.
var ErrClaimLost = errors.New("idempotency: the claim on the key was lost")

// ErrFull is returned by a Store that has no room for another key and will
// not evict one that is in progress. The middleware answers 503
// IDEMPOTENCY_UNAVAILABLE: it never runs a request it could not claim.
var ErrFull = errors.New("idempotency: the store is full")

// Record is what a Store keeps under a key: a claim while the request runs,
// then the completed request.
type Record struct {
	// Token names the claim's owner: Complete and Release act only on the
	// claim whose token they are given.
	Token string
	// Fingerprint is the hash of the request's method, target and body: a
	// request with the same key and another fingerprint is refused.
	Fingerprint string
	// RequestID is the request ID of the request that claimed the key.
	RequestID string
	// Done reports whether the request completed; until then the key is in
	// progress.
	Done bool
	// CompletedAt is when it completed.
	CompletedAt time.Time
	// Response is the stored response, replayed to a retry; nil when the
	// request is in progress, when the middleware refuses duplicates
	// instead of replaying, or when the response was too large to keep.
	// It must not be modified.
	Response *Response
}

// Response is a stored response: its status, the allow-listed headers and
// the body.
type Response struct {
	// Status is the response's HTTP status, a 2xx or 3xx.
	Status int
	// Header holds the headers a replay carries (see Options.ReplayHeaders).
	Header http.Header
	// Body is the response body, as the handler wrote it.
	Body []byte
}

// Size is the number of bytes a store counts for the record under key: its
// strings, its response, and a fixed overhead per entry.
func (rec *Record) Size(key string) int64 {
	n := int64(entryOverhead + len(key) + len(rec.Token) + len(rec.Fingerprint) + len(rec.RequestID))
	if rec.Response != nil {
		n += int64(len(rec.Response.Body)) + headerSize(rec.Response.Header)
	}
	return n
}

// entryOverhead is what a store entry costs beside its strings: the
// structs, map and list slots.
const entryOverhead = 256

func headerSize(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	return n
}

// Store keeps the records of idempotency keys. The middleware hands it
// keys that are already hashed (64 hexadecimal characters), never the
// client's text. Implementations must be safe for concurrent use, and
// Claim must be atomic: of concurrent claims of one key, across every
// instance that shares the store, exactly one succeeds. Every record has
// an expiry. NewMemoryStore returns one for a single process; package
// problemredis (a module of its own) one that several instances share.
type Store interface {
	// Claim stores rec, a claim (Done false), under key for lease, if the
	// key holds no record or one that expired, and returns nil, nil. If
	// the key holds a record, it stores nothing and returns that record.
	// An error means it cannot tell; the middleware then fails closed.
	Claim(ctx context.Context, key string, rec *Record, lease time.Duration) (*Record, error)
	// Complete replaces the claim under key whose token is token with
	// rec, kept for ttl. It returns ErrClaimLost when the key holds no
	// such claim.
	Complete(ctx context.Context, key, token string, rec *Record, ttl time.Duration) error
	// Release deletes the claim under key whose token is token, so that a
	// retry may run. It returns ErrClaimLost when the key holds no such
	// claim.
	Release(ctx context.Context, key, token string) error
}
