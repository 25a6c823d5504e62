package locales_test

import (
	"encoding/json"
	"io/fs"
	"maps"
	"slices"
	"testing"

	"github.com/problemkit/problemkit/locales"
)

// TestFiles checks that every shipped file is a flat go-i18n JSON message
// file and that all of them hold the same message IDs, so no language lags
// behind. That each message is right is tested by package i18n.
func TestFiles(t *testing.T) {
	names, err := fs.Glob(locales.FS, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, "en.json") || !slices.Contains(names, "ko.json") {
		t.Fatalf("files = %v, want en.json and ko.json at least", names)
	}
	var want []string
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			buf, err := fs.ReadFile(locales.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			var msgs map[string]any
			if err := json.Unmarshal(buf, &msgs); err != nil {
				t.Fatalf("not a JSON object: %v", err)
			}
			for id, v := range msgs {
				switch v := v.(type) {
				case string:
					if v == "" {
						t.Errorf("%s is empty", id)
					}
				case map[string]any:
					if _, ok := v["other"]; !ok {
						t.Errorf("%s has no plural form other", id)
					}
					for form, s := range v {
						if !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, form) {
							t.Errorf("%s has unknown plural form %q", id, form)
						}
						if s, ok := s.(string); !ok || s == "" {
							t.Errorf("%s.%s is not a non-empty string", id, form)
						}
					}
				default:
					t.Errorf("%s is a %T, want a string or plural forms", id, v)
				}
			}
			ids := slices.Sorted(maps.Keys(msgs))
			if want == nil {
				want = ids
			} else if !slices.Equal(ids, want) {
				t.Errorf("message IDs differ from %s's", names[0])
			}
		})
	}
}
