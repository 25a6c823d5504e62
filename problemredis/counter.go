package problemredis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of CounterOptions.
const (
	DefaultCounterPrefix  = "problemkit:ratelimit:"
	DefaultCounterTimeout = 300 * time.Millisecond
)

// CounterOptions configures a Counter. The zero value means the defaults.
type CounterOptions struct {
	// Prefix is prepended to every key. Empty means DefaultCounterPrefix.
	Prefix string
	// Timeout bounds each call to Redis; httprate gives the counter no
	// context, and calls it under a lock, so keep it short. Zero means
	// DefaultCounterTimeout (300 ms).
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

// NewCounter returns a Counter on rdb.
func NewCounter(rdb redis.Cmdable, opts CounterOptions) *Counter {
	c := &Counter{rdb: rdb, prefix: opts.Prefix, timeout: opts.Timeout, window: time.Minute}
	if c.prefix == "" {
		c.prefix = DefaultCounterPrefix
	}
	if c.timeout <= 0 {
		c.timeout = DefaultCounterTimeout
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
		return fmt.Errorf("problemredis: increment: %w", err)
	}
	return nil
}

// Get returns the counts of key in the current and the previous window.
func (c *Counter) Get(key string, currentWindow, previousWindow time.Time) (curr, prev int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	vs, err := c.rdb.MGet(ctx, c.key(key, currentWindow), c.key(key, previousWindow)).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("problemredis: get: %w", err)
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
