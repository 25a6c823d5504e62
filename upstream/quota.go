package upstream

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultQuotaMaxWait is how long a call may wait for the upstream's quota
// to reset when QuotaOptions.MaxWait is zero.
const DefaultQuotaMaxWait = time.Second

// QuotaOptions configures how a Client respects the quota its upstream
// announces in its responses, whatever their status. The zero value means
// the defaults: the quota is respected, and a call waits at most
// DefaultQuotaMaxWait for it to reset.
//
// The Client reads, from the first of these a response carries:
//
//   - RateLimit (draft-ietf-httpapi-ratelimit-headers, 2024 and later), a
//     list of quota policies such as `"default";r=0;t=30`: r the calls left,
//     t the seconds until the reset; the Client obeys the scarcest;
//   - RateLimit-Remaining and RateLimit-Reset (the draft's earlier
//     versions, which go-chi/httprate sends): calls left, seconds until
//     the reset;
//   - X-RateLimit-Remaining and X-RateLimit-Reset (GitHub and many
//     others): calls left, and the reset as a Unix time when the value is
//     at least 10⁸, otherwise as seconds from now.
//
// While the calls left before a reset still ahead are known, each call
// counts one down; at zero, calls are held back until the reset. A call
// held back waits for the reset when it comes within MaxWait and before
// the call's deadline; otherwise it is not sent, and fails at once with a
// RateLimited *Error — a 503 UPSTREAM_RATE_LIMITED whose Retry-After is
// the time left before the reset — whose cause is ErrQuotaExhausted. An
// announced reset further away than Options.MaxRetryAfter (default 5 min)
// counts as that far: an upstream cannot stop the Client for longer.
// After a reset, calls go out again and the next answers say how many are
// left.
type QuotaOptions struct {
	// Disabled ignores the announced quota: every call is sent, and a 429
	// is the upstream's to give.
	Disabled bool
	// MaxWait is the longest a call waits for the quota to reset, within
	// its deadline. Zero means DefaultQuotaMaxWait; negative means a call
	// never waits.
	MaxWait time.Duration
}

// quota is what a Client knows of its upstream's quota.
type quota struct {
	maxWait  time.Duration
	maxPause time.Duration

	mu        sync.Mutex
	remaining int64     // calls left before resetAt
	resetAt   time.Time // zero, or in the past: nothing is known
}

func newQuota(o QuotaOptions, maxRetryAfter time.Duration) *quota {
	if o.Disabled {
		return nil
	}
	q := &quota{maxWait: o.MaxWait, maxPause: maxRetryAfter}
	switch {
	case q.maxWait == 0:
		q.maxWait = DefaultQuotaMaxWait
	case q.maxWait < 0:
		q.maxWait = 0
	}
	if q.maxPause <= 0 {
		q.maxPause = DefaultMaxRetryAfter
	}
	return q
}

