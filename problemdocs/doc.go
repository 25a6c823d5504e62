// Package problemdocs generates client documentation from a problem
// catalog, so that the docs come from the same declarations as the
// responses and can never drift from them.
//
// # Files
//
// Markdown writes one document per language: a table of contents, then for
// each code its HTTP status, type URI, localized title, what it means, when
// it happens, what the client should do, whether it is retryable, its
// extension members and headers, and an example body. OpenAPI writes
// OpenAPI 3.1 components: Problem and FieldError schemas and one reusable
// response per code, to $ref from an API's operations. WriteFiles writes
// both into a folder; call it from a go:generate command and commit the
// result, as the example server does:
//
//	//go:generate go run . -gen-docs ../docs
//
// Every generated file starts with a "do not edit" line.
//
// # Type URIs that resolve
//
// RFC 9457 asks that a problem type URI lead to documentation for humans.
// Pages serves each code as a small HTML page, or as JSON, localized from
// Accept-Language; mount it under the path of the catalog's type URIs,
// through middleware.Handle, which answers its 404s and 405s as problems.
// The package does not import the middleware: it produces documents and
// errors, and the pipeline answers.
//
// # Translations
//
// Titles come from the messages "CODE.title"; the prose from
// "CODE.description", "CODE.when", "CODE.action" and "CODE.member.NAME";
// the labels from "docs.*" (see Messages). Any problem.Translator works; the
// i18n package's is the usual one. Missing translations fall back to the
// English declared on the Code.
package problemdocs
