package i18n_test

import (
	"fmt"
	"io/fs"
	"log"
	"net/http/httptest"
	"testing/fstest"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

func ExampleNew() {
	// In an application: //go:embed locales/*.json
	messages := fstest.MapFS{
		"locales/ko.json": {Data: []byte(`{"field.username": "사용자 이름"}`)},
	}
	bundle, err := i18n.New(i18n.Options{Files: []fs.FS{messages}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bundle.Languages())
	// Output: [en ko]
}

func ExampleBundle_Translator() {
	bundle, err := i18n.New(i18n.Options{})
	if err != nil {
		log.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/users/7", nil)
	r.Header.Set("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.8")
	tr := bundle.Translator(r)
	fmt.Println(tr.Language())
	fmt.Println(tr.Translate(problem.RouteNotFound.TitleMessage()))
	// Output:
	// ko
	// 찾을 수 없음
}

func ExampleBundle_Negotiate() {
	catalog := problem.NewCatalog("").MustInclude(validation.Feature)
	bundle, err := i18n.New(i18n.Options{Catalog: catalog})
	if err != nil {
		log.Fatal(err)
	}
	for _, accept := range []string{"ko", "fr-CH, fr;q=0.9, ko;q=0.8", "ja", ""} {
		tr := bundle.Negotiate(accept)
		detail := validation.Failed.DetailMessage(map[string]any{"count": 2})
		fmt.Printf("%s: %s\n", tr.Language(), tr.Translate(detail))
	}
	// Output:
	// ko: 2개 필드의 값이 올바르지 않습니다.
	// ko: 2개 필드의 값이 올바르지 않습니다.
	// en: 2 fields are invalid.
	// en: 2 fields are invalid.
}

// Field labels are messages "field.<json path>"; without one, the JSON name
// is used. Korean particles follow the label.
func Example_fieldLabels() {
	catalog := problem.NewCatalog("").MustInclude(validation.Feature) // brings the rule messages
	bundle, err := i18n.New(i18n.Options{Catalog: catalog, Files: []fs.FS{fstest.MapFS{
		"ko.json": {Data: []byte(`{"field.username": "사용자 이름", "field.zip": "우편번호"}`)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	ko := bundle.Negotiate("ko")
	for _, path := range []string{"username", "zip", "email"} {
		label := problem.Label("field."+path, path) // shown verbatim when not translated
		fmt.Println(ko.Translate(problem.Message{
			ID:      "validation.required",
			Default: "{{.field}} is required",
			Data:    map[string]any{"field": label},
		}))
	}
	// Output:
	// 사용자 이름은 필수입니다.
	// 우편번호는 필수입니다.
	// email은 필수입니다.
}
