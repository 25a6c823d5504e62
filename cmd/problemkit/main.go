package main

import (
	"fmt"
	"io"
	"os"

	"github.com/problemkit/problemkit/problemdocs"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: problemkit compat OLD.json NEW.json

compat lists every change between two catalog snapshots (docs/catalog.json,
written by go generate) and exits 1 when one of them breaks clients.
`

// run runs the command and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "compat" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if len(args) != 3 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	before, err := readSnapshot(args[1])
	if err != nil {
		fmt.Fprintln(stderr, "problemkit compat:", err)
		return 2
	}
	after, err := readSnapshot(args[2])
	if err != nil {
		fmt.Fprintln(stderr, "problemkit compat:", err)
		return 2
	}
	return compat(before, after, args[1], args[2], stdout)
}

func readSnapshot(name string) (problemdocs.Snapshot, error) {
	f, err := os.Open(name)
	if err != nil {
		return problemdocs.Snapshot{}, err
	}
	defer f.Close()
	s, err := problemdocs.ReadSnapshot(f)
	if err != nil {
		return s, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// compat prints the changes, breaking ones first, and returns 1 when one
// breaks clients.
func compat(before, after problemdocs.Snapshot, oldName, newName string, w io.Writer) int {
	changes := problemdocs.Compare(before, after)
	breaking, added := 0, 0
	for _, breakingPass := range []bool{true, false} {
		for _, c := range changes {
			if c.Breaking == breakingPass {
				fmt.Fprintln(w, c)
			}
		}
	}
	for _, c := range changes {
		if c.Breaking {
			breaking++
		} else {
			added++
		}
	}
	fmt.Fprintf(w, "problemkit compat: %s → %s: %s, %s\n", oldName, newName, plural(breaking, "breaking change"), plural(added, "addition"))
	if breaking > 0 {
		return 1
	}
	return 0
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
