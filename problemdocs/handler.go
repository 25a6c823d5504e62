package problemdocs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

// Localizer picks the translator of a request; *i18n.Bundle is one. It has
// the method set of middleware.Localizer, so the same bundle serves both.
type Localizer interface {
	Translator(r *http.Request) problem.Translator
}

// Pages returns the handler of the catalog's documentation, so that problem
// type URIs resolve: the last path segment names a code by its slug
// ("/problems/user-not-found"), answered as a small HTML page, or as JSON
// when the client asks for application/json or the path ends in ".json".
// The path of the mount itself lists every code. Pages are localized by loc
// from Accept-Language; a nil loc means English.
//
// The handler returns its failures — an unknown code (404), a method other
// than GET or HEAD (405) — for the middleware to answer as problems, so
// mount it through middleware.Handle, under the path of the catalog's type
// URIs:
//
//	r.Mount("/problems", middleware.Handle(problemdocs.Pages(catalog, bundle)))
func Pages(cat *problem.Catalog, loc Localizer) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return problem.MethodNotAllowed.New().WithHeader("Allow", "GET, HEAD")
		}
		var tr problem.Translator = english.Translator{}
		if loc != nil {
			if t := loc.Translator(r); t != nil {
				tr = t
			}
		}
		slug := path.Base(strings.TrimSuffix(r.URL.Path, "/"))
		asJSON := strings.HasSuffix(slug, ".json") || wantsJSON(r.Header.Get("Accept"))
		slug = strings.TrimSuffix(slug, ".json")

		list := entries(cat, tr)
		var one *Entry
		for i := range list {
			if pageSlug(list[i]) == slug || strings.EqualFold(list[i].Code, slug) {
				one = &list[i]
				break
			}
		}
		index := one == nil && (slug == "" || slug == "." || slug == "/" || slug == path.Base(strings.TrimSuffix(cat.Base(), "/")))
		if one == nil && !index {
			return problem.RouteNotFound.New().WithMessage(lblUnknown)
		}

		var body bytes.Buffer
		ctype := "text/html; charset=utf-8"
		if asJSON {
			ctype = "application/json"
			var v any = list
			if one != nil {
				v = one
			}
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return fmt.Errorf("problemdocs: encode %s: %w", slug, err)
			}
			body.Write(b)
			body.WriteByte('\n')
		} else {
			data := page{
				Lang: tr.Language(), T: func(m problem.Message) string { return tr.Translate(m) },
				Href: func(e Entry) string { return pageURL(cat, e) }, Entries: list, One: one, Labels: labels,
			}
			if err := pageTemplate.Execute(&body, data); err != nil {
				return fmt.Errorf("problemdocs: render %s: %w", slug, err)
			}
		}
		// Rendered in full before anything is written: a failure is still
		// a problem, never half a page.
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Length", strconv.Itoa(body.Len()))
		h.Set("Content-Language", tr.Language())
		h.Add("Vary", "Accept, Accept-Language")
		if r.Method != http.MethodHead {
			_, _ = w.Write(body.Bytes())
		}
		return nil
	}
}

// wantsJSON reports whether an Accept header asks for JSON rather than HTML.
func wantsJSON(accept string) bool {
	if accept == "" || strings.Contains(accept, "text/html") {
		return false
	}
	return strings.Contains(accept, "application/json") || strings.Contains(accept, "+json")
}

// pageSlug is the last path segment of a code's page: its type URI's, or,
// for an about:blank code, the code in lower kebab case.
func pageSlug(e Entry) string {
	if e.Type == problem.BlankType {
		return strings.ReplaceAll(strings.ToLower(e.Code), "_", "-")
	}
	return path.Base(e.Type)
}

// pageURL is the address of a code's page: its type URI, or, for an
// about:blank code, which has no URI of its own, its slug under the
// catalog's base.
func pageURL(cat *problem.Catalog, e Entry) string {
	if e.Type != problem.BlankType {
		return e.Type
	}
	return strings.TrimSuffix(cat.Base(), "/") + "/" + pageSlug(e)
}

type page struct {
	Lang    string
	T       func(problem.Message) string
	Href    func(Entry) string
	Entries []Entry
	One     *Entry
	Labels  map[string]problem.Message
}

var labels = map[string]problem.Message{
	"heading": lblHeading, "intro": lblIntro, "code": lblCode, "status": lblStatus, "type": lblType,
	"title": lblTitle, "retryable": lblRetryable, "yes": lblYes, "no": lblNo, "description": lblMeaning,
	"when": lblWhen, "action": lblAction, "members": lblMembers, "member": lblMember, "jsonType": lblJSONType,
	"about": lblAbout, "headers": lblHeaders, "example": lblExample, "none": lblNone, "back": lblBack,
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		return string(b), err
	},
	"statusText": statusText,
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .One}}{{.One.Code}} · {{end}}{{call .T (index .Labels "heading")}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}code,pre{font-family:ui-monospace,monospace}pre{background:#f5f5f5;padding:1rem;overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}</style>
</head>
<body>
{{- if .One}}{{with .One}}
<p><a href="./">{{call $.T (index $.Labels "back")}}</a></p>
<h1><code>{{.Code}}</code></h1>
<p><strong>{{.Title}}</strong></p>
<table>
<tr><th>{{call $.T (index $.Labels "status")}}</th><td>{{statusText .Status}}</td></tr>
<tr><th>{{call $.T (index $.Labels "type")}}</th><td><code>{{.Type}}</code></td></tr>
<tr><th>{{call $.T (index $.Labels "retryable")}}</th><td>{{if .Retryable}}{{call $.T (index $.Labels "yes")}}{{else}}{{call $.T (index $.Labels "no")}}{{end}}</td></tr>
</table>
<h2>{{call $.T (index $.Labels "description")}}</h2><p>{{.Description}}</p>
<h2>{{call $.T (index $.Labels "when")}}</h2><p>{{.When}}</p>
<h2>{{call $.T (index $.Labels "action")}}</h2><p>{{.Action}}</p>
<h2>{{call $.T (index $.Labels "members")}}</h2>
{{if .Members}}<table><tr><th>{{call $.T (index $.Labels "member")}}</th><th>{{call $.T (index $.Labels "jsonType")}}</th><th>{{call $.T (index $.Labels "about")}}</th></tr>
{{range .Members}}<tr><td><code>{{.Name}}</code></td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{else}}<p>{{call $.T (index $.Labels "none")}}</p>{{end}}
{{if .Headers}}<h2>{{call $.T (index $.Labels "headers")}}</h2><p>{{range $i, $h := .Headers}}{{if $i}}, {{end}}<code>{{$h}}</code>{{end}}</p>{{end}}
<h2>{{call $.T (index $.Labels "example")}}</h2>
<pre>{{json .Example}}</pre>
{{end}}{{else}}
<h1>{{call .T (index .Labels "heading")}}</h1>
<p>{{call .T (index .Labels "intro")}}</p>
<table><tr><th>{{call .T (index .Labels "code")}}</th><th>{{call .T (index .Labels "status")}}</th><th>{{call .T (index .Labels "title")}}</th></tr>
{{range .Entries}}<tr><td><a href="{{call $.Href .}}"><code>{{.Code}}</code></a></td><td>{{statusText .Status}}</td><td>{{.Title}}</td></tr>
{{end}}</table>
{{end}}
</body>
</html>
`))
