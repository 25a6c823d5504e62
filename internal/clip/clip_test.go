package clip_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/problemkit/problemkit/internal/clip"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"short kept", "abc", 5, "abc"},
		{"exact kept", "abcde", 5, "abcde"},
		{"long cut and marked", "abcdefgh", 6, "abc…"},
		{"never splits a rune", "가나다라", 8, "가…"},
		{"empty", "", 0, ""},
		{"room only for the marker", "abcdef", 3, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip.String(tt.s, tt.n); got != tt.want {
				t.Errorf("String(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}

func TestURI(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"short kept", "/a%20b", 10, "/a%20b"},
		{"cut and marked", "/abcdefghijkl", 12, "/ab%E2%80%A6"},
		{"never splits an escape", "/a%20%20%20%20", 12, "/a%E2%80%A6"},
		{"an escape the cut would split is dropped", "/ab%20cdefghijklm", 14, "/ab%E2%80%A6"},
		{"an escape just before the cut is kept", "/ab%20cdefghijklm", 15, "/ab%20%E2%80%A6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip.URI(tt.s, tt.n); got != tt.want {
				t.Errorf("URI(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}

// escapedSizes returns the size of s as slog's text and JSON handlers
// write it, as a value.
func escapedSizes(s string) (text, js int) {
	var tb, jb bytes.Buffer
	slog.New(slog.NewTextHandler(&tb, &slog.HandlerOptions{ReplaceAttr: dropBuiltins})).Info("", "v", s)
	slog.New(slog.NewJSONHandler(&jb, &slog.HandlerOptions{ReplaceAttr: dropBuiltins})).Info("", "v", s)
	// Minus `msg="" v=` … "\n" and `{"msg":"","v":` … "}\n".
	return tb.Len() - len(`msg="" v=`) - 1, jb.Len() - len(`{"msg":"","v":}`) - 1
}

func dropBuiltins(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
		return slog.Attr{}
	}
	return a
}

func TestLog(t *testing.T) {
	tests := []struct {
		name string
		s    string
	}{
		{"plain", strings.Repeat("a", 5000)},
		{"quotes", strings.Repeat(`"`, 5000)},
		{"newlines", strings.Repeat("\n", 5000)},
		{"controls", strings.Repeat("\x00\x1b", 2500)},
		{"invalid UTF-8", strings.Repeat("\xff", 5000)},
		{"Korean", strings.Repeat("가", 2000)},
		{"line separators", strings.Repeat("\u2028", 2000)},
		{"mixed", strings.Repeat("a\"\n\xff가\u2028\U0001F600", 500)},
	}
	const n = 1024
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip.Log(tt.s, n)
			if !strings.HasSuffix(got, clip.Marker) || !strings.HasPrefix(tt.s, strings.TrimSuffix(got, clip.Marker)) {
				t.Fatalf("Log(%d bytes) = %q, not a marked prefix", len(tt.s), got)
			}
			text, js := escapedSizes(got)
			if text > n+2 || js > n+2 { // +2: the quotes around the value
				t.Errorf("escaped sizes: text %d, JSON %d; want at most %d", text, js, n+2)
			}
		})
	}
	if got := clip.Log("short \"one\"\n", n); got != "short \"one\"\n" {
		t.Errorf("a short value was changed: %q", got)
	}
}

// FuzzClip: each function returns s itself when it fits, otherwise a marked
// prefix of s within the bound, never a split rune of valid UTF-8.
func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "abc", "가나다라마바사", "/a%20b%20c", "\xff\x00\"\\", strings.Repeat("x", 300)} {
		f.Add(s, 16)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = 10 + n&0x3ff
		check := func(name, got, marker string, size int) {
			if got == s {
				return
			}
			prefix, ok := strings.CutSuffix(got, marker)
			if !ok || !strings.HasPrefix(s, prefix) {
				t.Fatalf("%s(%q, %d) = %q: not s, not a marked prefix", name, s, n, got)
			}
			if size > n {
				t.Fatalf("%s(%q, %d) = %q: %d bytes, over the bound", name, s, n, got, size)
			}
			if utf8.ValidString(s) && !utf8.ValidString(got) {
				t.Fatalf("%s(%q, %d) = %q split a rune", name, s, n, got)
			}
		}
		got := clip.String(s, n)
		check("String", got, clip.Marker, len(got))
		got = clip.URI(s, n)
		check("URI", got, "%E2%80%A6", len(got))
		got = clip.Log(s, n)
		text, js := escapedSizes(got)
		check("Log", got, clip.Marker, max(text, js)-2)
		if len(s) <= n && clip.String(s, n) != s {
			t.Fatalf("String cut a string that fits")
		}
	})
}
