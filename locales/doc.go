// Package locales holds problemkit's own message files, one per language,
// embedded in the binary ([FS]): the titles, details and docs of the codes
// of package problem ([github.com/problemkit/problemkit/problem.Builtin])
// and the labels of the generated docs ("docs.*", see
// [github.com/problemkit/problemkit/problemdocs.Messages]). Package
// [github.com/problemkit/problemkit/i18n] loads them into its bundle first;
// each feature ships its own files for its own codes and messages
// ([github.com/problemkit/problemkit/problem.Feature].Files), and the
// application's files come last and may override any message by ID or add
// languages.
//
// # Format
//
// This is the format of every message file: problemkit's, a feature's and
// the application's. Each file is a go-i18n JSON message file named after
// its BCP 47 language tag ("en.json", "ko.json"). It is one flat JSON
// object from message ID to message. A message is either a string in
// problemkit's message language (text, {{.name}} and
// {{.name | josa "은"}}; see
// [github.com/problemkit/problemkit/problem.Template]), or, when it has
// plural forms, an object of CLDR plural categories:
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
// "CODE.when", "CODE.action" and "CODE.member.NAME" (see
// [github.com/problemkit/problemkit/problem.Code]). Template data of a
// detail are the problem's extension members, such as {{.limit}} or
// {{.count}}. A feature's other messages use the IDs it declares
// ([github.com/problemkit/problemkit/problem.Feature].Messages), such as
// the validation package's "validation.min.string", with the data
// {{.field}} (the field's label, itself localized from
// "field.<json path>"), {{.param}} and, for cross-field rules,
// {{.otherField}}.
//
// Korean messages choose particles after inserted words with the i18n
// package's josa template function: {{.field | josa "은"}} writes "이름은"
// or "주소는" as the word requires.
package locales
