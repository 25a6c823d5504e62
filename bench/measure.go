package bench

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"
)

// discardWriter is the ResponseWriter of every timed request, for every
// stack: it keeps the headers and the status and drops the body, so the
// time is the stack's and not a recorder's.
type discardWriter struct {
	h    http.Header
	code int
}

func newDiscardWriter() *discardWriter { return &discardWriter{h: make(http.Header)} }

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(b), nil
}

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) reset() {
	clear(w.h)
	w.code = 0
}

// Serve runs the request through h n times, as a benchmark loop does, and
// returns the status of the last answer.
func Serve(h http.Handler, q *Request, n int) int {
	w := newDiscardWriter()
	for range n {
		w.reset()
		h.ServeHTTP(w, q.Next())
	}
	return w.code
}

// Options are the knobs of Run.
type Options struct {
	// Rounds is how many times every contender of every case is measured,
	// round-robin; the table shows medians over rounds.
	Rounds int
	// Duration is how long one contender runs in one round, unless
	// Iterations is set.
	Duration time.Duration
	// Iterations, when above zero, runs each contender this many requests
	// per round instead of for Duration.
	Iterations int
	// Warmup is how many requests each contender serves, untimed, before
	// the first round.
	Warmup int
	// Cases are the keys of the cases to run; empty means all.
	Cases []string
	// Progress, when not nil, gets a line per measurement.
	Progress io.Writer
}

// Sample is one contender's measurement in one round.
type Sample struct {
	NsPerOp, AllocsPerOp, BytesPerOp float64
	N                                int
}

// Result holds a contender's samples over the rounds.
type Result struct {
	Case    *Case
	Stack   string
	Samples []Sample
}

