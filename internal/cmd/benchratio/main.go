// Command benchratio reads `go test -bench -benchmem -count N` output on
// stdin, takes the median ns/op and allocs/op of every benchmark, compares
// each problemkit case with its baseline from the same run, checks the
// performance targets, and prints a Markdown table. It exits 1 when a
// target is missed and -strict is set. scripts/bench runs it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// comparison pairs a case with its baseline; a zero target means "report
// only".
type comparison struct {
	what, ours, base string
	maxTime          float64 // ours/base ns/op at most
	maxExtraAllocs   float64 // ours-base allocs/op at most (when set)
	hasAllocTarget   bool
}

var comparisons = []comparison{
	{what: "happy path (200) vs chi RequestID+Recoverer", ours: "HappyPath/problemkit", base: "HappyPath/chi_RequestID_Recoverer", maxTime: 1.10, maxExtraAllocs: 2, hasAllocTarget: true},
	{what: "happy path (200) vs bare chi", ours: "HappyPath/problemkit", base: "HappyPath/bare_chi"},
	{what: "happy path, parallel, vs chi RequestID+Recoverer", ours: "HappyPathParallel/problemkit", base: "HappyPathParallel/chi_RequestID_Recoverer"},
	{what: "typed error → 404 vs hand-written", ours: "TypedError/problemkit", base: "TypedError/hand_written", maxTime: 2},
	{what: "localized 404, English, vs hand-written", ours: "LocalizedNotFound/en/problemkit", base: "LocalizedNotFound/en/hand_written", maxTime: 2},
	{what: "localized 404, Korean, vs hand-written", ours: "LocalizedNotFound/ko/problemkit", base: "LocalizedNotFound/ko/hand_written", maxTime: 2},
	{what: "422 with 3 fields, Korean, vs hand-written", ours: "ValidationProblem/problemkit", base: "ValidationProblem/hand_written", maxTime: 1.5},
	{what: "422 with 3 fields, Korean, 4xx not logged, vs hand-written", ours: "ValidationProblem/problemkit_4xx_unlogged", base: "ValidationProblem/hand_written"},
	{what: "422 with 3 fields, Korean, parallel, vs hand-written", ours: "ValidationProblemParallel/problemkit", base: "ValidationProblemParallel/hand_written"},
	{what: "panic → 500 vs chi Recoverer", ours: "Panic/problemkit", base: "Panic/chi_Recoverer"},
	{what: "request ID, inbound, vs chi RequestID", ours: "RequestIDPath/problemkit/inbound", base: "RequestIDPath/chi_RequestID/inbound"},
	{what: "request ID, generated, vs chi RequestID", ours: "RequestIDPath/problemkit/generated", base: "RequestIDPath/chi_RequestID/generated"},
	{what: "typed 404 with problemotel vs without (span in context)", ours: "NotFoundOTel/problemotel", base: "NotFoundOTel/without"},
}

var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) B/op\s+([\d.]+) allocs/op)?`)

type samples struct{ ns, allocs []float64 }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func parse(r io.Reader) map[string]*samples {
	out := map[string]*samples{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		s := out[m[1]]
		if s == nil {
			s = &samples{}
			out[m[1]] = s
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		s.ns = append(s.ns, ns)
		if m[4] != "" {
			a, _ := strconv.ParseFloat(m[4], 64)
			s.allocs = append(s.allocs, a)
		}
	}
	return out
}

func main() {
	strict := flag.Bool("strict", false, "exit 1 when a target is missed")
	flag.Parse()
	res := parse(os.Stdin)
	missed := 0
	fmt.Println("| comparison | problemkit | baseline | time ratio | allocs (ours / base) | target | met |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | --- | --- |")
	for _, c := range comparisons {
		o, b := res[c.ours], res[c.base]
		if o == nil || b == nil {
			continue
		}
		on, bn := median(o.ns), median(b.ns)
		oa, ba := median(o.allocs), median(b.allocs)
		ratio := on / bn
		var target []string
		met := "—"
		if c.maxTime > 0 {
			target = append(target, fmt.Sprintf("≤ %.2f×", c.maxTime))
		}
		if c.hasAllocTarget {
			target = append(target, fmt.Sprintf("≤ +%g allocs", c.maxExtraAllocs))
		}
		if len(target) > 0 {
			ok := (c.maxTime == 0 || ratio <= c.maxTime) && (!c.hasAllocTarget || oa-ba <= c.maxExtraAllocs)
			met = "yes"
			if !ok {
				met, missed = "**no**", missed+1
			}
		}
		fmt.Printf("| %s | %s | %s | %.2f× | %g / %g | %s | %s |\n", c.what, dur(on), dur(bn), ratio, oa, ba, strings.Join(target, ", "), met)
	}
	if gen, in := res["RequestIDPath/problemkit/generated"], res["RequestIDPath/problemkit/inbound"]; gen != nil && in != nil {
		fmt.Printf("\nRequest-ID path: %g allocs/op with an inbound ID, %g when generating one (the ID string: %g).\n",
			median(in.allocs), median(gen.allocs), median(gen.allocs)-median(in.allocs))
	}
	fmt.Printf("\n%d of the targets missed. Medians of every run in the input.\n", missed)
	if *strict && missed > 0 {
		os.Exit(1)
	}
}

func dur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
