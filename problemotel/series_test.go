package problemotel

import (
	"testing"

	"go.opentelemetry.io/otel/metric"
)

// TestSeriesCacheBound: the cache of attribute sets never holds more than
// maxSeries entries, and answers past it all the same.
func TestSeriesCacheBound(t *testing.T) {
	var c seriesCache
	for i := range 3 * maxSeries {
		k := series{errorType: "INTERNAL_ERROR", method: "GET", status: i, route: "/x"}
		set := metric.NewAddConfig([]metric.AddOption{c.option(k)}).Attributes()
		if v, ok := set.Value("http.response.status_code"); (i == 0) == ok || ok && v.AsInt64() != int64(i) {
			t.Fatalf("series %d: attributes %v", i, set.ToSlice())
		}
	}
	if len(c.sets) != maxSeries {
		t.Errorf("the cache holds %d sets, want %d", len(c.sets), maxSeries)
	}
}
