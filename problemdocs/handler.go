package problemdocs

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

// pageHTML is the template of the HTML pages.
//
//go:embed page.html
var pageHTML string

// Localizer picks the translator of a request; *i18n.Bundle is one. It has
// the method set of problemhttp.Localizer, so the same bundle serves both.
type Localizer interface {
	Translator(r *http.Request) problem.Translator
}

// Pages returns the handler of the catalog's documentation, so that problem
// type URIs resolve: the last path segment names a code by its slug
// ("/problems/user-not-found"), answered as a small HTML page, or as JSON
// when the client asks for application/json or the path ends in ".json".
// The path of the mount itself lists every code (as JSON, an object whose
// "codes" member holds them). Pages are localized by loc from
// Accept-Language; a nil loc means English.
//
// When loc also lists its languages and negotiates one by name, as
// *i18n.Bundle does (Languages and Negotiate), every page links to itself
// in each of them, and a "lang" query parameter naming one of them
// ("?lang=ko") chooses the language over Accept-Language. Any other value
// of the parameter is ignored: it is compared with the languages, never
// used.
//
// The handler returns its failures — an unknown code (404), a method other
// than GET or HEAD (405) — for the middleware to answer as problems, so
// mount it through problemhttp.Handle, under the path of the catalog's type
// URIs:
//
//	r.Mount("/problems", problemhttp.Handle(problemdocs.Pages(catalog, bundle)))
func Pages(cat *problem.Catalog, loc Localizer) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return problem.MethodNotAllowed.New().WithHeader("Allow", "GET, HEAD")
		}
		tr, chosen, switcher := pageLanguage(loc, r)
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
			var v any = Index{Title: tr.Translate(lblHeading), Codes: list}
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
			query := ""
			if chosen != "" {
				query = "?lang=" + url.QueryEscape(chosen)
			}
			data := page{
				Lang: tr.Language(), T: func(m problem.Message) string { return tr.Translate(m) },
				Href:    func(e Entry) string { return pageURL(cat, e) + query },
				Index:   strings.TrimSuffix(cat.Base(), "/") + query,
				Entries: list, One: one, Labels: labels, Switch: switcher,
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

// Index is the list of codes as Pages serves it as JSON: an object, so
// that members can be added.
type Index struct {
	// Title is the localized title of the catalog.
	Title string `json:"title"`
	// Codes are the codes, ordered by status and then code.
	Codes []Entry `json:"codes"`
}

// Languages is what a Localizer that knows its languages also offers, as
// *i18n.Bundle does; Pages then shows a language switch.
type languages interface {
	Languages() []language.Tag
	Negotiate(acceptLanguage string) problem.Translator
}

// langLink is one entry of the language switch.
type langLink struct {
	Lang, Name, Href string
	Current          bool
}

// pageLanguage returns the translator of a page, the language the lang
// parameter chose ("" when none did), and the language switch.
func pageLanguage(loc Localizer, r *http.Request) (problem.Translator, string, []langLink) {
	var tr problem.Translator = english.Translator{}
	if loc == nil {
		return tr, "", nil
	}
	if t := loc.Translator(r); t != nil {
		tr = t
	}
	ls, ok := loc.(languages)
	if !ok {
		return tr, "", nil
	}
	tags := ls.Languages()
	chosen := ""
	if want := r.URL.Query().Get("lang"); want != "" {
		for _, t := range tags {
			if t.String() == want {
				tr, chosen = ls.Negotiate(t.String()), t.String()
				break
			}
		}
	}
	links := make([]langLink, 0, len(tags))
	for _, t := range tags {
		other := ls.Negotiate(t.String())
		links = append(links, langLink{
			Lang: t.String(), Name: other.Translate(lblLanguage),
			Href: "?lang=" + url.QueryEscape(t.String()), Current: other.Language() == tr.Language(),
		})
	}
	return tr, chosen, links
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
	Index   string
	Entries []Entry
	One     *Entry
	Labels  map[string]problem.Message
	Switch  []langLink
}

var labels = map[string]problem.Message{
	"heading": lblHeading, "intro": lblIntro, "code": lblCode, "status": lblStatus, "type": lblType,
	"title": lblTitle, "retryable": lblRetryable, "yes": lblYes, "no": lblNo, "description": lblMeaning,
	"when": lblWhen, "action": lblAction, "members": lblMembers, "member": lblMember, "jsonType": lblJSONType,
	"about": lblAbout, "headers": lblHeaders, "example": lblExample, "none": lblNone, "back": lblBack,
	"language": lblLanguage, "languages": lblLanguages,
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		return string(b), err
	},
	"statusText": statusText,
	"prose":      prose,
	"class": func(status int) string {
		if status >= 500 {
			return "s5"
		}
		return "s4"
	},
}).Parse(pageHTML))

// prose escapes s for HTML, setting `backquoted` spans as code.
func prose(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
			continue
		}
		b.WriteString(template.HTMLEscapeString(part))
	}
	return template.HTML(b.String())
}
