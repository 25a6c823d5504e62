package problemredis

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

// Defaults of StoreOptions.
const (
	DefaultStorePrefix         = "problemkit:idempotency:"
	DefaultMaxValueBytes int64 = 1 << 20
)

// StoreOptions configures a Store. The zero value means the defaults.
type StoreOptions struct {
	// Prefix is prepended to every key. Empty means DefaultStorePrefix.
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

// NewStore returns a Store on rdb.
func NewStore(rdb redis.Scripter, opts StoreOptions) *Store {
	s := &Store{rdb: rdb, prefix: opts.Prefix, maxValue: opts.MaxValueBytes}
	if s.prefix == "" {
		s.prefix = DefaultStorePrefix
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
		return nil, fmt.Errorf("problemredis: claim: %w", err)
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
		return fmt.Errorf("problemredis: %w", err)
	}
	if n != 1 {
		return idempotency.ErrClaimLost
	}
	return nil
}

var errBadToken = errors.New("problemredis: a token must not hold a newline")

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
		return "", fmt.Errorf("problemredis: encode: %w", err)
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

var errMalformed = errors.New("problemredis: a malformed value")

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
