// Package redislimit is a go-chi/httprate LimitCounter on Redis, so that a
// rate limit counts a client's requests across every instance that shares
// the Redis: behind a load balancer, a client does not get the limit once
// per instance.
//
//	rl := pl.RateLimit(time.Minute)
//	limit := httprate.LimitBy(5, time.Minute, clientKey,
//		httprate.WithLimitCounter(redislimit.New(client, redislimit.Options{})),
//		httprate.WithLimitHandler(rl.Limited),
//		httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
//			problemhttp.WriteError(w, r, problem.ServiceUnavailable.New().WithHeader("Retry-After", "1").Wrap(err))
//		}))
//	r.With(limit, rl.Fields).Get("/limited", handler)
//
// httprate keeps its algorithm (a sliding window over the current and the
// previous fixed window, aligned to the wall clock) and its X-RateLimit-*
// headers, so problemhttp.RateLimit's fields work unchanged. This package
// keeps only the counts: one Redis key per client and window, incremented
// with INCRBY and expiring after three windows, so Redis holds at most two
// live keys per client and limiter.
//
// When Redis fails, the counter returns the error and httprate calls its
// error handler: without WithErrorHandler, httprate answers a text 428,
// which the pipeline turns into a 428 problem; the handler above fails
// closed with 503 instead. httprate reads a count and increments it in two
// calls, under a lock of its own process: instances that race at the limit
// may let a few requests more through, never fewer.
//
// Use one Counter per limiter: it takes its window from the limiter.
// Clients' keys reach Redis only as hashes.
package redislimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of Options.
const (
	DefaultPrefix  = "problemkit:ratelimit:"
	DefaultTimeout = 300 * time.Millisecond
)

// Options configures a Counter. The zero value means the defaults.
type Options struct {
	// Prefix is prepended to every key. Empty means DefaultPrefix.
	Prefix string
	// Timeout bounds each call to Redis; httprate gives the counter no
	// context, and calls it under a lock, so keep it short. Zero means
	// DefaultTimeout (300 ms).
	Timeout time.Duration
}

// Counter counts requests per key and window on Redis. It implements
// httprate.LimitCounter and is safe for concurrent use.
type Counter struct {
	rdb     redis.Cmdable
	prefix  string
	timeout time.Duration
	window  time.Duration
}

// New returns a Counter on rdb.
func New(rdb redis.Cmdable, opts Options) *Counter {
	c := &Counter{rdb: rdb, prefix: opts.Prefix, timeout: opts.Timeout, window: time.Minute}
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c
}

// Config is called by httprate with the limiter's settings.
func (c *Counter) Config(requestLimit int, windowLength time.Duration) {
	if windowLength > 0 {
		c.window = windowLength
	}
}

// Increment counts one request of key in the window that starts at
// currentWindow.
func (c *Counter) Increment(key string, currentWindow time.Time) error {
	return c.IncrementBy(key, currentWindow, 1)
}

// IncrementBy counts amount requests of key in the window that starts at
// currentWindow.
func (c *Counter) IncrementBy(key string, currentWindow time.Time, amount int) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	k := c.key(key, currentWindow)
	pipe := c.rdb.TxPipeline()
	pipe.IncrBy(ctx, k, int64(amount))
	pipe.PExpire(ctx, k, 3*c.window)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redislimit: increment: %w", err)
	}
	return nil
}

// Get returns the counts of key in the current and the previous window.
func (c *Counter) Get(key string, currentWindow, previousWindow time.Time) (curr, prev int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	vs, err := c.rdb.MGet(ctx, c.key(key, currentWindow), c.key(key, previousWindow)).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("redislimit: get: %w", err)
	}
	return count(vs[0]), count(vs[1]), nil
}

// key is the Redis key of a client's key in one window: the prefix, the
// window's length and start, and a hash of the client's key.
func (c *Counter) key(key string, window time.Time) string {
	sum := sha256.Sum256([]byte(key))
	return c.prefix + strconv.FormatInt(c.window.Milliseconds(), 10) + ":" +
		strconv.FormatInt(window.UnixMilli(), 10) + ":" + hex.EncodeToString(sum[:16])
}

// count reads one MGET value: nil for a key that is not there.
func count(v any) int {
	s, ok := v.(string)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
