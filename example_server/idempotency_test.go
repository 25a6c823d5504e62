package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/problemkit/problemkit/internal/redistest"
	"github.com/problemkit/problemkit/problemtest"
)

const oneTransfer = `{"from":1,"to":2,"amount":700,"currency":"KRW"}`

// balance returns account 1's balance on the server at base.
func balance(t *testing.T, base string) int64 {
	t.Helper()
	r := call{method: "GET", path: "/accounts/1"}.do(t, base)
	var acc struct{ Balance int64 }
	if err := json.Unmarshal(r.body, &acc); err != nil || r.status != 200 {
		t.Fatalf("GET /accounts/1: %d %s", r.status, r.body)
	}
	return acc.Balance
}

// code returns the problem code of a response, "" for a success.
func (r response) code(t *testing.T) string {
	t.Helper()
	if r.status < 400 {
		return ""
	}
	p, err := problemtest.CheckBody(r.status, r.header, r.body)
	if err != nil {
		t.Fatalf("not a well-formed problem: %v: %s", err, r.body)
	}
	return p.Code
}

// sendConcurrently sends n transfers with one key at once, spread over
// bases, and returns the answers by "status code".
func sendConcurrently(t *testing.T, n int, key string, bases ...string) map[string]int {
	t.Helper()
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := call{method: "POST", path: "/transfers", body: oneTransfer, header: map[string]string{"Idempotency-Key": key}}.do(t, bases[i%len(bases)])
			c := r.code(t)
			if c == "REQUEST_IN_PROGRESS" && r.header.Get("Retry-After") == "" {
				t.Errorf("409 REQUEST_IN_PROGRESS without Retry-After")
			}
			mu.Lock()
			got[strconv.Itoa(r.status)+" "+c]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return got
}

// TestConcurrentDuplicate: a retry sent while the first transfer is still
// running is answered 409 REQUEST_IN_PROGRESS; one after it completed 409
// DUPLICATE_REQUEST; the transfer happened once.
func TestConcurrentDuplicate(t *testing.T) {
	base, _ := startServer(t, "-production", "-transfer-delay", "300ms")
	got := sendConcurrently(t, 5, "concurrent-1", base)
	if got["201 "] != 1 || got["409 REQUEST_IN_PROGRESS"] != 4 {
		t.Errorf("answers %v, want one 201 and four 409 REQUEST_IN_PROGRESS", got)
	}
	r := call{method: "POST", path: "/transfers", body: oneTransfer, header: map[string]string{"Idempotency-Key": "concurrent-1"}}.do(t, base)
	if c := r.code(t); c != "DUPLICATE_REQUEST" {
		t.Errorf("after completion: %d %s", r.status, c)
	}
	if b := balance(t, base); b != 5000-700 {
		t.Errorf("balance %d: the transfer did not happen exactly once", b)
	}
}

