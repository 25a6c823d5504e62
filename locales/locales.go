// Package locales holds problemkit's own message files, one per language,
// embedded in the binary. The i18n package loads them into its bundle before
// the application's files, which may override any message by ID or add
// languages.
//
// # Format
//
// Each file is a go-i18n JSON message file named after its BCP 47 language
// tag ("en.json", "ko.json"). It is one flat JSON object from message ID to
// message. A message is either a string in problemkit's message language
// (text, {{.name}} and {{.name | josa "은"}}; see problem.Template), or,
// when it has plural forms, an object of CLDR plural categories:
//
//	{
//	  "VALIDATION_ERROR.title": "Request validation failed",
//	  "VALIDATION_ERROR.detail": {"one": "1 field is invalid.", "other": "{{.count}} fields are invalid."}
//	}
//
// Each language lists the categories its CLDR rules use: English has "one"
// and "other", Korean only "other".
//
// # Message IDs
//
// Catalog codes use "CODE.title", "CODE.detail", "CODE.description",
// "CODE.when" and "CODE.action" (see problem.Code). Template data of a
// detail are the problem's extension members, such as {{.limit}} or
// {{.count}}. Validation messages use the IDs of the validation package,
// such as "validation.min.string", with the data {{.field}} (the field's
// label, itself localized from "field.<json path>"), {{.param}} and, for
// cross-field rules, {{.otherField}}.
//
// Korean messages choose particles after inserted words with the i18n
// package's josa template function: {{.field | josa "은"}} writes "이름은"
// or "주소는" as the word requires.
package locales

import "embed"

// FS holds the message files, "en.json" and "ko.json", at its root.
//
//go:embed *.json
var FS embed.FS
