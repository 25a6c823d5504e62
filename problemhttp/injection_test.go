package problemhttp_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/internal/attack"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

var thingNotFound = &problem.Code{
	Code: "THING_NOT_FOUND", Status: http.StatusNotFound,
	Title:  "Thing not found",
	Detail: "No thing has the ID {{.id}}.",
}

// hostileForm has a field for every place of a JSON body client text can
// be: member names at any depth, map keys, and values at any depth.
type hostileForm struct {
	Name   string `json:"name" validate:"omitempty,email"`
	Nested struct {
		Tag string `json:"tag" validate:"omitempty,email"`
	} `json:"nested"`
	Items []struct {
		V string `json:"v" validate:"email"`
	} `json:"items" validate:"dive"`
	Meta map[string]string `json:"meta" validate:"omitempty,dive,keys,max=300000,endkeys,email"`
}

type hostileQuery struct {
	Q string `query:"q" validate:"max=3"`
}

type hostileHeader struct {
	X string `header:"X-Thing" validate:"max=3"`
}

// hostileAPI is an API with a route for every channel client text can
// come in by: body, path, query, headers and a foreign problem document.
// An upstream's error body is attacked by the problemhttp/test module,
// which has the upstream package.
func hostileAPI(t testing.TB, logger *slog.Logger, development bool) http.Handler {
	t.Helper()
	catalog := problem.NewCatalog("").MustInclude(validation.Feature).MustRegister(thingNotFound)
	bundle, err := i18n.New(i18n.Options{Catalog: catalog})
	if err != nil {
		t.Fatal(err)
	}
	pl := problemhttp.New(problemhttp.Options{Logger: logger, Catalog: catalog, Localizer: bundle, Development: development})
	dec := validation.New(validation.Options{EchoValues: true, MaxBytes: 1 << 20})

	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Post("/body", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var f hostileForm
		if err := dec.Decode(r, &f); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	r.Get("/things/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		id := chi.URLParam(r, "id")
		if r.URL.RawPath != "" { // chi matched the escaped path: the parameter is escaped too
			id, _ = url.PathUnescape(id)
		}
		return thingNotFound.New().With("id", id)
	}))
	r.Get("/search", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var q hostileQuery
		return dec.Params(r, &q)
	}))
	r.Get("/header", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var h hostileHeader
		return dec.Params(r, &h)
	}))
	r.Post("/when", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var v struct {
			When time.Time `json:"when"`
		}
		return dec.Decode(r, &v) // time.Time's parse error quotes the client's text
	}))
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) {
		panic("bad input: " + r.URL.Query().Get("v"))
	})
	r.Get("/fail", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("look up %q: %w", r.URL.Query().Get("q"), io.ErrUnexpectedEOF)
	}))
	r.Post("/foreign", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := io.ReadAll(r.Body)
		s := string(p)
		return foreignErr{doc: &problem.Problem{
			Status: http.StatusConflict, Title: s, Detail: s,
			Errors:     []problem.FieldError{{Field: s, Detail: s}},
			Extensions: map[string]any{"note": s},
		}}
	}))
	return r
}

// channel is one way client text reaches a response, and where it must
// come back as text.
type channel struct {
	name   string
	status int
	req    func(base, payload string) *http.Request
	// echoes returns the members that must hold the payload verbatim (cut
	// to size when it is long), and those that must not hold it at all.
	echoes func(doc map[string]any, h http.Header) (holds []string, never []string)
}

func post(url, body string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func get(url string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, url, nil)
	return r
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// member reads a string member by a path of names and indexes.
func member(doc any, path ...any) string {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := doc.(map[string]any)
			doc = m[k]
		case int:
			a, _ := doc.([]any)
			if k >= len(a) {
				return ""
			}
			doc = a[k]
		}
	}
	s, _ := doc.(string)
	return s
}

