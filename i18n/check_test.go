package i18n_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
)

var orderNotFound = &problem.Code{
	Code: "ORDER_NOT_FOUND", Status: 404,
	Title: "Order not found", Detail: "No order has the ID {{.orderId}}.",
	Description: "d", When: "w", Action: "a",
	Members: []problem.Member{{Name: "orderId", Type: "string", Description: "The order.", Example: "o-1"}},
}

// builtinMessages are the messages problemkit itself produces beside its
// codes'.
func builtinMessages() []problem.Message {
	return problemdocs.Messages()
}

func TestCheckFindsEachMistake(t *testing.T) {
	good := `{"ORDER_NOT_FOUND.title": "주문 없음", "ORDER_NOT_FOUND.detail": "ID가 {{.orderId}}인 주문이 없습니다.", "field.orderId": "주문 ID"}`
	goodEn := `{"ORDER_NOT_FOUND.title": "Order not found", "ORDER_NOT_FOUND.detail": "No order has the ID {{.orderId}}."}`
	noExample := *orderNotFound
	noExample.Members = []problem.Member{{Name: "orderId", Type: "string", Description: "The order."}}
	tests := []struct {
		name  string
		files fstest.MapFS
		code  *problem.Code
		want  []string // one substring per expected error; none means clean
	}{
		{"clean", fstest.MapFS{"ko.json": {Data: []byte(good)}, "en.json": {Data: []byte(goodEn)}}, orderNotFound, nil},
		{"a misspelled ID", fstest.MapFS{"ko.json": {Data: []byte(strings.Replace(good, `"ORDER_NOT_FOUND.title"`, `"ORDER_NOT_FOUND.title": "x", "ORDER_NOT_FOUND.titel"`, 1))}, "en.json": {Data: []byte(goodEn)}},
			orderNotFound, []string{"ko.json: ORDER_NOT_FOUND.titel: no code or message has this ID"}},
		{"data the code does not declare", fstest.MapFS{"ko.json": {Data: []byte(strings.Replace(good, "{{.orderId}}", "{{.orderID}}", 1))}, "en.json": {Data: []byte(goodEn)}},
			orderNotFound, []string{"ko.json: ORDER_NOT_FOUND.detail uses {{.orderID}}, which code ORDER_NOT_FOUND does not declare"}},
		{"a language without the code", fstest.MapFS{"ko.json": {Data: []byte(`{"field.orderId": "주문 ID"}`)}, "en.json": {Data: []byte(goodEn)}},
			orderNotFound, []string{"ko: code ORDER_NOT_FOUND has no title", "ko: code ORDER_NOT_FOUND has no detail"}},
		{"a member without an example", fstest.MapFS{"ko.json": {Data: []byte(good)}, "en.json": {Data: []byte(goodEn)}},
			&noExample, []string{"code ORDER_NOT_FOUND: member orderId has no example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := coreCatalog().MustRegister(tt.code)
			b := newBundle(t, i18n.Options{Catalog: cat, Files: []fs.FS{tt.files}})
			err := b.Check(cat, builtinMessages())
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Check found %d mistakes, want %d:\n%v", len(got), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("mistake %d = %q, want one saying %q", i, got[i], w)
				}
			}
		})
	}
}

// TestCheckBuiltin: problemkit's own messages pass their own check.
func TestCheckBuiltin(t *testing.T) {
	if err := newBundle(t, i18n.Options{}).Check(coreCatalog(), builtinMessages()); err != nil {
		t.Errorf("problemkit's own messages:\n%v", err)
	}
}
