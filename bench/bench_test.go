package bench

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// The same cases as ./cmd/peers, as Go benchmarks, each stack beside
// problemkit:
//
//	go test -run '^$' -bench . -benchmem
//	go test -run '^$' -bench 'Validation$/problemkit' -cpuprofile cpu.prof
//
// cmd/peers interleaves the stacks round by round; -count N here runs each
// sub-benchmark N times in a row, so compare medians of several counts.

var suite = sync.OnceValues(NewSuite)

func getSuite(tb testing.TB) *Suite {
	tb.Helper()
	s, err := suite()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// slug is a stack's name in a benchmark name.
var slug = map[string]string{
	Problemkit: "problemkit", Huma: "huma", Fuego: "fuego", HandChi: "hand_written_chi", BareChi: "bare_chi",
}

func benchCase(b *testing.B, key string) {
	s := getSuite(b)
	for _, c := range s.Cases {
		if c.Key != key {
			continue
		}
		for _, ct := range c.Contenders {
			b.Run(slug[ct.Stack], func(b *testing.B) {
				if err := s.Check(c, ct); err != nil {
					b.Fatal(err)
				}
				q := c.NewRequest()
				w := newDiscardWriter()
				b.ReportAllocs()
				for b.Loop() {
					w.reset()
					ct.Handler.ServeHTTP(w, q.Next())
				}
				if w.code != c.Status {
					b.Fatalf("status %d, want %d", w.code, c.Status)
				}
			})
		}
		return
	}
	b.Fatalf("no case %q", key)
}

// BenchmarkNotFound: GET /users/42, a typed 404 problem with a userId
// member and one slog JSON record.
func BenchmarkNotFound(b *testing.B) { benchCase(b, "404") }

// BenchmarkNotFoundUnlogged: the same 404, 4xx not logged.
func BenchmarkNotFoundUnlogged(b *testing.B) { benchCase(b, "404_unlogged") }

// BenchmarkValidation: POST /users with three broken rules, a 422 problem
// with three entries in errors and one slog JSON record.
func BenchmarkValidation(b *testing.B) { benchCase(b, "422") }

// BenchmarkValidationUnlogged: the same 422, 4xx not logged.
func BenchmarkValidationUnlogged(b *testing.B) { benchCase(b, "422_unlogged") }

// BenchmarkHealthz: GET /healthz, a 200 through each stack's middleware.
func BenchmarkHealthz(b *testing.B) { benchCase(b, "200") }

func TestEveryStackAnswersAsAsked(t *testing.T) {
	if err := getSuite(t).CheckAll(); err != nil {
		t.Fatal(err)
	}
}

// TestCheckRefusesLess: a stack that answers with less than the case asks
// (plain text, no log record, two records) fails the check.
func TestCheckRefusesLess(t *testing.T) {
	s := getSuite(t)
	var notFound, validation *Case
	for _, c := range s.Cases {
		switch c.Key {
		case "404":
			notFound = c
		case "422_unlogged":
			validation = c
		}
	}
	var hand http.Handler
	for _, ct := range notFound.Contenders {
		if ct.Stack == HandChi {
			hand = ct.Handler
		}
	}
	for name, c := range map[string]struct {
		c *Case
		h http.Handler
	}{
		"plain 404": {notFound, http.NotFoundHandler()},
		"no record": {notFound, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			newHandChi(nil).ServeHTTP(w, r)
		})},
		"two records": {notFound, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hand.ServeHTTP(w, r)
			s.Logs.Write([]byte("{}\n"))
		})},
		"slog.Default": {notFound, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hand.ServeHTTP(w, r)
			s.Stray.Write([]byte("{}\n"))
		})},
		"405 for a 422": {validation, newBareChi()},
	} {
		if err := s.Check(c.c, Contender{Stack: name, Handler: c.h}); err == nil {
			t.Errorf("%s: the check passed", name)
		}
	}
}

func TestRunPrintsTheTable(t *testing.T) {
	rep, err := getSuite(t).Run(Options{Rounds: 2, Iterations: 20})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Markdown(&out)
	for _, want := range []string{"| path | problemkit | huma v2 on chi | fuego | hand-written chi |", "`POST /users` → 422", "`GET /healthz` → 200"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}
