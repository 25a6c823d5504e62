// Package problemredis keeps on Redis the state that instances behind one
// load balancer must share: the idempotency keys of package
// [github.com/problemkit/problemkit/idempotency] ([Store]) and the counts of
// a go-chi/httprate rate limit ([Counter]). It is a module of its own, so
// that only applications that use Redis have go-redis in their build.
//
// Both take any go-redis client, a *redis.Client or a *redis.ClusterClient.
// Set ContextTimeoutEnabled on it, so that a deadline bounds a call to a
// Redis that hangs, and a small DialerRetries (go-redis dials five times,
// with pauses, by default), so that a Redis that refuses is answered at
// once:
//
//	client := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true, DialerRetries: 1})
//
// Redis holds only hashes of the clients' keys, never the keys themselves.
//
// # Idempotency keys
//
// A [Store] is an idempotency.Store: a key claimed on one instance is claimed
// on all of them, so no two instances run the same request.
//
//	idem := idempotency.New(idempotency.Options{Store: problemredis.NewStore(client, problemredis.StoreOptions{})})
//
// A claim is one atomic SET NX PX; completing and releasing are Lua
// scripts that act only when the key still holds the caller's claim. Every
// key has an expiry: the claim's lease, then the completed request's TTL.
// Values are at most [StoreOptions].MaxValueBytes; a completed request whose
// response would not fit is stored without it (its retries get 409
// DUPLICATE_REQUEST).
//
// When Redis cannot be reached, every call returns an error and the
// middleware answers 503 without running the request; with
// ContextTimeoutEnabled, the middleware's StoreTimeout bounds a call to a
// Redis that hangs. Configure Redis with maxmemory-policy noeviction
// (writes then fail, and the middleware fails closed) or volatile-ttl: a
// policy that evicts claims in progress lets a request run twice.
//
// # Rate limits
//
// A [Counter] is an httprate.LimitCounter, so that a rate limit counts a
// client's requests across every instance: behind a load balancer, a client
// does not get the limit once per instance.
//
//	rl := pl.RateLimit(time.Minute)
//	limit := httprate.LimitBy(5, time.Minute, clientKey,
//		httprate.WithLimitCounter(problemredis.NewCounter(client, problemredis.CounterOptions{})),
//		httprate.WithLimitHandler(rl.Limited),
//		httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
//			problemhttp.WriteError(w, r, problem.ServiceUnavailable.New().WithHeader("Retry-After", "1").Wrap(err))
//		}))
//	r.With(limit, rl.Fields).Get("/limited", handler)
//
// httprate keeps its algorithm (a sliding window over the current and the
// previous fixed window, aligned to the wall clock) and its X-RateLimit-*
// headers, so the RateLimit fields of problemhttp's Pipeline.RateLimit work
// unchanged. The Counter keeps only the counts: one Redis key per client
// and window, incremented with INCRBY and expiring after three windows, so
// Redis holds at most two live keys per client and limiter.
//
// When Redis fails, the counter returns the error and httprate calls its
// error handler: without WithErrorHandler, httprate answers a text 428,
// which the pipeline turns into a 428 problem; the handler above fails
// closed with 503 instead. httprate reads a count and increments it in two
// calls, under a lock of its own process: instances that race at the limit
// may let a few requests more through, never fewer. Use one Counter per
// limiter: it takes its window from the limiter.
package problemredis
