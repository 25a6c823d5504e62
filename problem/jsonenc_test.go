package problem

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAppendString checks the hand-written JSON string encoder against
// encoding/json with HTML escaping off, byte for byte.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " backslash \ slash /`, "ctl \x00\x01\x1f\x7f", "\n\r\t",
		"사용자 이름은 필수입니다.", "line\u2028sep\u2029para", "bad \xff\xfe utf8", "\xe2\x80", "\xe2\x80\xa8\xe2", "<b>&amp;</b>", "🎉"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		appendString(&got, s)
		if !bytes.Equal(got.Bytes(), bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("appendString(%q) = %s, encoding/json gives %s", s, got.Bytes(), want.Bytes())
		}
	})
}