var channels = []channel{
	{"JSON member name", 422, func(base, p string) *http.Request {
		return post(base+"/body", "{"+jsonString(p)+":1}")
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "field"), member(d, "errors", 0, "detail")}, nil
	}},
	{"JSON member name, nested", 422, func(base, p string) *http.Request {
		return post(base+"/body", `{"nested":{`+jsonString(p)+`:1}}`)
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "field"), member(d, "errors", 0, "detail")}, nil
	}},
	{"JSON map key", 422, func(base, p string) *http.Request {
		return post(base+"/body", `{"meta":{`+jsonString(p)+`:"not an email"}}`)
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "field"), member(d, "errors", 0, "detail")}, nil
	}},
	{"JSON value at depth", 422, func(base, p string) *http.Request {
		return post(base+"/body", `{"items":[{"v":`+jsonString(p)+`}]}`)
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "value")}, nil
	}},
	{"path parameter", 404, func(base, p string) *http.Request {
		return get(base + "/things/" + url.PathEscape(p))
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		inst, _ := url.PathUnescape(member(d, "instance"))
		return []string{member(d, "detail"), member(d, "id"), inst}, nil
	}},
	{"unknown path", 404, func(base, p string) *http.Request {
		return get(base + "/" + url.PathEscape(p))
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		inst, _ := url.PathUnescape(member(d, "instance"))
		return []string{inst}, []string{member(d, "title"), member(d, "detail")}
	}},
	{"query parameter", 400, func(base, p string) *http.Request {
		return get(base + "/search?q=" + url.QueryEscape(p))
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "value")}, []string{member(d, "errors", 0, "detail")}
	}},
	{"header parameter", 400, func(base, p string) *http.Request {
		r := get(base + "/header")
		r.Header.Set("X-Thing", p)
		return r
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "errors", 0, "value")}, []string{member(d, "errors", 0, "detail")}
	}},
	{"Accept-Language", 404, func(base, p string) *http.Request {
		r := get(base + "/things/1")
		r.Header.Set("Accept-Language", p)
		return r
	}, func(d map[string]any, h http.Header) ([]string, []string) {
		return nil, []string{member(d, "title"), member(d, "detail"), h.Get("Content-Language")}
	}},
	{"X-Request-ID", 404, func(base, p string) *http.Request {
		r := get(base + "/things/1")
		r.Header.Set("X-Request-ID", p)
		return r
	}, func(d map[string]any, h http.Header) ([]string, []string) {
		return nil, []string{member(d, "requestId"), h.Get("X-Request-ID")}
	}},
	{"foreign problem document", 409, func(base, p string) *http.Request {
		return post(base+"/foreign", p)
	}, func(d map[string]any, _ http.Header) ([]string, []string) {
		return []string{member(d, "title"), member(d, "detail"), member(d, "note"), member(d, "errors", 0, "field"), member(d, "errors", 0, "detail")}, nil
	}},
}

// holdsVerbatim reports whether got holds payload as text: all of it, or,
// for a value cut to size, the start of it followed by the mark of the cut.
func holdsVerbatim(got, payload string) bool {
	if strings.Contains(got, payload) {
		return true
	}
	return len(payload) > 200 && strings.Contains(got, payload[:200]) && strings.Contains(got[strings.Index(got, payload[:200]):], "…")
}

// TestClientTextIsData sends every template payload through every channel,
// in English and Korean, in both modes: the text comes back as text where
// it is echoed, nothing is ever evaluated, no text grows past its bound,
// and each answer is fast.
func TestClientTextIsData(t *testing.T) {
	for _, mode := range []struct {
		name string
		dev  bool
	}{{"production", false}, {"development", true}} {
		srv := httptest.NewServer(hostileAPI(t, slog.New(slog.DiscardHandler), mode.dev))
		defer srv.Close()
		for _, ch := range channels {
			for _, p := range attack.TemplatePayloads {
				for _, lang := range []string{"en", "ko"} {
					t.Run(mode.name+"/"+ch.name+"/"+p.Name+"/"+lang, func(t *testing.T) {
						req := ch.req(srv.URL, p.Text)
						if req.Header.Get("Accept-Language") == "" {
							req.Header.Set("Accept-Language", lang)
						}
						start := time.Now()
						resp, err := srv.Client().Do(req)
						if err != nil {
							t.Fatal(err)
						}
						body, err := io.ReadAll(resp.Body)
						resp.Body.Close()
						if took := time.Since(start); took > 10*time.Second { // generous: a loaded CI machine under -race; the payloads once cost seconds of CPU each
							t.Errorf("took %v: the payload made the server work", took)
						}
						if err != nil {
							t.Fatal(err)
						}
						if resp.StatusCode != ch.status || resp.Header.Get("Content-Type") != problem.MediaType {
							t.Fatalf("status %d %s, want %d problem: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), ch.status, body)
						}
						var doc map[string]any
						if err := json.Unmarshal(body, &doc); err != nil {
							t.Fatalf("not JSON: %v", err)
						}
						if p.Marker != "" && strings.Contains(string(body), p.Marker) {
							t.Errorf("the payload was evaluated: %q in %.500s", p.Marker, body)
						}
						if len(body) > 64<<10 {
							t.Errorf("a %d-byte body: reflection is not bounded", len(body))
						}
						holds, never := ch.echoes(doc, resp.Header)
						for i, got := range holds {
							if !holdsVerbatim(got, p.Text) {
								t.Errorf("echo %d = %.300q, want the payload verbatim", i, got)
							}
						}
						for i, got := range never {
							if strings.Contains(got, p.Text) {
								t.Errorf("member %d = %.300q holds the payload, and must not", i, got)
							}
						}
					})
				}
			}
		}
	}
}
