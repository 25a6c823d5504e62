package problemredis_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/idempotency/storetest"
	"github.com/problemkit/problemkit/internal/redistest"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemredis"
	"github.com/problemkit/problemkit/problemtest"
)

func newClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRedisStore runs every outcome of the draft over a real redis-server,
// each case under its own prefix.
func TestRedisStore(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv.Addr)
	var mu sync.Mutex
	prefixes := map[idempotency.Store]string{}
	n := 0
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) idempotency.Store {
			mu.Lock()
			defer mu.Unlock()
			n++
			p := fmt.Sprintf("case%d:", n)
			s := problemredis.NewStore(rdb, problemredis.StoreOptions{Prefix: p})
			prefixes[s] = p
			return s
		},
		Expire: func(t *testing.T, s idempotency.Store) {
			mu.Lock()
			p := prefixes[s]
			mu.Unlock()
			expireAll(t, rdb, p)
		},
	})
}

// expireAll cuts the TTL of every key under prefix to 1 ms and waits for
// them to be gone: Redis's clock cannot be moved.
func expireAll(t *testing.T, rdb *redis.Client, prefix string) {
	t.Helper()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := rdb.PExpire(ctx, k, time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if n, _ := rdb.Exists(ctx, keys...).Result(); n == 0 || len(keys) == 0 {
			return
		}
	}
	t.Fatal("keys did not expire")
}

// TestRedisExpiry: every key the store writes has an expiry: the lease
// while in progress, the TTL once completed.
func TestRedisExpiry(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv.Addr)
	s := problemredis.NewStore(rdb, problemredis.StoreOptions{Prefix: "p:"})
	ctx := context.Background()
	key := strings.Repeat("a", 64)
	if _, err := s.Claim(ctx, key, &idempotency.Record{Token: "t", Fingerprint: "f"}, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, "p:"+key).Val(); ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("a claim's TTL is %v, want its lease of 90s", ttl)
	}
	if err := s.Complete(ctx, key, "t", &idempotency.Record{Token: "t", Fingerprint: "f", Done: true}, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, "p:"+key).Val(); ttl <= 23*time.Hour || ttl > 24*time.Hour {
		t.Errorf("a completed key's TTL is %v, want 24h", ttl)
	}
	// A real expiry, on Redis's own clock.
	k2 := strings.Repeat("b", 64)
	if _, err := s.Claim(ctx, k2, &idempotency.Record{Token: "t", Fingerprint: "f"}, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		prev, err := s.Claim(ctx, k2, &idempotency.Record{Token: "t2", Fingerprint: "f"}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if prev == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a claim with a 20 ms lease still held after 5 s")
		}
	}
}

// TestRedisValueBound: a value never exceeds MaxValueBytes; a response that
// would is dropped and the completed record kept.
func TestRedisValueBound(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv.Addr)
	s := problemredis.NewStore(rdb, problemredis.StoreOptions{Prefix: "p:", MaxValueBytes: 4 << 10})
	ctx := context.Background()
	key := strings.Repeat("a", 64)
	if _, err := s.Claim(ctx, key, &idempotency.Record{Token: "t", Fingerprint: "f"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	big := &idempotency.Record{Token: "t", Fingerprint: "f", Done: true, Response: &idempotency.Response{Status: 201, Body: make([]byte, 8<<10)}}
	if err := s.Complete(ctx, key, "t", big, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := rdb.StrLen(ctx, "p:"+key).Val(); n > 4<<10 {
		t.Errorf("a value of %d bytes", n)
	}
	prev, err := s.Claim(ctx, key, &idempotency.Record{Token: "x", Fingerprint: "f"}, time.Minute)
	if err != nil || prev == nil || !prev.Done || prev.Response != nil {
		t.Errorf("got %+v, %v; want a completed record without its response", prev, err)
	}
}

// TestRedisDown: with Redis refused, hanging, or killed, the middleware
// fails closed: 503 IDEMPOTENCY_UNAVAILABLE with Retry-After, and the
// request is never run.
func TestStoreRedisDown(t *testing.T) {
	killed := redistest.Start(t)
	killedClient := newClient(t, killed.Addr)
	if err := killedClient.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	killed.Stop()
	tests := []struct {
		name string
		rdb  *redis.Client
	}{
		{"connection refused", newClient(t, redistest.ClosedAddr(t))},
		{"a Redis that never answers", newClient(t, redistest.Blackhole(t))},
		{"a Redis that died", killedClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int64
			idem := idempotency.New(idempotency.Options{Store: problemredis.NewStore(tt.rdb, problemredis.StoreOptions{}), StoreTimeout: 200 * time.Millisecond})
			pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
			h := pl.Handler(idem(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { runs.Add(1) })))
			r := httptest.NewRequest("POST", "/transfers", strings.NewReader(`{}`))
			r.Header.Set("Idempotency-Key", "k")
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, r)
			p, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes())
			if err != nil || rec.Code != 503 || p.Code != "IDEMPOTENCY_UNAVAILABLE" || rec.Header().Get("Retry-After") != "1" {
				t.Fatalf("%d %v Retry-After %q: %s", rec.Code, err, rec.Header().Get("Retry-After"), rec.Body)
			}
			if runs.Load() != 0 {
				t.Error("the request ran without a claim")
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %v: StoreTimeout does not bound the call", took)
			}
		})
	}
}

// TestTwoInstancesOneRedis: two middlewares, as two instances have, on one
// Redis: of concurrent requests with one key spread over both, one runs.
func TestTwoInstancesOneRedis(t *testing.T) {
	srv := redistest.Start(t)
	var runs atomic.Int64
	release := make(chan struct{})
	instance := func() http.Handler {
		idem := idempotency.New(idempotency.Options{Store: problemredis.NewStore(newClient(t, srv.Addr), problemredis.StoreOptions{})})
		pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
		return pl.Handler(idem(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			runs.Add(1)
			<-release
			_, _ = io.WriteString(w, "done")
		})))
	}
	a, b := httptest.NewServer(instance()), httptest.NewServer(instance())
	defer a.Close()
	defer b.Close()
	statuses := make(chan int, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := a.URL
			if i%2 == 1 {
				base = b.URL
			}
			req, _ := http.NewRequest("POST", base+"/pay", strings.NewReader(`{"amount":1}`))
			req.Header.Set("Idempotency-Key", "one")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	counts := map[int]int{}
	for range 19 {
		select {
		case s := <-statuses:
			counts[s]++
		case <-time.After(30 * time.Second):
			t.Fatalf("answers so far %v", counts)
		}
	}
	close(release)
	wg.Wait()
	counts[<-statuses]++
	if counts[200] != 1 || counts[409] != 19 || runs.Load() != 1 {
		t.Errorf("answers %v, %d runs; want one 200, nineteen 409, one run", counts, runs.Load())
	}
}
