package upstream

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoffStaysWithinLongestWait(t *testing.T) {
	p := newRetryPolicy(RetryOptions{WaitMin: 100 * time.Millisecond, WaitMax: time.Second})
	withRA := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"3"}}}
	tests := []struct {
		name string
		n    int
		resp *http.Response
		want time.Duration // longest wait
	}{
		{"first", 0, nil, 100 * time.Millisecond},
		{"doubles", 2, nil, 400 * time.Millisecond},
		{"capped", 4, nil, time.Second},
		{"huge n does not overflow", 200, nil, time.Second},
		{"no Retry-After", 1, &http.Response{StatusCode: 502, Header: http.Header{}}, 200 * time.Millisecond},
		{"Retry-After beyond WaitMax", 0, withRA, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.longestWait(tt.n, tt.resp); got != tt.want {
				t.Fatalf("longestWait = %v, want %v", got, tt.want)
			}
			for range 200 {
				if d := p.backoff(0, 0, tt.n, tt.resp); d < 0 || d > tt.want {
					t.Fatalf("backoff = %v, outside [0, %v]", d, tt.want)
				}
			}
		})
	}
}

func TestAdviseRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		ra         time.Duration
		present    bool
		def, limit time.Duration
		want       time.Duration
	}{
		{"absent", 0, false, 0, 0, DefaultRetryAfter},
		{"absent, own default", 0, false, 10 * time.Second, 0, 10 * time.Second},
		{"zero is one second", 0, true, 0, 0, time.Second},
		{"rounded up", 2100 * time.Millisecond, true, 0, 0, 3 * time.Second},
		{"clamped", time.Hour, true, 0, 0, DefaultMaxRetryAfter},
		{"own limit", time.Hour, true, 0, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := adviseRetryAfter(tt.ra, tt.present, tt.def, tt.limit); got != tt.want {
				t.Errorf("adviseRetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
