// Command peers prints the peer table: problemkit, huma v2 on chi, fuego
// and hand-written chi (and bare chi on /healthz) on the same routes, in one
// process, measured round-robin. See ../../README.md.
//
//	go run ./cmd/peers                       # 5 rounds, 200ms per stack per round
//	go run ./cmd/peers -rounds 9 -duration 500ms
//	go run ./cmd/peers -iterations 20000     # a fixed count instead of a time
//	go run ./cmd/peers -cases 404,422 -v     # some cases, with each measurement
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/problemkit/problemkit/bench"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 5, "rounds; the table shows medians over them")
	duration := fs.Duration("duration", 200*time.Millisecond, "time per stack per case per round")
	iterations := fs.Int("iterations", 0, "requests per stack per case per round, instead of -duration")
	warmup := fs.Int("warmup", 2000, "untimed requests per stack per case before the first round")
	cases := fs.String("cases", "", "comma-separated case keys (404, 404_unlogged, 422, 422_unlogged, 200); empty means all")
	verbose := fs.Bool("v", false, "print each measurement to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := bench.NewSuite()
	if err != nil {
		return err
	}
	o := bench.Options{Rounds: *rounds, Duration: *duration, Iterations: *iterations, Warmup: *warmup}
	if *cases != "" {
		o.Cases = strings.Split(*cases, ",")
	}
	if *verbose {
		o.Progress = stderr
	}
	rep, err := s.Run(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s/%s, %d CPUs, GOMAXPROCS %d; %s\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), versions())
	rep.Markdown(stdout)
	return nil
}

// versions names the peers' module versions, from the build info.
func versions() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "module versions unknown"
	}
	want := map[string]string{
		"github.com/danielgtaylor/huma/v2": "huma", "github.com/go-fuego/fuego": "fuego",
		"github.com/go-chi/chi/v5": "chi", "github.com/go-playground/validator/v10": "validator",
	}
	var out []string
	for _, d := range bi.Deps {
		if name, ok := want[d.Path]; ok {
			out = append(out, name+" "+d.Version)
		}
	}
	return strings.Join(out, ", ")
}
