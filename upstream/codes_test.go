package upstream

import (
	"slices"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

// TestCodesCoverEveryKind fails when a Kind is added without its code in
// Codes, which the OpenAPI documents of the operations that call upstreams
// are built from.
func TestCodesCoverEveryKind(t *testing.T) {
	for k := Kind(1); int(k) < len(kindNames); k++ {
		c := k.code()
		if got := slices.Contains(Codes(), c); got != (k != Canceled) {
			t.Errorf("kind %s: its code %s in Codes() = %v", k, c.Code, got)
		}
	}
	if slices.Contains(Codes(), problem.ClientClosedRequest) {
		t.Error("Codes lists CLIENT_CLOSED_REQUEST, the default response of every operation")
	}
}