// TestTwoInstances: two demo servers on one Redis, as behind a load
// balancer. Twenty concurrent transfers with one key, spread over both,
// are carried out once; the rate limit counts a client's requests on both;
// with Redis gone, both fail closed.
func TestTwoInstances(t *testing.T) {
	redisSrv := redistest.Start(t)
	args := []string{"-production", "-redis", redisSrv.URL(0), "-transfer-delay", "100ms"}
	a, _ := startServer(t, args...)
	b, _ := startServer(t, args...)

	t.Run("one key, twenty requests, one transfer", func(t *testing.T) {
		got := sendConcurrently(t, 20, "shared-1", a, b)
		if got["201 "] != 1 || got["409 REQUEST_IN_PROGRESS"]+got["409 DUPLICATE_REQUEST"] != 19 {
			t.Errorf("answers %v, want one 201 and nineteen 409", got)
		}
		if done := (5000 - balance(t, a)) + (5000 - balance(t, b)); done != 700 {
			t.Errorf("the two banks moved %d in all, want 700: the transfer ran more than once", done)
		}
		r := call{method: "POST", path: "/transfers", body: strings.Replace(oneTransfer, "700", "1", 1), header: map[string]string{"Idempotency-Key": "shared-1"}}.do(t, b)
		if c := r.code(t); c != "IDEMPOTENCY_KEY_REUSED" {
			t.Errorf("another body on the other instance: %d %s", r.status, c)
		}
	})

	t.Run("the rate limit is shared", func(t *testing.T) {
		field := regexp.MustCompile(`^"default";r=(\d+);t=\d+$`)
		for i := range 6 {
			base := []string{a, b}[i%2]
			r := call{method: "GET", path: "/limited"}.do(t, base)
			want := 200
			if i == 5 {
				want = 429
			}
			m := field.FindStringSubmatch(r.header.Get("RateLimit"))
			if r.status != want || m == nil || m[1] != strconv.Itoa(max(4-i, 0)) {
				t.Fatalf("request %d, to instance %d: %d RateLimit %q", i+1, i%2+1, r.status, r.header.Get("RateLimit"))
			}
		}
	})

	t.Run("Redis gone: nothing runs", func(t *testing.T) {
		before := balance(t, a) + balance(t, b)
		redisSrv.Stop()
		for _, base := range []string{a, b} {
			r := call{method: "POST", path: "/transfers", body: oneTransfer, header: map[string]string{"Idempotency-Key": "after-redis"}}.do(t, base)
			if c := r.code(t); r.status != 503 || c != "IDEMPOTENCY_UNAVAILABLE" || r.header.Get("Retry-After") == "" {
				t.Errorf("transfer: %d %s Retry-After %q", r.status, c, r.header.Get("Retry-After"))
			}
			r = call{method: "GET", path: "/limited"}.do(t, base)
			if c := r.code(t); r.status != 503 || c != "SERVICE_UNAVAILABLE" {
				t.Errorf("limited: %d %s", r.status, c)
			}
		}
		if after := balance(t, a) + balance(t, b); after != before {
			t.Errorf("balances moved from %d to %d without Redis", before, after)
		}
	})
}

// TestRedisFlag: a -redis that is not a redis:// URL, or a Redis that does
// not answer, stops the server at start-up, saying which.
func TestRedisFlag(t *testing.T) {
	for _, url := range []string{"localhost:6379", "redis://" + redistest.ClosedAddr(t) + "/0"} {
		t.Run(url, func(t *testing.T) {
			var logs syncBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, []string{"-addr", "127.0.0.1:0", "-redis", url}, io.Discard, &logs, nil)
			if err == nil || !strings.Contains(err.Error(), "-redis") {
				t.Errorf("run = %v, want an error naming -redis", err)
			}
		})
	}
}

// An outcome is one row of the table in docs/idempotency.md of what /transfers answers.
type outcome struct {
	sent string // what the client sends, in the table's words
	call call
	// before is sent first, to set the scene; concurrent sends call twice
	// at once and shows the answer that is not the 201; redisDown stops
	// Redis first.
	before     []call
	concurrent bool
	redisDown  bool
	show       []string // headers and members worth a mention
}

const (
	outcomesBegin = "<!-- idempotency:begin (generated by TestIdempotencyTable; go test ./example_server -run TestIdempotencyTable -update) -->"
	outcomesEnd   = "<!-- idempotency:end -->"
)

func transferCall(key, amount string) call {
	c := call{method: "POST", path: "/transfers", body: `{"from":1,"to":2,"amount":` + amount + `,"currency":"KRW"}`}
	if key != "" {
		c.header = map[string]string{"Idempotency-Key": key}
	}
	return c
}

