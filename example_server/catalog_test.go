package main

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/validation"
)

// TestDemoCodesDocumented fails when a demo code is added without its
// docs, or without its messages in every language the demo ships.
func TestDemoCodesDocumented(t *testing.T) {
	catalog, err := newCatalog("http://localhost:8080/problems/")
	if err != nil {
		t.Fatal(err)
	}
	if err := problemdocs.Lint(catalog); err != nil {
		t.Error(err)
	}
	for _, lang := range []string{"en", "ko"} {
		raw, err := os.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(raw, &msgs); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		for _, c := range appCodes() {
			desc, when, action := c.DocMessages()
			ids := []string{c.TitleMessage().ID, c.DetailMessage(nil).ID, desc.ID, when.ID, action.ID}
			for _, m := range c.Members {
				ids = append(ids, c.MemberMessage(m).ID)
			}
			for _, id := range ids {
				if _, ok := msgs[id]; !ok {
					t.Errorf("%s.json lacks %s", lang, id)
				}
			}
		}
	}
}

// TestDemoMessagesCheck runs the catalog check the library offers
// applications over the demo's own message files.
func TestDemoMessagesCheck(t *testing.T) {
	catalog, err := newCatalog("http://localhost:8080/problems/")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := newBundle(catalog)
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.Check(catalog, slices.Concat(validation.Messages(), problemdocs.Messages())); err != nil {
		t.Errorf("the demo's message files:\n%v", err)
	}
}
