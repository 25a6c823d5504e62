package middleware

import (
	"net/http"
	"strconv"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// RateLimited answers a request that a rate limiter refused with a 429
// problem of code RATE_LIMITED, a retryAfter member and a Retry-After
// header. It is an http.HandlerFunc, so it plugs into go-chi/httprate as
// the limit handler, with the IETF RateLimit-* header names:
//
//	r.With(httprate.LimitBy(5, time.Minute, clientKey,
//		httprate.WithLimitHandler(pl.RateLimited),
//		httprate.WithResponseHeaders(httprate.ResponseHeaders{
//			Limit: "RateLimit-Limit", Remaining: "RateLimit-Remaining",
//			Reset: "RateLimit-Reset", RetryAfter: "Retry-After",
//		}),
//	)).Get("/limited", handler)
//
// The headers the limiter set are kept. httprate writes the reset as a Unix
// time; RateLimited rewrites RateLimit-Reset and X-RateLimit-Reset to the
// seconds left, as the IETF draft means them, and makes Retry-After match.
func (p *Pipeline) RateLimited(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	now := p.now()
	retry := 0
	for _, name := range []string{"RateLimit-Reset", "X-Ratelimit-Reset"} {
		v := h.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			continue
		}
		if n > 1e9 { // a Unix time, not a delta
			n = max(int64(time.Unix(n, 0).Sub(now).Seconds()+0.999), 1)
			h.Set(name, strconv.FormatInt(n, 10))
		}
		retry = max(int(n), 1) // 0 means "now": retrying at once is what a client would do anyway
	}
	if retry == 0 {
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			retry = s
		} else {
			retry = 60
		}
	}
	h.Del("Retry-After") // the problem's own header replaces the limiter's
	p.answer(w, r, problem.RateLimited.New().
		With("retryAfter", retry).
		WithHeader("Retry-After", strconv.Itoa(retry)))
}
