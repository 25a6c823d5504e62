package upstream

import (
	"slices"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

// TestFeatureCoversEveryKind fails when a Kind is added without its code in
// Feature, which the OpenAPI documents of the operations that call
// upstreams, and the translations, are built from.
func TestFeatureCoversEveryKind(t *testing.T) {
	for k := Kind(1); int(k) < len(kindNames); k++ {
		c := k.Code()
		if got := slices.Contains(Feature.Codes, c); got != (k != Canceled) {
			t.Errorf("kind %s: its code %s in Feature.Codes = %v", k, c.Code, got)
		}
	}
	if slices.Contains(Feature.Codes, problem.ClientClosedRequest) {
		t.Error("Feature lists CLIENT_CLOSED_REQUEST, a built-in code every operation may answer")
	}
	if err := problem.NewCatalog("").Include(Feature); err != nil {
		t.Errorf("Include(Feature): %v", err)
	}
}