// Median returns the median of f over the samples.
func (r *Result) Median(f func(Sample) float64) float64 {
	v := make([]float64, len(r.Samples))
	for i, s := range r.Samples {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Ns, Allocs and Bytes are the medians of a result.
func (r *Result) Ns() float64     { return r.Median(func(s Sample) float64 { return s.NsPerOp }) }
func (r *Result) Allocs() float64 { return r.Median(func(s Sample) float64 { return s.AllocsPerOp }) }
func (r *Result) Bytes() float64  { return r.Median(func(s Sample) float64 { return s.BytesPerOp }) }

// Spread is (max − min) / median of the time per request over the rounds.
func (r *Result) Spread() float64 {
	lo, hi := r.Samples[0].NsPerOp, r.Samples[0].NsPerOp
	for _, s := range r.Samples {
		lo, hi = min(lo, s.NsPerOp), max(hi, s.NsPerOp)
	}
	return (hi - lo) / r.Ns()
}

// Report is the outcome of Run: results by case, in the suite's order.
type Report struct {
	Options Options
	Results []*Result
}

// Run checks every contender's answer, then measures: for each round, for
// each case, every contender in turn (the turn rotates each round, so no
// stack always runs first, after the GC that precedes each measurement).
// Time per request is wall time over the batch; allocations and bytes are
// runtime.MemStats deltas, as testing.B's ReportAllocs counts them. Every
// answer is checked again at the end, after all the timed requests.
func (s *Suite) Run(o Options) (*Report, error) {
	if o.Rounds < 1 {
		o.Rounds = 1
	}
	if o.Duration <= 0 && o.Iterations <= 0 {
		o.Duration = 200 * time.Millisecond
	}
	var cases []*Case
	for _, c := range s.Cases {
		if len(o.Cases) == 0 || slices.Contains(o.Cases, c.Key) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no case matches %v", o.Cases)
	}
	rep := &Report{Options: o}
	results := map[*Case][]*Result{}
	for _, c := range cases {
		for _, ct := range c.Contenders {
			if err := s.Check(c, ct); err != nil {
				return nil, err
			}
			if o.Warmup > 0 {
				Serve(ct.Handler, c.NewRequest(), o.Warmup)
			}
			r := &Result{Case: c, Stack: ct.Stack}
			results[c] = append(results[c], r)
			rep.Results = append(rep.Results, r)
		}
	}
	for round := range o.Rounds {
		for _, c := range cases {
			n := len(c.Contenders)
			for i := range n {
				k := (i + round) % n
				ct := c.Contenders[k]
				smp, code := measure(ct.Handler, c.NewRequest(), o)
				if code != c.Status {
					return nil, fmt.Errorf("%s, %s: status %d while timed, want %d", c.Key, ct.Stack, code, c.Status)
				}
				results[c][k].Samples = append(results[c][k].Samples, smp)
				if o.Progress != nil {
					fmt.Fprintf(o.Progress, "round %d/%d  %-13s %-17s %10s/op %6.1f allocs/op  (%d requests)\n",
						round+1, o.Rounds, c.Key, ct.Stack, formatNs(smp.NsPerOp), smp.AllocsPerOp, smp.N)
				}
			}
		}
	}
	for _, c := range cases {
		for _, ct := range c.Contenders {
			if err := s.Check(c, ct); err != nil {
				return nil, fmt.Errorf("after timing: %w", err)
			}
		}
	}
	return rep, nil
}

// measure serves q through h for o.Duration (checking the clock every
// batch of requests) or o.Iterations requests.
func measure(h http.Handler, q *Request, o Options) (Sample, int) {
	const batch = 64
	w := newDiscardWriter()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	n := 0
	for {
		m := batch
		if o.Iterations > 0 {
			m = min(batch, o.Iterations-n)
		}
		for range m {
			w.reset()
			h.ServeHTTP(w, q.Next())
		}
		n += m
		if o.Iterations > 0 && n >= o.Iterations || o.Iterations <= 0 && time.Since(start) >= o.Duration {
			break
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return Sample{
		NsPerOp:     float64(elapsed.Nanoseconds()) / float64(n),
		AllocsPerOp: float64(after.Mallocs-before.Mallocs) / float64(n),
		BytesPerOp:  float64(after.TotalAlloc-before.TotalAlloc) / float64(n),
		N:           n,
	}, w.code
}

func formatNs(ns float64) string {
	switch {
	case ns < 1000:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 100_000:
		return fmt.Sprintf("%.2f µs", ns/1000)
	default:
		return fmt.Sprintf("%.0f µs", ns/1000)
	}
}

func (rep *Report) find(c *Case, stack string) *Result {
	for _, r := range rep.Results {
		if r.Case == c && r.Stack == stack {
			return r
		}
	}
	return nil
}

// ratio is the median over rounds of a's time over b's in the same round:
// the two ran next to each other, so a load that comes and goes on the
// machine moves both, where a ratio of medians would mix rounds.
func ratio(a, b *Result) string {
	r, ok := ratioOf(a, b)
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.2f×", r)
}

// ratioOf is ratio as a number; false when a or b did not run.
func ratioOf(a, b *Result) (float64, bool) {
	if a == nil || b == nil || len(a.Samples) != len(b.Samples) || len(a.Samples) == 0 {
		return 0, false
	}
	r := &Result{Samples: make([]Sample, len(a.Samples))}
	for i := range a.Samples {
		r.Samples[i].NsPerOp = a.Samples[i].NsPerOp / b.Samples[i].NsPerOp
	}
	return r.Ns(), true
}

// Targets are problemkit's performance targets: its time over a peer's on
// a case, as a ratio within a round, and for some no more allocations than
// the peer.
var Targets = []struct {
	Case, Peer   string
	MaxRatio     float64
	AllocsAtMost bool // no more allocations per request than Peer
}{
	{"404", Huma, 1.0, false},
	{"404_unlogged", Huma, 0.8, false},
	{"422", Huma, 1.5, false},
	{"200", HandChi, 1.0, true},
}

// Markdown writes the table of medians, with problemkit's time over huma's
// and over hand-written chi's (medians of the ratios within each round),
// then the per-stack details.
func (rep *Report) Markdown(w io.Writer) {
	var cases []*Case
	for _, r := range rep.Results {
		if !slices.Contains(cases, r.Case) {
			cases = append(cases, r.Case)
		}
	}
	fmt.Fprintln(w, "| path | problemkit | huma v2 on chi | fuego | hand-written chi | bare chi | problemkit/huma | problemkit/hand-written |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, c := range cases {
		cells := []string{c.Title}
		for _, st := range Stacks {
			if r := rep.find(c, st); r != nil {
				cells = append(cells, fmt.Sprintf("%s (%.0f)", formatNs(r.Ns()), r.Allocs()))
			} else {
				cells = append(cells, "—")
			}
		}
		pk := rep.find(c, Problemkit)
		cells = append(cells, ratio(pk, rep.find(c, Huma)), ratio(pk, rep.find(c, HandChi)))
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	o := rep.Options
	per := o.Duration.String()
	if o.Iterations > 0 {
		per = fmt.Sprintf("%d requests", o.Iterations)
	}
	fmt.Fprintf(w, "\nMedian time per request over %d rounds (%s per stack per round), allocations per request in parentheses;\n", o.Rounds, per)
	fmt.Fprintln(w, "the ratios are medians of the ratios within each round.")
	fmt.Fprintln(w, "On `/healthz`, hand-written chi is chi with its RequestID and Recoverer middleware; bare chi has none.")

	fmt.Fprintln(w, "\n| target | measured | met |")
	fmt.Fprintln(w, "| --- | ---: | --- |")
	for _, t := range Targets {
		var c *Case
		for _, cc := range cases {
			if cc.Key == t.Case {
				c = cc
			}
		}
		if c == nil {
			continue
		}
		pk, peer := rep.find(c, Problemkit), rep.find(c, t.Peer)
		r, ok := ratioOf(pk, peer)
		if !ok {
			continue
		}
		goal := fmt.Sprintf("%s: ≤ %.2f× %s", c.Key, t.MaxRatio, t.Peer)
		got := fmt.Sprintf("%.2f×", r)
		met := r <= t.MaxRatio
		if t.AllocsAtMost {
			goal += ", no more allocations"
			got += fmt.Sprintf(", %.0f / %.0f allocs", pk.Allocs(), peer.Allocs())
			met = met && pk.Allocs() <= peer.Allocs()
		}
		verdict := "yes"
		if !met {
			verdict = fmt.Sprintf("**no** (%+.0f%%)", 100*(r/t.MaxRatio-1))
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", goal, got, verdict)
	}

	fmt.Fprintln(w, "\n| path | stack | median | min | max | spread | allocs/op | B/op |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, c := range cases {
		for _, st := range Stacks {
			r := rep.find(c, st)
			if r == nil {
				continue
			}
			lo, hi := r.Samples[0].NsPerOp, r.Samples[0].NsPerOp
			for _, s := range r.Samples {
				lo, hi = min(lo, s.NsPerOp), max(hi, s.NsPerOp)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f%% | %.1f | %.0f |\n",
				c.Key, st, formatNs(r.Ns()), formatNs(lo), formatNs(hi), 100*r.Spread(), r.Allocs(), r.Bytes())
		}
	}
}
