package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/httprate"
	"github.com/redis/go-redis/v9"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemredis"
)

// shared is the state instances share: the idempotency keys and the rate
// limits' counts. Without -redis both are in the process.
type shared struct {
	store idempotency.Store
	// limit holds the options a limiter needs to count on Redis.
	limit []httprate.Option
	close func()
}

// newShared connects to the -redis URL, redis://HOST:PORT/DB (rediss://
// for TLS), and checks that Redis answers; an empty URL means memory.
func newShared(url string) (*shared, error) {
	if url == "" {
		return &shared{store: idempotency.NewMemoryStore(idempotency.MemoryOptions{}), close: func() {}}, nil
	}
	if !strings.HasPrefix(url, "redis://") && !strings.HasPrefix(url, "rediss://") {
		return nil, fmt.Errorf("-redis %q: want redis://HOST:PORT/DB", url)
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	// Short deadlines, which the contexts of the calls bound too: a Redis
	// that hangs makes a request fail fast with a 503, never wait.
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, time.Second, time.Second
	opt.MaxRetries, opt.DialerRetries = 1, 1
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("-redis %s: %w", opt.Addr, err)
	}
	return &shared{
		store: problemredis.NewStore(rdb, problemredis.StoreOptions{}),
		limit: []httprate.Option{
			httprate.WithLimitCounter(problemredis.NewCounter(rdb, problemredis.CounterOptions{})),
			// Redis down: fail closed, as the idempotency keys do.
			httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
				problemhttp.WriteError(w, r, problem.ServiceUnavailable.New().WithHeader("Retry-After", strconv.Itoa(1)).Wrap(err))
			}),
		},
		close: func() { rdb.Close() },
	}, nil
}
