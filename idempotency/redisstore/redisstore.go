// Package redisstore is an idempotency.Store on Redis, for instances that
// share their clients: a key claimed on one instance is claimed on all of
// them, so no two instances run the same request.
//
//	client := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true, DialerRetries: 1})
//	idem := idempotency.New(idempotency.Options{Store: redisstore.New(client, redisstore.Options{})})
//
// A claim is one atomic SET NX PX; completing and releasing are Lua
// scripts that act only when the key still holds the caller's claim. Every
// key has an expiry: the claim's lease, then the completed request's TTL.
// Values are at most Options.MaxValueBytes; a completed request whose
// response would not fit is stored without it (its retries get 409
// DUPLICATE_REQUEST).
//
// When Redis cannot be reached, every call returns an error and the
// middleware answers 503 without running the request. Set
// ContextTimeoutEnabled on the client, so that the middleware's
// StoreTimeout bounds a call to a Redis that hangs, and a small
// DialerRetries (go-redis dials five times, with pauses, by default), so
// that a Redis that refuses is answered at once. Configure Redis with
// maxmemory-policy noeviction (writes then fail, and the middleware fails
// closed) or volatile-ttl: a policy that evicts claims in progress lets a
// request run twice.
//
// Redis holds only hashes of the clients' keys (the middleware hashes
// them), never the keys themselves.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/problemkit/problemkit/idempotency"
)

// Defaults of Options.
const (
	DefaultPrefix              = "problemkit:idempotency:"
	DefaultMaxValueBytes int64 = 1 << 20
)

// Options configures a Store. The zero value means the defaults.
type Options struct {
	// Prefix is prepended to every key. Empty means DefaultPrefix.
	Prefix string
	// MaxValueBytes bounds a value: a completed request whose response
	// does not fit is stored without it. Zero means DefaultMaxValueBytes
	// (1 MiB); the middleware's own bound, MaxResponseBytes (64 KiB), is
	// usually the one that counts.
	MaxValueBytes int64
}

// Store is an idempotency.Store on a Redis client (a *redis.Client, a
// *redis.ClusterClient: anything that runs scripts). It is safe for
// concurrent use.
type Store struct {
	rdb      redis.Scripter
	prefix   string
	maxValue int64
}

var _ idempotency.Store = (*Store)(nil)

// New returns a Store on rdb.
func New(rdb redis.Scripter, opts Options) *Store {
	s := &Store{rdb: rdb, prefix: opts.Prefix, maxValue: opts.MaxValueBytes}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if s.maxValue <= 0 {
		s.maxValue = DefaultMaxValueBytes
	}
	return s
}

// A value is a state byte ('c' claimed, 'd' done), the claim's token, a
// newline, the record's metadata as JSON (which never holds a raw
// newline), a newline, and the response body as it is.
var (
	claimScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`)
	// Both act only on a claim in progress whose token is ARGV[1].
	completeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) ~= 'c' or string.sub(v, 2, #ARGV[1] + 2) ~= ARGV[1] .. '\n' then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)
	releaseScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) ~= 'c' or string.sub(v, 2, #ARGV[1] + 2) ~= ARGV[1] .. '\n' then return 0 end
redis.call('DEL', KEYS[1])
return 1`)
)

// meta is a record but for its token and body.
type meta struct {
	Fingerprint string      `json:"f"`
	RequestID   string      `json:"r"`
	CompletedAt time.Time   `json:"t,omitzero"`
	Response    bool        `json:"b,omitempty"`
	Status      int         `json:"s,omitempty"`
	Header      http.Header `json:"h,omitempty"`
}

// Claim implements idempotency.Store.
func (s *Store) Claim(ctx context.Context, key string, rec *idempotency.Record, lease time.Duration) (*idempotency.Record, error) {
	claim := *rec
	claim.Done, claim.Response = false, nil
	v, err := encode(&claim)
	if err != nil {
		return nil, err
	}
	prev, err := claimScript.Run(ctx, s.rdb, []string{s.prefix + key}, v, millis(lease)).Text()
	if errors.Is(err, redis.Nil) {
		return nil, nil // claimed
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: claim: %w", err)
	}
	return decode(prev)
}

// Complete implements idempotency.Store.
func (s *Store) Complete(ctx context.Context, key, token string, rec *idempotency.Record, ttl time.Duration) error {
	done := *rec
	done.Token, done.Done = token, true
	v, err := encode(&done)
	if err != nil {
		return err
	}
	if int64(len(v)) > s.maxValue {
		done.Response = nil
		if v, err = encode(&done); err != nil {
			return err
		}
	}
	return s.settle(ctx, completeScript, key, token, v, millis(ttl))
}

// Release implements idempotency.Store.
func (s *Store) Release(ctx context.Context, key, token string) error {
	if strings.Contains(token, "\n") {
		return errBadToken
	}
	return s.settle(ctx, releaseScript, key, token)
}

func (s *Store) settle(ctx context.Context, script *redis.Script, key string, args ...any) error {
	n, err := script.Run(ctx, s.rdb, []string{s.prefix + key}, args...).Int()
	if err != nil {
		return fmt.Errorf("redisstore: %w", err)
	}
	if n != 1 {
		return idempotency.ErrClaimLost
	}
	return nil
}

var errBadToken = errors.New("redisstore: a token must not hold a newline")

func encode(rec *idempotency.Record) (string, error) {
	if strings.Contains(rec.Token, "\n") {
		return "", errBadToken
	}
	m := meta{Fingerprint: rec.Fingerprint, RequestID: rec.RequestID, CompletedAt: rec.CompletedAt}
	var body []byte
	if r := rec.Response; r != nil {
		m.Response, m.Status, m.Header, body = true, r.Status, r.Header, r.Body
	}
	js, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("redisstore: encode: %w", err)
	}
	state := "c"
	if rec.Done {
		state = "d"
	}
	var b strings.Builder
	b.Grow(len(state) + len(rec.Token) + len(js) + len(body) + 2)
	b.WriteString(state)
	b.WriteString(rec.Token)
	b.WriteByte('\n')
	b.Write(js)
	b.WriteByte('\n')
	b.Write(body)
	return b.String(), nil
}

var errMalformed = errors.New("redisstore: a malformed value")

func decode(v string) (*idempotency.Record, error) {
	if v == "" || v[0] != 'c' && v[0] != 'd' {
		return nil, errMalformed
	}
	token, rest, ok := strings.Cut(v[1:], "\n")
	if !ok {
		return nil, errMalformed
	}
	js, body, ok := strings.Cut(rest, "\n")
	if !ok {
		return nil, errMalformed
	}
	var m meta
	dec := json.NewDecoder(strings.NewReader(js))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	rec := &idempotency.Record{Token: token, Fingerprint: m.Fingerprint, RequestID: m.RequestID, Done: v[0] == 'd', CompletedAt: m.CompletedAt}
	if m.Response {
		rec.Response = &idempotency.Response{Status: m.Status, Header: m.Header, Body: []byte(body)}
	}
	return rec, nil
}

// millis returns d in whole milliseconds, at least 1: PX 0 is an error.
func millis(d time.Duration) int64 { return max(d.Milliseconds(), 1) }
