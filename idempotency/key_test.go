package idempotency_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/idempotency"
)

func TestParseKey(t *testing.T) {
	long := strings.Repeat("k", idempotency.MaxKeyLength)
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"sf-string", `"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"bare", "8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"bare, Stripe style", "KG5LxwFBepaKHyUD", "KG5LxwFBepaKHyUD", true},
		{"spaces around", " \t\"a\" ", "a", true},
		{"spaces inside a string", `"a b"`, "a b", true},
		{"escapes", `"a\"b\\c"`, `a"b\c`, true},
		{"255 characters", long, long, true},
		{"255 characters, quoted", `"` + long + `"`, long, true},
		{"256 characters", long + "k", "", false},
		{"256 characters, quoted", `"` + long + `k"`, "", false},
		{"255 escaped characters", `"` + strings.Repeat(`\\`, 255) + `"`, strings.Repeat(`\`, 255), true},
		{"empty", "", "", false},
		{"empty string", `""`, "", false},
		{"spaces only", "   ", "", false},
		{"unterminated", `"abc`, "", false},
		{"data after the string", `"a"b`, "", false},
		{"parameters", `"a";p=1`, "", false},
		{"a list", `"a", "b"`, "", false},
		{"bad escape", `"a\nb"`, "", false},
		{"control byte", "\"a\x01\"", "", false},
		{"non-ASCII", `"café"`, "", false},
		{"bare with a space", "a b", "", false},
		{"bare with a quote", `a"b`, "", false},
		{"bare with a comma", "a,b", "", false},
		{"huge", strings.Repeat("x", 1<<20), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := idempotency.ParseKey(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseKey(%.40q) = %.40q, %v; want %.40q, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && (!errors.Is(err, idempotency.ErrInvalidKey) || len(tt.in) > 3 && strings.Contains(err.Error(), tt.in)) {
				t.Errorf("error %q: want an ErrInvalidKey that does not quote the value", err)
			}
		})
	}
}

// FuzzParseKey: whatever the header holds, a key comes back only when it
// is 1–255 bytes of printable ASCII, and FormatKey gives it back.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, "KG5LxwFBepaKHyUD", `"a\"b\\c"`, `"a";p=1`, `"`, `\`, " ", "\xff", `"` + strings.Repeat("k", 255) + `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key, err := idempotency.ParseKey(in)
		if err != nil {
			if key != "" || !errors.Is(err, idempotency.ErrInvalidKey) {
				t.Fatalf("ParseKey(%q) = %q, %v", in, key, err)
			}
			return
		}
		if key == "" || len(key) > idempotency.MaxKeyLength {
			t.Fatalf("ParseKey(%q) = %q: %d bytes", in, key, len(key))
		}
		for i := 0; i < len(key); i++ {
			if key[i] < ' ' || key[i] > '~' {
				t.Fatalf("ParseKey(%q) = %q: byte %d is not printable ASCII", in, key, i)
			}
		}
		if again, err := idempotency.ParseKey(idempotency.FormatKey(key)); err != nil || again != key {
			t.Fatalf("ParseKey(FormatKey(%q)) = %q, %v", key, again, err)
		}
	})
}