// admit lets a call go, once the quota allows it. It returns
// ErrQuotaExhausted, with the time left before the reset, for a call it
// holds back, or ctx's error when ctx ends while the call waits.
func (q *quota) admit(ctx context.Context) (left time.Duration, err error) {
	if q == nil {
		return 0, nil
	}
	q.mu.Lock()
	now := time.Now()
	switch {
	case !now.Before(q.resetAt): // nothing known, or the window is over
		q.mu.Unlock()
		return 0, nil
	case q.remaining > 0:
		q.remaining--
		q.mu.Unlock()
		return 0, nil
	}
	left = q.resetAt.Sub(now)
	q.mu.Unlock()
	if d, ok := ctx.Deadline(); left > q.maxWait || ok && !now.Add(left).Before(d) {
		return left, ErrQuotaExhausted
	}
	timer := time.NewTimer(left)
	defer timer.Stop()
	select {
	case <-timer.C:
		return 0, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// observe learns the quota from a response's header. An exhausted quota
// whose reset is still ahead is only ever extended: the answers of calls
// sent before it was exhausted say nothing newer.
func (q *quota) observe(h http.Header) {
	if q == nil {
		return
	}
	now := time.Now()
	remaining, reset, ok := parseQuota(h, now)
	if !ok {
		return
	}
	at := now.Add(min(reset, q.maxPause))
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.remaining == 0 && now.Before(q.resetAt) {
		if remaining == 0 && at.After(q.resetAt) {
			q.resetAt = at
		}
		return
	}
	q.remaining, q.resetAt = remaining, at
}

// maxQuotaHeaderBytes bounds the quota header values parsed; a longer
// value is ignored.
const maxQuotaHeaderBytes = 1 << 10

// unixTimeFloor: an X-RateLimit-Reset of at least this many seconds is a
// Unix time (1973 or later), below it a number of seconds from now (3
// years or less).
const unixTimeFloor = 100_000_000

// parseQuota returns the calls left and the time until the quota resets,
// as h announces them (see QuotaOptions); ok is false when h announces
// neither, or not both. The reset is never negative.
func parseQuota(h http.Header, now time.Time) (remaining int64, reset time.Duration, ok bool) {
	if v := h.Get("RateLimit"); v != "" {
		if remaining, reset, ok = parseRateLimit(v); ok {
			return remaining, reset, true
		}
	}
	if r, ok1 := headerInt(h, "RateLimit-Remaining"); ok1 {
		if s, ok2 := headerInt(h, "RateLimit-Reset"); ok2 {
			return r, seconds(s), true
		}
	}
	r, ok1 := headerInt(h, "X-RateLimit-Remaining")
	s, ok2 := headerInt(h, "X-RateLimit-Reset")
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if s < unixTimeFloor {
		return r, seconds(s), true
	}
	return r, max(time.Unix(s, 0).Sub(now), 0), true
}

// maxSeconds caps announced durations, so that no arithmetic overflows.
const maxSeconds = 1 << 31

func seconds(s int64) time.Duration { return time.Duration(min(s, maxSeconds)) * time.Second }

// headerInt parses a header holding a non-negative integer; Unix times with
// a fraction ("1700000000.5", as some services send) keep their whole
// seconds.
func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if i := strings.IndexByte(v, '.'); i > 0 && digits(v[i+1:]) {
		v = v[:i]
	}
	return parseInt(v)
}

// parseInt parses 1 to 15 decimal digits, the integers of RFC 8941.
func parseInt(v string) (int64, bool) {
	if len(v) == 0 || len(v) > 15 || !digits(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func digits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return len(v) > 0
}

// parseRateLimit parses a RateLimit field, an RFC 8941 list whose items
// are policy names with parameters, of which it reads r (calls left) and t
// (seconds until the reset); items without both are skipped. Of several
// policies the scarcest wins: the fewest calls left, with the latest
// reset among the policies that have that few. A value that is not
// a well-formed list, or longer than maxQuotaHeaderBytes, is ignored, as
// RFC 8941 asks of fields that fail to parse.
func parseRateLimit(v string) (remaining int64, reset time.Duration, ok bool) {
	if len(v) > maxQuotaHeaderBytes {
		return 0, 0, false
	}
	p := sfParser{s: v}
	p.skipSpace()
	for !p.done() {
		if !p.bareItem() {
			return 0, 0, false
		}
		r, t, okR, okT := int64(0), int64(0), false, false
		for p.peek() == ';' {
			p.i++
			p.skipSP()
			key, val, isInt, good := p.param()
			if !good {
				return 0, 0, false
			}
			switch key {
			case "r":
				r, okR = val, isInt
			case "t":
				t, okT = val, isInt
			}
		}
		if okR && okT {
			d := seconds(t)
			switch {
			case !ok || r < remaining:
				remaining, reset, ok = r, d, true
			case r == remaining && d > reset:
				reset = d
			}
		}
		p.skipSpace()
		if p.done() {
			break
		}
		if p.peek() != ',' {
			return 0, 0, false
		}
		p.i++
		p.skipSpace()
		if p.done() {
			return 0, 0, false // a trailing comma
		}
	}
	return remaining, reset, ok
}

// sfParser reads the parts of RFC 8941 structured fields that quota
// headers use.
type sfParser struct {
	s string
	i int
}

func (p *sfParser) done() bool { return p.i >= len(p.s) }

func (p *sfParser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

// skipSpace skips optional white space (SP and HTAB) around list members.
func (p *sfParser) skipSpace() {
	for !p.done() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// skipSP skips the spaces allowed after a parameter's ';'.
func (p *sfParser) skipSP() {
	for !p.done() && p.s[p.i] == ' ' {
		p.i++
	}
}

// bareItem skips a string, token, integer, decimal, byte sequence or
// boolean; it reports
// false when there is none.
func (p *sfParser) bareItem() bool {
	switch c := p.peek(); {
	case c == '"':
		p.i++
		for !p.done() {
			switch p.s[p.i] {
			case '\\':
				if p.i+1 >= len(p.s) || p.s[p.i+1] != '"' && p.s[p.i+1] != '\\' {
					return false
				}
				p.i += 2
			case '"':
				p.i++
				return true
			default:
				if p.s[p.i] < 0x20 || p.s[p.i] > 0x7e {
					return false
				}
				p.i++
			}
		}
		return false
	case c == ':': // a byte sequence
		p.i++
		for !p.done() && p.s[p.i] != ':' {
			if c := p.s[p.i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
				return false
			}
			p.i++
		}
		if p.done() {
			return false
		}
		p.i++
		return true
	case c == '?':
		p.i++
		if c := p.peek(); c != '0' && c != '1' {
			return false
		}
		p.i++
		return true
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for !p.done() && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] == '.') {
			p.i++
		}
		return p.i-start <= 20
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*':
		for !p.done() && isTokenChar(p.s[p.i]) {
			p.i++
		}
		return true
	}
	return false
}

// param reads a parameter after its ';': its key and, when the value is
// an integer, the value. A parameter without a value is the boolean true.
func (p *sfParser) param() (key string, val int64, isInt, ok bool) {
	start := p.i
	if c := p.peek(); !(c >= 'a' && c <= 'z' || c == '*') {
		return "", 0, false, false
	}
	for !p.done() && isKeyChar(p.s[p.i]) {
		p.i++
	}
	key = p.s[start:p.i]
	if p.peek() != '=' {
		return key, 0, false, true
	}
	p.i++
	vstart := p.i
	if !p.bareItem() {
		return "", 0, false, false
	}
	val, isInt = parseInt(p.s[vstart:p.i])
	return key, val, isInt, true
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*'
}

// isTokenChar reports the characters of an RFC 8941 token after its first:
// tchar, ":" and "/".
func isTokenChar(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~:/", c) >= 0
}
