package idempotency

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Defaults of MemoryOptions.
const (
	DefaultMaxEntries       = 10_000
	DefaultMaxBytes   int64 = 64 << 20
)

// MemoryOptions configures a MemoryStore. The zero value means the
// defaults.
type MemoryOptions struct {
	// MaxEntries bounds the keys held, claims and completed requests
	// together. Zero means DefaultMaxEntries (10,000).
	MaxEntries int
	// MaxBytes bounds the bytes held, as Record.Size counts them. Zero
	// means DefaultMaxBytes (64 MiB).
	MaxBytes int64
	// Now returns the current time, for expiry. Nil means time.Now.
	Now func() time.Time
}

// MemoryStore is a Store in process memory, for a single instance: keys
// are not shared with other processes and do not survive a restart.
//
// It is bounded by MaxEntries and MaxBytes. When a new key or a completed
// response does not fit, the oldest completed requests are evicted first
// (a retry of an evicted key runs the request again, so size the store for
// the keys clients send within the time they retry). A claim in progress
// is never evicted: when claims alone fill the store, Claim returns ErrFull
// and the middleware answers 503. A completed response that cannot fit is
// kept without its body, and its retries get 409 DUPLICATE_REQUEST.
// Expired records are dropped as the store is used.
type MemoryStore struct {
	maxEntries int
	maxBytes   int64
	now        func() time.Time

	mu      sync.Mutex
	entries map[string]*memEntry
	claims  list.List // *memEntry in progress, oldest first
	done    list.List // *memEntry completed, oldest first
	bytes   int64
}

type memEntry struct {
	key     string
	rec     Record
	expires time.Time
	size    int64
	elem    *list.Element
	list    *list.List
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	s := &MemoryStore{maxEntries: opts.MaxEntries, maxBytes: opts.MaxBytes, now: opts.Now, entries: make(map[string]*memEntry)}
	if s.maxEntries <= 0 {
		s.maxEntries = DefaultMaxEntries
	}
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Claim implements Store.
func (s *MemoryStore) Claim(_ context.Context, key string, rec *Record, lease time.Duration) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.reap(now)
	if e, ok := s.entries[key]; ok {
		if now.Before(e.expires) {
			prev := e.rec
			return &prev, nil
		}
		s.remove(e)
	}
	claim := *rec
	claim.Done, claim.Response = false, nil
	size := claim.Size(key)
	if !s.makeRoom(size) {
		return nil, ErrFull
	}
	e := &memEntry{key: key, rec: claim, expires: now.Add(lease), size: size, list: &s.claims}
	e.elem = s.claims.PushBack(e)
	s.entries[key] = e
	s.bytes += size
	return nil, nil
}

// Complete implements Store. A response that does not fit beside the
// claims in progress is dropped, the rest of the record kept.
func (s *MemoryStore) Complete(_ context.Context, key, token string, rec *Record, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok || e.rec.Done || e.rec.Token != token {
		return ErrClaimLost
	}
	s.remove(e)
	done := *rec
	size := done.Size(key)
	if !s.makeRoom(size) {
		done.Response = nil
		size = done.Size(key)
		s.makeRoom(size) // no larger than the claim it replaces
	}
	e = &memEntry{key: key, rec: done, expires: s.now().Add(ttl), size: size, list: &s.done}
	e.elem = s.done.PushBack(e)
	s.entries[key] = e
	s.bytes += size
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok || e.rec.Done || e.rec.Token != token {
		return ErrClaimLost
	}
	s.remove(e)
	return nil
}

// Len returns the number of keys held and the bytes they count.
func (s *MemoryStore) Len() (entries int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries), s.bytes
}

// makeRoom evicts the oldest completed records until one more entry of
// size fits, and reports whether it does.
func (s *MemoryStore) makeRoom(size int64) bool {
	for len(s.entries)+1 > s.maxEntries || s.bytes+size > s.maxBytes {
		front := s.done.Front()
		if front == nil {
			return false
		}
		s.remove(front.Value.(*memEntry))
	}
	return true
}

// reap drops the expired records at the front of both lists: each list is
// in the order its records were written, so with one lease and one TTL
// per store, in the order they expire. Others are dropped when their key
// is next used, or evicted.
func (s *MemoryStore) reap(now time.Time) {
	s.reapList(&s.claims, now)
	s.reapList(&s.done, now)
}

func (s *MemoryStore) reapList(l *list.List, now time.Time) {
	for f := l.Front(); f != nil; f = l.Front() {
		e := f.Value.(*memEntry)
		if now.Before(e.expires) {
			return
		}
		s.remove(e)
	}
}

func (s *MemoryStore) remove(e *memEntry) {
	e.list.Remove(e.elem)
	delete(s.entries, e.key)
	s.bytes -= e.size
}
