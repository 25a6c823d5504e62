package problemhttp

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// RateLimit answers for a rate limiter such as go-chi/httprate, with the
// fields of the IETF draft "RateLimit header fields for HTTP"
// (draft-ietf-httpapi-ratelimit-headers) on every response of a limited
// route, the successes and the 429 alike:
//
//	RateLimit-Policy: "default";q=5;w=60
//	RateLimit: "default";r=3;t=42
//
// q is the quota and w the window, r what remains of it and t the seconds
// until it is renewed. They are made from the X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset headers httprate sets (its
// default names; the reset is a Unix time), which are removed:
//
//	rl := pl.RateLimit(time.Minute)
//	r.With(
//		httprate.LimitBy(5, time.Minute, clientKey, httprate.WithLimitHandler(rl.Limited)),
//		rl.Fields,
//	).Get("/limited", handler)
//
// The window given must be the limiter's. A RateLimit is safe for
// concurrent use.
type RateLimit struct {
	p      *Pipeline
	window time.Duration
	policy string
}

// RateLimit returns the RateLimit of a limiter whose window is window,
// under the policy name "default".
func (p *Pipeline) RateLimit(window time.Duration) *RateLimit {
	return &RateLimit{p: p, window: window, policy: `"default"`}
}

// Fields is the middleware that writes the RateLimit fields on the
// responses the limiter lets through. Mount it after the limiter.
func (rl *RateLimit) Fields(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rl.fields(w.Header(), rl.p.now())
		next.ServeHTTP(w, r)
	})
}

// Limited answers a request the limiter refused: a 429 problem of code
// RATE_LIMITED with a retryAfter member, Retry-After and the RateLimit
// fields, all in seconds and consistent with each other. Use it as the
// limiter's limit handler. It writes nothing when the response has
// started: httprate calls its limit handler after its error handler when
// its counter fails (a Redis that is down), and the error handler's answer
// stands.
func (rl *RateLimit) Limited(w http.ResponseWriter, r *http.Request) {
	if s := stateFrom(r.Context()); s != nil && s.w != nil && s.w.committed() {
		return
	}
	h := w.Header()
	reset := rl.fields(h, rl.p.now())
	retry := max(reset, 1) // 0 means "now": retrying at once is what a client would do anyway
	if reset < 0 {
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			retry = s
		} else {
			retry = max(int(rl.window/time.Second), 1)
		}
	}
	h.Del("Retry-After") // the problem's own header replaces the limiter's
	rl.p.answer(w, r, problem.RateLimited.New().
		With("retryAfter", retry).
		WithHeader("Retry-After", strconv.Itoa(retry)))
}

// fields replaces the limiter's X-RateLimit-* headers in h with the
// RateLimit fields, and returns the seconds until the window is renewed,
// or -1 when the limiter said nothing of it.
func (rl *RateLimit) fields(h http.Header, now time.Time) int {
	limit, remaining, resetAt := h.Get("X-Ratelimit-Limit"), h.Get("X-Ratelimit-Remaining"), h.Get("X-Ratelimit-Reset")
	h.Del("X-Ratelimit-Limit")
	h.Del("X-Ratelimit-Remaining")
	h.Del("X-Ratelimit-Reset")
	reset := -1
	if n, err := strconv.ParseInt(resetAt, 10, 64); err == nil && n >= 0 {
		reset = max(int(time.Unix(n, 0).Sub(now).Seconds()+0.999), 0)
	}
	if q, err := strconv.Atoi(limit); err == nil && q >= 0 {
		policy := rl.policy + ";q=" + strconv.Itoa(q)
		if w := int(rl.window / time.Second); w > 0 {
			policy += ";w=" + strconv.Itoa(w)
		}
		h.Set("RateLimit-Policy", policy)
	}
	if r, err := strconv.Atoi(remaining); err == nil && r >= 0 {
		var b strings.Builder
		b.WriteString(rl.policy)
		b.WriteString(";r=")
		b.WriteString(strconv.Itoa(r))
		if reset >= 0 {
			b.WriteString(";t=")
			b.WriteString(strconv.Itoa(reset))
		}
		h.Set("RateLimit", b.String())
	}
	return reset
}
