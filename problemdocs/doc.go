// Package problemdocs generates client documentation from a
// [problem.Catalog], so that the docs come from the same declarations
// ([problem.Code]) as the responses and can never drift from them.
//
// # Files
//
// [Markdown] writes one document per language: a table of contents, then
// for each code its HTTP status, type URI, localized title, what it means,
// when it happens, what the client should do, whether it is retryable, its
// extension members and headers, and an example body. [OpenAPI] writes an
// OpenAPI 3.1 document (see below). [WriteFiles] writes them into a
// folder, with the catalog's snapshot; call it from a go:generate command
// and commit the result, as the example server does:
//
//	//go:generate go run . -gen-docs ../docs
//
// Every generated file starts with a "do not edit" line ([GeneratedLine];
// in JSON, an "x-generated" member, [Generated]). [Lint], called from a
// test, fails on a code whose documentation is incomplete.
//
// # The API's OpenAPI document
//
// Declare each operation once, beside its route, as an [Operation]: its
// parameters ([Param]), its request [Body], what it answers on success
// ([Response]) and the codes its handler returns. Schemas are JSON Schema
// values ([Schema]), derived from Go types by [SchemaOf].
//
//	{Method: "GET", Pattern: "/users/{id}", Summary: "Get a user",
//		Params:    []problemdocs.Param{{Name: "id", In: "path", Schema: problemdocs.Schema{"type": "integer"}}},
//		Responses: []problemdocs.Response{{Status: 200, Schema: problemdocs.SchemaOf(User{})}},
//		Problems:  []*problem.Code{UserNotFound}}
//
// [OpenAPI], given the operations in [OpenAPIOptions.Operations], writes
// the API's document: per operation and status, every code it can answer
// with — its own and the ones the pipeline answers by itself, which the
// OpenAPI doc lists — each with its schema, its code, status and type URI
// as constants, and an example. Without operations it writes the catalog's
// components alone, for an API that writes its document by other means to
// $ref.
//
// # Compatibility
//
// A code's name, status, type URI, members and their JSON types, and its
// headers are a contract with clients. [NewSnapshot] takes them down in a
// [Snapshot] ([WriteFiles] writes it as catalog.json, [WriteSnapshot] and
// [ReadSnapshot] write and read it), and [Compare] lists the changes
// between two snapshots ([Change]), marking those that break clients; the
// command "go run ./cmd/problemkit compat OLD.json NEW.json" fails on
// them.
//
// # Type URIs that resolve
//
// RFC 9457 asks that a problem type URI lead to documentation for humans.
// [Pages] serves each code as a small HTML page, or as JSON ([Entry],
// [Index]), localized from Accept-Language or a "lang" parameter, with
// links to the page in every language; mount it under the path of the
// catalog's type URIs, through
// [github.com/problemkit/problemkit/problemhttp.Handle], which answers its
// 404s and 405s as problems. The package does not import the pipeline: it
// produces documents and errors, and the pipeline answers.
//
// # Translations
//
// Titles come from the messages "CODE.title"; the prose from
// "CODE.description", "CODE.when", "CODE.action" and "CODE.member.NAME";
// the labels from "docs.*" ([Messages]). The files take any
// [problem.Translator], and Pages a [Localizer]; the usual source of both
// is the bundle of package [github.com/problemkit/problemkit/i18n], whose
// [github.com/problemkit/problemkit/i18n.Bundle.Check] verifies the
// translations. Missing translations fall back to the English declared on
// the Code.
package problemdocs