var outcomes = []outcome{
	{sent: "no `Idempotency-Key`", call: transferCall("", "100")},
	{sent: "`Idempotency-Key: two words` (not a Structured Field String, nor a bare value)", call: transferCall("two words", "100")},
	{sent: "a key of 256 characters", call: transferCall(strings.Repeat("k", 256), "100"), show: []string{"maxLength"}},
	{sent: "a new key", call: transferCall(`"o-1"`, "100")},
	{sent: "the same key and body again, once the first completed", before: []call{transferCall(`"o-2"`, "100")}, call: transferCall(`"o-2"`, "100"), show: []string{"originalRequestId", "completedAt"}},
	{sent: "the same key with another body", before: []call{transferCall(`"o-3"`, "100")}, call: transferCall(`"o-3"`, "200")},
	{sent: "the same key while the first still runs (`-transfer-delay`)", call: transferCall(`"o-4"`, "100"), concurrent: true, show: []string{"Retry-After", "retryAfter"}},
	{sent: "a key whose transfer failed (422 `INSUFFICIENT_FUNDS`), again with an amount that fits", before: []call{transferCall(`"o-5"`, "9000")}, call: transferCall(`"o-5"`, "100")},
	{sent: "any key, with `-redis` and Redis down", call: transferCall(`"o-6"`, "100"), redisDown: true, show: []string{"Retry-After", "retryAfter"}},
}

func renderOutcomes(t *testing.T) string {
	redisSrv := redistest.Start(t)
	base, _ := startServer(t, "-production", "-redis", redisSrv.URL(0), "-transfer-delay", "300ms")
	var b strings.Builder
	b.WriteString(outcomesBegin + "\n\n")
	b.WriteString("| the client sends | status | code | with |\n| --- | --- | --- | --- |\n")
	for _, o := range outcomes {
		for _, c := range o.before {
			c.do(t, base)
		}
		if o.redisDown {
			redisSrv.Stop()
		}
		var r response
		if o.concurrent {
			r = concurrentAnswer(t, tourStep{title: o.sent, call: o.call, concurrent: 2}, base)
		} else {
			r = o.call.do(t, base)
		}
		code := "—"
		var with []string
		if r.status >= 400 {
			p, err := problemtest.CheckBody(r.status, r.header, r.body)
			if err != nil {
				t.Fatalf("%s: %v", o.sent, err)
			}
			code = "`" + p.Code + "`"
			for _, s := range o.show {
				if v := r.header.Get(s); v != "" {
					with = append(with, "`"+s+": "+v+"`")
				} else if v, ok := p.Extensions[s]; ok {
					if _, isString := v.(string); isString {
						v = "…" // request IDs and times differ per run
					}
					with = append(with, fmt.Sprintf("`%s: %v`", s, v))
				}
			}
		} else {
			with = append(with, "the transfer, carried out")
		}
		fmt.Fprintf(&b, "| %s | %d %s | %s | %s |\n", o.sent, r.status, http.StatusText(r.status), code, strings.Join(with, ", "))
	}
	b.WriteString("\n" + outcomesEnd)
	return b.String()
}

// TestIdempotencyTable checks the table in docs/idempotency.md of idempotency
// outcomes against the real server, as TestTour checks the tour.
func TestIdempotencyTable(t *testing.T) {
	got := renderOutcomes(t)
	readme, err := os.ReadFile("../docs/idempotency.md")
	if err != nil {
		t.Fatal(err)
	}
	start, end := bytes.Index(readme, []byte(outcomesBegin)), bytes.Index(readme, []byte(outcomesEnd))
	if start < 0 || end < start {
		t.Fatalf("docs/idempotency.md has no markers %q … %q", outcomesBegin, outcomesEnd)
	}
	if current := string(readme[start : end+len(outcomesEnd)]); current != got {
		if *update {
			out := append(append(append([]byte{}, readme[:start]...), got...), readme[end+len(outcomesEnd):]...)
			if err := os.WriteFile("../docs/idempotency.md", out, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the table in docs/idempotency.md differs from what the server answers; run\n\tgo test ./example_server -run TestIdempotencyTable -update\nfirst difference: %s", firstDifference(current, got))
	}
}
