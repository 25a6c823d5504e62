package problemredis_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/httprate"
	"github.com/redis/go-redis/v9"

	"github.com/problemkit/problemkit/internal/redistest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemredis"
	"github.com/problemkit/problemkit/problemtest"
)

var _ httprate.LimitCounter = (*problemredis.Counter)(nil)

// instance is one server of a limited route whose counts are on rdb.
func instance(t *testing.T, rdb *redis.Client) http.Handler {
	t.Helper()
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
	rl := pl.RateLimit(time.Minute)
	limit := httprate.LimitBy(3, time.Minute, func(r *http.Request) (string, error) { return r.Header.Get("X-Client"), nil },
		httprate.WithLimitCounter(problemredis.NewCounter(rdb, problemredis.CounterOptions{})),
		httprate.WithLimitHandler(rl.Limited),
		httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			problemhttp.WriteError(w, r, problem.ServiceUnavailable.New().WithHeader("Retry-After", "1").Wrap(err))
		}))
	return pl.Handler(limit(rl.Fields(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))))
}

func get(h http.Handler, client string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/limited", nil)
	r.Header.Set("X-Client", client)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestSharedAcrossInstances: two instances on one Redis count a client's
// requests together, with the RateLimit fields of the shared count; other
// clients have their own.
func TestSharedAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	a, b := instance(t, newClient(t, srv.Addr)), instance(t, newClient(t, srv.Addr))
	field := regexp.MustCompile(`^"default";r=(\d+);t=(\d+)$`)
	tests := []struct {
		h         http.Handler
		status    int
		remaining string
	}{{a, 200, "2"}, {b, 200, "1"}, {a, 200, "0"}, {b, 429, "0"}, {a, 429, "0"}}
	for i, tt := range tests {
		rec := get(tt.h, "secret-api-key-1")
		m := field.FindStringSubmatch(rec.Header().Get("RateLimit"))
		if rec.Code != tt.status || m == nil || m[1] != tt.remaining || rec.Header().Get("RateLimit-Policy") != `"default";q=3;w=60` {
			t.Fatalf("request %d: %d RateLimit %q Policy %q, want %d r=%s", i+1, rec.Code, rec.Header().Get("RateLimit"), rec.Header().Get("RateLimit-Policy"), tt.status, tt.remaining)
		}
		if tt.status == 429 {
			if p, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes()); err != nil || p.Code != "RATE_LIMITED" {
				t.Errorf("request %d: %v %s", i+1, err, rec.Body)
			}
		}
	}
	if rec := get(b, "another-client"); rec.Code != 200 {
		t.Errorf("another client: %d", rec.Code)
	}
	ctx := context.Background()
	rdb := newClient(t, srv.Addr)
	keys := rdb.Keys(ctx, "*").Val()
	if len(keys) != 2 {
		t.Errorf("keys %v, want one per client", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, "secret") || strings.Contains(k, "client") {
			t.Errorf("key %q holds the client's key", k)
		}
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 0 || ttl > 3*time.Minute {
			t.Errorf("key %s expires in %v, want at most three windows", k, ttl)
		}
	}
}

// TestRedisDown: with Redis gone, the limited route fails closed with a
// 503 problem, quickly.
func TestCounterRedisDown(t *testing.T) {
	for name, addr := range map[string]string{"refused": redistest.ClosedAddr(t), "hanging": redistest.Blackhole(t)} {
		t.Run(name, func(t *testing.T) {
			h := instance(t, newClient(t, addr))
			start := time.Now()
			rec := get(h, "c")
			p, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes())
			if err != nil || rec.Code != 503 || p.Code != "SERVICE_UNAVAILABLE" || rec.Header().Get("Retry-After") != "1" {
				t.Errorf("%d %v: %s", rec.Code, err, rec.Body)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}
