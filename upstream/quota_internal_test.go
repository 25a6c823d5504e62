package upstream

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseQuota(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	tests := []struct {
		name      string
		header    map[string]string
		remaining int64
		reset     time.Duration
		ok        bool
	}{
		{"none", nil, 0, 0, false},
		{"X-RateLimit, seconds", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}, 0, 30 * time.Second, true},
		{"X-RateLimit, Unix time", map[string]string{"X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "1795309383"}, 7, 60 * time.Second, true},
		{"X-RateLimit, Unix time with a fraction", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795309343.5"}, 0, 20 * time.Second, true},
		{"X-RateLimit, Unix time past", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795309000"}, 0, 0, true},
		{"X-RateLimit, remaining only", map[string]string{"X-RateLimit-Remaining": "0"}, 0, 0, false},
		{"X-RateLimit, negative", map[string]string{"X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "30"}, 0, 0, false},
		{"X-RateLimit, garbage", map[string]string{"X-RateLimit-Remaining": "zero", "X-RateLimit-Reset": "30"}, 0, 0, false},
		{"X-RateLimit, seconds below 10⁸", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999999"}, 0, 99999999 * time.Second, true},
		{"X-RateLimit, 16 digits", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999999999"}, 0, 0, false},
		{"RateLimit-Remaining and -Reset", map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "12"}, 0, 12 * time.Second, true},
		{"RateLimit field", map[string]string{"RateLimit": `"default";r=0;t=30`}, 0, 30 * time.Second, true},
		{"RateLimit field, token name, spaces", map[string]string{"RateLimit": `  day;r=5; t=3600 `}, 5, time.Hour, true},
		{"RateLimit field, the scarcest policy", map[string]string{"RateLimit": `"burst";r=5;t=1, "daily";r=0;t=30, "hourly";r=0;t=10`}, 0, 30 * time.Second, true},
		{"RateLimit field, other parameters", map[string]string{"RateLimit": `"p";pk=:AAA=:;r=3;x="a,b";t=9;flag`}, 3, 9 * time.Second, true},
		{"RateLimit field without t", map[string]string{"RateLimit": `"default";r=0`}, 0, 0, false},
		{"RateLimit field, malformed: the older fields count", map[string]string{"RateLimit": `"default;r=0;t=30`, "RateLimit-Remaining": "4", "RateLimit-Reset": "8"}, 4, 8 * time.Second, true},
		{"RateLimit field, trailing comma", map[string]string{"RateLimit": `"a";r=0;t=3,`}, 0, 0, false},
		{"RateLimit field first", map[string]string{"RateLimit": `"a";r=1;t=3`, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"}, 1, 3 * time.Second, true},
		{"RateLimit field too long", map[string]string{"RateLimit": `"a";r=0;t=3` + strings.Repeat(`, "b";r=1;t=1`, 100)}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			r, d, ok := parseQuota(h, now)
			if ok != tt.ok || ok && (r != tt.remaining || d != tt.reset) {
				t.Errorf("parseQuota = %d, %v, %v; want %d, %v, %v", r, d, ok, tt.remaining, tt.reset, tt.ok)
			}
		})
	}
}

// FuzzParseRateLimit: any RateLimit field, however hostile, parses in time
// linear in its bounded length, and what it yields is a count and a reset
// no arithmetic can overflow.
func FuzzParseRateLimit(f *testing.F) {
	for _, s := range []string{
		`"default";r=0;t=30`, `day;r=5;t=3600`, `"burst";r=5;t=1, "daily";r=0;t=30`,
		`"p";pk=:AAA=:;r=3;x="a\"b";t=9;flag`, `"a";r=999999999999999;t=999999999999999`,
		`"unterminated`, `a;r=-1;t=2`, `?1;r=0;t=1`, `,`, `"a";r=0;t=3,`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r, d, ok := parseRateLimit(v)
		if !ok {
			return
		}
		if r < 0 || d < 0 || d > maxSeconds*time.Second {
			t.Errorf("parseRateLimit(%q) = %d, %v", v, r, d)
		}
		if len(v) > maxQuotaHeaderBytes {
			t.Errorf("parsed a value of %d bytes", len(v))
		}
	})
}
