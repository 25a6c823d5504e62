package main

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
)

// The bodies of the demo's small answers, so that their schemas in the
// OpenAPI document come from the types the handlers write.
type (
	statusBody struct {
		Status string `json:"status"`
	}
	adminBody struct {
		Status string `json:"status"`
		Area   string `json:"area"`
	}
	// accountBody is an account's balance.
	accountBody struct {
		ID       int    `json:"id"`
		Balance  int64  `json:"balance"`
		Currency string `json:"currency"`
	}
	// searchBody is the search upstream's answer, passed on as it came.
	searchBody struct {
		Query   string `json:"query"`
		Results []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"results"`
	}
	// embeddingList is the upstream's answer, passed on as it came.
	embeddingList struct {
		Object string `json:"object"`
		Data   []struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
		Model string `json:"model"`
	}
)

// ok declares one JSON success response whose body is of body's type.
func ok(status int, body any) []problemdocs.Response {
	return []problemdocs.Response{{Status: status, Schema: problemdocs.SchemaOf(body)}}
}

// docPage declares the answers of the catalog's pages: HTML, or JSON of
// body's type.
func docPage(body any) []problemdocs.Response {
	return []problemdocs.Response{
		{Status: 200, Description: "The page, as HTML, or as JSON when the client asks for application/json.", ContentType: "text/html; charset=utf-8", Schema: problemdocs.Schema{"type": "string", "contentMediaType": "text/html"}},
		{Status: 200, Schema: problemdocs.SchemaOf(body)},
	}
}

// langParam is the language switch of the catalog's pages.
var langParam = problemdocs.Param{Name: "lang", In: "query", Lenient: true,
	Description: "The language of the page, en or ko, over Accept-Language; any other value is ignored."}

// operations returns the declarations of the routes, with their methods
// and patterns.
func operations(routes []route) []problemdocs.Operation {
	ops := make([]problemdocs.Operation, 0, len(routes))
	for _, rt := range routes {
		op := rt.doc
		op.Method, op.Pattern = rt.method, rt.pattern
		ops = append(ops, op)
	}
	return ops
}

// apiOptions describes the demo's OpenAPI document.
func apiOptions(routes []route) problemdocs.OpenAPIOptions {
	return problemdocs.OpenAPIOptions{
		Title:   "problemkit example API",
		Version: "1.0.0",
		Description: "The demo of problemkit: every way an HTTP API can fail, answered with RFC 9457 problems " +
			"(application/problem+json; application/problem+xml for clients that prefer it). Each operation lists, per status, " +
			"the codes it answers with; the code member is stable, match on it. Every GET operation also answers HEAD, " +
			"and a path no operation has is answered 404 ROUTE_NOT_FOUND, except /problems/, which redirects to /problems.",
		Contact:        &problemdocs.Contact{Name: "problemkit", URL: "https://github.com/problemkit/problemkit", Email: "problemkit@example.com"},
		License:        &problemdocs.License{Name: "MIT", URL: "https://opensource.org/licenses/MIT"},
		InfoExtensions: map[string]any{"x-api-id": "problemkit-example-api", "x-audience": "external-public"},
		Tags: []problemdocs.Tag{
			{Name: "health", Description: "Whether the server is up."},
			{Name: "users", Description: "Sign-up and users: validation and domain errors."},
			{Name: "transfers", Description: "Transfers between accounts: domain errors with members, idempotency."},
			{Name: "upstream", Description: "Calls to another service, and how its failures are answered."},
			{Name: "failures", Description: "Routes that show how one kind of failure is answered."},
			{Name: "docs", Description: "The error catalog and this document."},
		},
		SecuritySchemes: map[string]map[string]any{
			"bearer": {"type": "http", "scheme": "bearer", "description": "The demo's admin token: demo-admin."},
		},
		Operations: operations(routes),
	}
}

// apiDocument renders the OpenAPI document of routes, in English.
func apiDocument(catalog *problem.Catalog, bundle *i18n.Bundle, routes []route) ([]byte, error) {
	var b bytes.Buffer
	err := problemdocs.OpenAPI(&b, catalog, bundle.Negotiate("en"), apiOptions(routes))
	return b.Bytes(), err
}

// serveJSON serves the JSON document *doc, which is set before the server
// starts.
func serveJSON(doc *[]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(*doc)))
		_, _ = w.Write(*doc)
	})
}
