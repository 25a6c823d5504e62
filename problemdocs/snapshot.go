package problemdocs

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/problemkit/problemkit/problem"
)

// SnapshotFormat is the version of the snapshot format WriteSnapshot
// writes and ReadSnapshot reads.
const SnapshotFormat = 1

// Snapshot is the machine-readable contract of a catalog: what clients
// may rely on, and nothing they may not (no titles or texts, which are
// localized and may change). Commit one (WriteFiles writes catalog.json)
// and Compare it with the next to find the changes that break clients.
type Snapshot struct {
	// Generated says the file is generated; it is not compared.
	Generated string `json:"x-generated,omitempty"`
	// Format is SnapshotFormat.
	Format int `json:"format"`
	// Codes are the catalog's codes, ordered by code.
	Codes []SnapshotCode `json:"codes"`
}

// SnapshotCode is one code of a Snapshot.
type SnapshotCode struct {
	// Code is the stable application code.
	Code string `json:"code"`
	// Status is its HTTP status.
	Status int `json:"status"`
	// Type is its resolved type URI.
	Type string `json:"type"`
	// Members are its documented extension members, ordered by name.
	Members []SnapshotMember `json:"members,omitempty"`
	// Headers are the response headers its problems carry, ordered.
	Headers []string `json:"headers,omitempty"`
}

// SnapshotMember is one extension member of a SnapshotCode.
type SnapshotMember struct {
	// Name is the JSON member name.
	Name string `json:"name"`
	// Type is its JSON type.
	Type string `json:"type"`
}

// NewSnapshot returns the snapshot of a catalog.
func NewSnapshot(cat *problem.Catalog) Snapshot {
	s := Snapshot{Generated: Generated, Format: SnapshotFormat, Codes: []SnapshotCode{}}
	for _, c := range cat.Codes() {
		sc := SnapshotCode{Code: c.Code, Status: c.Status, Type: cat.TypeURI(c), Headers: slices.Sorted(slices.Values(c.Headers))}
		for _, m := range c.Members {
			sc.Members = append(sc.Members, SnapshotMember{Name: m.Name, Type: m.Type})
		}
		slices.SortFunc(sc.Members, func(a, b SnapshotMember) int { return cmp.Compare(a.Name, b.Name) })
		s.Codes = append(s.Codes, sc)
	}
	slices.SortFunc(s.Codes, func(a, b SnapshotCode) int { return cmp.Compare(a.Code, b.Code) })
	return s
}

// WriteSnapshot writes the catalog's snapshot as indented JSON.
func WriteSnapshot(w io.Writer, cat *problem.Catalog) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(NewSnapshot(cat))
}

// maxSnapshotBytes bounds what ReadSnapshot reads: a catalog of thousands
// of codes fits well below it.
const maxSnapshotBytes = 16 << 20

// ReadSnapshot reads a snapshot that WriteSnapshot wrote, of at most
// 16 MiB. It fails on a format it does not know and on a code listed
// twice.
func ReadSnapshot(r io.Reader) (Snapshot, error) {
	var s Snapshot
	data, err := io.ReadAll(io.LimitReader(r, maxSnapshotBytes+1))
	if err != nil {
		return s, err
	}
	if len(data) > maxSnapshotBytes {
		return s, fmt.Errorf("snapshot larger than %d bytes", maxSnapshotBytes)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("not a catalog snapshot: %w", err)
	}
	if s.Format != SnapshotFormat {
		return s, fmt.Errorf("snapshot format %d: this problemkit reads format %d", s.Format, SnapshotFormat)
	}
	seen := map[string]bool{}
	for _, c := range s.Codes {
		if c.Code == "" || seen[c.Code] {
			return s, fmt.Errorf("snapshot lists code %q twice, or without a name", c.Code)
		}
		seen[c.Code] = true
	}
	return s, nil
}

// Change is one difference between two snapshots of a catalog.
type Change struct {
	// Code is the code that changed.
	Code string
	// Breaking reports whether clients written against the old catalog
	// may break: a code removed, its status or type URI changed, a member
	// removed or of another type, a header removed. Additions are not.
	Breaking bool
	// What says what changed, such as "status 404 → 410".
	What string
}

// String returns the change as one line: "BREAKING USER_NOT_FOUND: status
// 404 → 410" or "added    NEW_CODE: code added (409 …)".
func (c Change) String() string {
	kind := "added   "
	if c.Breaking {
		kind = "BREAKING"
	}
	return kind + " " + c.Code + ": " + c.What
}

// Compare returns the changes from before to after, breaking or not, ordered by
// code, breaking changes of a code first.
func Compare(before, after Snapshot) []Change {
	var out []Change
	byCode := map[string]SnapshotCode{}
	for _, c := range after.Codes {
		byCode[c.Code] = c
	}
	oldCodes := map[string]bool{}
	for _, o := range before.Codes {
		oldCodes[o.Code] = true
		n, ok := byCode[o.Code]
		if !ok {
			out = append(out, Change{o.Code, true, fmt.Sprintf("code removed (was %d %s)", o.Status, o.Type)})
			continue
		}
		out = append(out, compareCode(o, n)...)
	}
	for _, n := range after.Codes {
		if !oldCodes[n.Code] {
			out = append(out, Change{n.Code, false, fmt.Sprintf("code added (%d %s)", n.Status, n.Type)})
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		if c := strings.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		if a.Breaking != b.Breaking {
			if a.Breaking {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}

func compareCode(o, n SnapshotCode) []Change {
	var out []Change
	if o.Status != n.Status {
		out = append(out, Change{o.Code, true, fmt.Sprintf("status %d → %d", o.Status, n.Status)})
	}
	if o.Type != n.Type {
		out = append(out, Change{o.Code, true, fmt.Sprintf("type URI %s → %s", o.Type, n.Type)})
	}
	members := map[string]string{}
	for _, m := range n.Members {
		members[m.Name] = m.Type
	}
	had := map[string]bool{}
	for _, m := range o.Members {
		had[m.Name] = true
		t, ok := members[m.Name]
		switch {
		case !ok:
			out = append(out, Change{o.Code, true, fmt.Sprintf("member %s (%s) removed", m.Name, m.Type)})
		case t != m.Type:
			out = append(out, Change{o.Code, true, fmt.Sprintf("member %s retyped %s → %s", m.Name, m.Type, t)})
		}
	}
	for _, m := range n.Members {
		if !had[m.Name] {
			out = append(out, Change{o.Code, false, fmt.Sprintf("member %s (%s) added", m.Name, m.Type)})
		}
	}
	for _, h := range o.Headers {
		if !hasHeader(n.Headers, h) {
			out = append(out, Change{o.Code, true, fmt.Sprintf("header %s removed", h)})
		}
	}
	for _, h := range n.Headers {
		if !hasHeader(o.Headers, h) {
			out = append(out, Change{o.Code, false, fmt.Sprintf("header %s added", h)})
		}
	}
	return out
}

// hasHeader reports whether names holds name, header names being case
// insensitive.
func hasHeader(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}
