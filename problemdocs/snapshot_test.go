package problemdocs_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/problemdocs"
)

// baseSnapshot is a catalog's snapshot to change in the tests.
func baseSnapshot() problemdocs.Snapshot {
	return problemdocs.Snapshot{Format: problemdocs.SnapshotFormat, Codes: []problemdocs.SnapshotCode{
		{Code: "RATE_LIMITED", Status: 429, Type: "https://api.example.com/problems/rate-limited",
			Members: []problemdocs.SnapshotMember{{Name: "retryAfter", Type: "integer"}}, Headers: []string{"Retry-After"}},
		{Code: "USER_NOT_FOUND", Status: 404, Type: "https://api.example.com/problems/user-not-found",
			Members: []problemdocs.SnapshotMember{{Name: "userId", Type: "integer"}}},
	}}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		change func(*problemdocs.Snapshot)
		want   []string
	}{
		{"nothing", func(*problemdocs.Snapshot) {}, nil},
		{"code removed", func(s *problemdocs.Snapshot) { s.Codes = s.Codes[:1] },
			[]string{"BREAKING USER_NOT_FOUND: code removed (was 404 https://api.example.com/problems/user-not-found)"}},
		{"status changed", func(s *problemdocs.Snapshot) { s.Codes[1].Status = 410 },
			[]string{"BREAKING USER_NOT_FOUND: status 404 → 410"}},
		{"type URI changed", func(s *problemdocs.Snapshot) { s.Codes[1].Type = "https://api.example.com/errors/user-not-found" },
			[]string{"BREAKING USER_NOT_FOUND: type URI https://api.example.com/problems/user-not-found → https://api.example.com/errors/user-not-found"}},
		{"member removed", func(s *problemdocs.Snapshot) { s.Codes[1].Members = nil },
			[]string{"BREAKING USER_NOT_FOUND: member userId (integer) removed"}},
		{"member retyped", func(s *problemdocs.Snapshot) { s.Codes[1].Members[0].Type = "string" },
			[]string{"BREAKING USER_NOT_FOUND: member userId retyped integer → string"}},
		{"header removed", func(s *problemdocs.Snapshot) { s.Codes[0].Headers = nil },
			[]string{"BREAKING RATE_LIMITED: header Retry-After removed"}},
		{"code added", func(s *problemdocs.Snapshot) {
			s.Codes = append(s.Codes, problemdocs.SnapshotCode{Code: "ORDER_LOCKED", Status: 409, Type: "https://api.example.com/problems/order-locked"})
		}, []string{"added    ORDER_LOCKED: code added (409 https://api.example.com/problems/order-locked)"}},
		{"member added", func(s *problemdocs.Snapshot) {
			s.Codes[1].Members = append(s.Codes[1].Members, problemdocs.SnapshotMember{Name: "tenant", Type: "string"})
		}, []string{"added    USER_NOT_FOUND: member tenant (string) added"}},
		{"header added", func(s *problemdocs.Snapshot) { s.Codes[1].Headers = []string{"Retry-After"} },
			[]string{"added    USER_NOT_FOUND: header Retry-After added"}},
		{"header case is not a change", func(s *problemdocs.Snapshot) { s.Codes[0].Headers = []string{"retry-after"} }, nil},
		{"several, breaking ones of a code first", func(s *problemdocs.Snapshot) {
			s.Codes[1].Members = []problemdocs.SnapshotMember{{Name: "id", Type: "integer"}}
			s.Codes[1].Status = 410
			s.Codes[0].Members = nil
		}, []string{
			"BREAKING RATE_LIMITED: member retryAfter (integer) removed",
			"BREAKING USER_NOT_FOUND: status 404 → 410",
			"BREAKING USER_NOT_FOUND: member userId (integer) removed",
			"added    USER_NOT_FOUND: member id (integer) added",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := baseSnapshot()
			tt.change(&after)
			var got []string
			for _, c := range problemdocs.Compare(baseSnapshot(), after) {
				if c.Breaking != strings.HasPrefix(c.String(), "BREAKING") {
					t.Errorf("%q: Breaking = %v", c, c.Breaking)
				}
				got = append(got, c.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := problemdocs.WriteSnapshot(&b, testCatalog()); err != nil {
		t.Fatal(err)
	}
	s, err := problemdocs.ReadSnapshot(&b)
	if err != nil {
		t.Fatal(err)
	}
	if changes := problemdocs.Compare(problemdocs.NewSnapshot(testCatalog()), s); len(changes) != 0 {
		t.Errorf("a snapshot read back differs: %v", changes)
	}
	var funds problemdocs.SnapshotCode
	for _, c := range s.Codes {
		if c.Code == "INSUFFICIENT_FUNDS" {
			funds = c
		}
	}
	want := problemdocs.SnapshotCode{Code: "INSUFFICIENT_FUNDS", Status: 422, Type: "https://api.example.com/problems/insufficient-funds",
		Members: []problemdocs.SnapshotMember{{Name: "availableBalance", Type: "integer"}, {Name: "currency", Type: "string"}, {Name: "requiredAmount", Type: "integer"}}}
	if fmt.Sprint(funds) != fmt.Sprint(want) {
		t.Errorf("INSUFFICIENT_FUNDS = %+v, want %+v", funds, want)
	}
	if len(s.Codes) != len(testCatalog().Codes()) || !slices.IsSortedFunc(s.Codes, func(a, b problemdocs.SnapshotCode) int { return strings.Compare(a.Code, b.Code) }) {
		t.Errorf("%d codes, sorted %v", len(s.Codes), s.Codes)
	}
}

func TestReadSnapshotRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not JSON", `{`, "not a catalog snapshot"},
		{"another format", `{"format": 2, "codes": []}`, "snapshot format 2: this problemkit reads format 1"},
		{"no format", `{"codes": []}`, "snapshot format 0"},
		{"a code twice", `{"format": 1, "codes": [{"code": "A"}, {"code": "A"}]}`, `lists code "A" twice`},
		{"too large", `{"format": 1, "codes": [` + strings.Repeat(" ", 16<<20) + `]}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := problemdocs.ReadSnapshot(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
