package idempotency_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/idempotency/storetest"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestMemoryStore runs every outcome of the draft over the MemoryStore.
func TestMemoryStore(t *testing.T) {
	clocks := map[idempotency.Store]*fakeClock{}
	var mu sync.Mutex
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) idempotency.Store {
			c := &fakeClock{now: time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)}
			s := idempotency.NewMemoryStore(idempotency.MemoryOptions{Now: c.Now})
			mu.Lock()
			clocks[s] = c
			mu.Unlock()
			return s
		},
		Expire: func(t *testing.T, s idempotency.Store) {
			mu.Lock()
			defer mu.Unlock()
			clocks[s].Add(idempotency.DefaultTTL + time.Second)
		},
	})
}

// TestMemoryStoreBounds: the store never holds more than MaxEntries keys or
// MaxBytes bytes. It evicts the oldest completed requests first, never a
// claim in progress: with claims alone full, Claim returns ErrFull; a
// response that cannot fit is dropped and its record kept.
//
// (Probing a key with Claim claims it when it is not held; the probe
// releases it, but may have evicted to make room: probe absent keys last.)
func TestMemoryStoreBounds(t *testing.T) {
	ctx := context.Background()
	key := func(i int) string { return fmt.Sprintf("%064d", i) }
	claim := func(s *idempotency.MemoryStore, i int) error {
		prev, err := s.Claim(ctx, key(i), &idempotency.Record{Token: "t", Fingerprint: "f"}, time.Minute)
		if prev != nil {
			t.Fatalf("key %d already held", i)
		}
		return err
	}
	complete := func(s *idempotency.MemoryStore, i, body int) error {
		return s.Complete(ctx, key(i), "t", &idempotency.Record{Token: "t", Fingerprint: "f", Done: true,
			Response: &idempotency.Response{Status: 201, Body: make([]byte, body)}}, time.Hour)
	}
	held := func(s *idempotency.MemoryStore, i int) *idempotency.Record {
		prev, err := s.Claim(ctx, key(i), &idempotency.Record{Token: "probe", Fingerprint: "f"}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if prev == nil {
			_ = s.Release(ctx, key(i), "probe")
		}
		return prev
	}

	t.Run("entries: the oldest completed goes first", func(t *testing.T) {
		s := idempotency.NewMemoryStore(idempotency.MemoryOptions{MaxEntries: 3})
		for i := range 3 {
			if err := claim(s, i); err != nil {
				t.Fatal(err)
			}
		}
		if err := claim(s, 3); !errors.Is(err, idempotency.ErrFull) {
			t.Fatalf("a fourth claim beside three in progress: %v, want ErrFull", err)
		}
		if err := complete(s, 1, 10); err != nil {
			t.Fatal(err)
		}
		if err := complete(s, 0, 10); err != nil {
			t.Fatal(err)
		}
		if err := claim(s, 3); err != nil { // evicts 1, the first completed
			t.Fatal(err)
		}
		if n, _ := s.Len(); n != 3 {
			t.Errorf("%d entries, want 3", n)
		}
		// Probing a key that is not held claims it: probe it last.
		if held(s, 0) == nil || held(s, 2) == nil || held(s, 1) != nil {
			t.Error("evicted another than the oldest completed request")
		}
	})
	t.Run("bytes", func(t *testing.T) {
		const max = 8 << 10
		s := idempotency.NewMemoryStore(idempotency.MemoryOptions{MaxBytes: max})
		for i := range 20 {
			if err := claim(s, i); err != nil {
				t.Fatal(err)
			}
			if err := complete(s, i, 2<<10); err != nil {
				t.Fatal(err)
			}
			if _, b := s.Len(); b > max {
				t.Fatalf("after %d: %d bytes, over %d", i, b, max)
			}
		}
		if rec := held(s, 19); rec == nil || rec.Response == nil || held(s, 0) != nil {
			t.Error("want the newest kept whole and the oldest evicted")
		}
	})
	t.Run("a response that cannot fit is dropped, its record kept", func(t *testing.T) {
		s := idempotency.NewMemoryStore(idempotency.MemoryOptions{MaxBytes: 4 << 10})
		if err := claim(s, 0); err != nil {
			t.Fatal(err)
		}
		if err := complete(s, 0, 64<<10); err != nil {
			t.Fatal(err)
		}
		rec := held(s, 0)
		if rec == nil || !rec.Done || rec.Response != nil {
			t.Errorf("record %+v, want done without a response", rec)
		}
	})
	t.Run("expired records are dropped", func(t *testing.T) {
		c := &fakeClock{now: time.Unix(0, 0)}
		s := idempotency.NewMemoryStore(idempotency.MemoryOptions{Now: c.Now})
		for i := range 100 {
			if err := claim(s, i); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				if err := complete(s, i, 100); err != nil {
					t.Fatal(err)
				}
			}
		}
		c.Add(2 * time.Hour)
		_ = claim(s, 1000)
		if n, _ := s.Len(); n != 1 {
			t.Errorf("%d entries after every lease and TTL passed, want 1", n)
		}
	})
}
