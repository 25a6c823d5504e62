package problemdocs_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var insufficientFunds = &problem.Code{
	Code: "INSUFFICIENT_FUNDS", Status: http.StatusUnprocessableEntity,
	Title:       "Insufficient funds",
	Detail:      "The balance of {{.availableBalance}} {{.currency}} does not cover {{.requiredAmount}} {{.currency}}.",
	Description: "The source account cannot cover the transfer.",
	When:        "POST /transfers with an amount above the balance.",
	Action:      "Transfer a smaller amount, or top the account up first.",
	Members: []problem.Member{
		{Name: "availableBalance", Type: "integer", Description: "The balance of the source account.", Example: 5000},
		{Name: "requiredAmount", Type: "integer", Description: "The amount asked for.", Example: 7000},
		{Name: "currency", Type: "string", Description: "ISO 4217 currency code.", Example: "KRW"},
	},
}

func testCatalog() *problem.Catalog {
	return problem.NewCatalog("https://api.example.com/problems/").MustInclude(validation.Feature, idempotency.Feature).MustRegister(insufficientFunds)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return "line " + itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := problemdocs.Markdown(&b, testCatalog(), nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, problemdocs.GeneratedLine+"\n") {
		t.Errorf("first line is not the generated marker")
	}
	for _, c := range testCatalog().Codes() {
		if c == problem.ClientClosedRequest {
			continue
		}
		if !strings.Contains(out, "\n## "+c.Code+"\n") || !strings.Contains(out, "(#"+strings.ToLower(c.Code)+")") {
			t.Errorf("%s has no section or no table-of-contents link", c.Code)
		}
	}
	for _, want := range []string{
		"| `availableBalance` | integer | The balance of the source account. |",
		`"detail": "The balance of 5000 KRW does not cover 7000 KRW."`,
		"`https://api.example.com/problems/insufficient-funds`",
		"**Response headers.** `Retry-After`, `RateLimit`, `RateLimit-Policy`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	golden(t, "errors.md", b.Bytes())
}

func TestOpenAPIGolden(t *testing.T) {
	var b bytes.Buffer
	if err := problemdocs.OpenAPI(&b, testCatalog(), nil, problemdocs.OpenAPIOptions{Title: "Example API errors"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Generated  string `json:"x-generated"`
		OpenAPI    string `json:"openapi"`
		Components struct {
			Schemas   map[string]map[string]any `json:"schemas"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema   map[string]any `json:"schema"`
					Examples map[string]struct {
						Value map[string]any `json:"value"`
					} `json:"examples"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !strings.HasPrefix(b.String(), "{\n  \"x-generated\": ") || doc.Generated != problemdocs.Generated || doc.OpenAPI != "3.1.0" {
		t.Errorf("x-generated %q first, openapi %q", doc.Generated, doc.OpenAPI)
	}
	if doc.Components.Schemas["Problem"] == nil || doc.Components.Schemas["FieldError"] == nil {
		t.Errorf("schemas: %v", doc.Components.Schemas)
	}
	funds := doc.Components.Responses["INSUFFICIENT_FUNDS"].Content[problem.MediaType]
	if funds.Schema["$ref"] != "#/components/schemas/INSUFFICIENT_FUNDS" || funds.Examples["INSUFFICIENT_FUNDS"].Value["code"] != "INSUFFICIENT_FUNDS" {
		t.Errorf("INSUFFICIENT_FUNDS response: %+v", funds)
	}
	schema := doc.Components.Schemas["INSUFFICIENT_FUNDS"]
	props, _ := schema["properties"].(map[string]any)
	if props["code"].(map[string]any)["const"] != "INSUFFICIENT_FUNDS" || props["status"].(map[string]any)["const"] != float64(422) ||
		props["availableBalance"].(map[string]any)["type"] != "integer" {
		t.Errorf("INSUFFICIENT_FUNDS schema: %v", schema)
	}
	if len(doc.Components.Responses) != len(testCatalog().Codes()) {
		t.Errorf("%d responses for %d codes", len(doc.Components.Responses), len(testCatalog().Codes()))
	}
	golden(t, "openapi.json", b.Bytes())
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	fr := fixedTranslator{lang: "fr", text: map[string]string{"docs.heading": "Catalogue des erreurs"}}
	if err := problemdocs.WriteFiles(dir, testCatalog(), problemdocs.OpenAPIOptions{}, nil, fr); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ file, want string }{
		{"errors.md", "# Error catalog"},
		{"errors.fr.md", "# Catalogue des erreurs"},
		{"openapi.json", `"openapi": "3.1.0"`},
		{"catalog.json", `"code": "INSUFFICIENT_FUNDS"`},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: %v, want it to contain %q", tt.file, err, tt.want)
		}
	}
}

// fixedTranslator translates from a map, falling back to the defaults.
type fixedTranslator struct {
	lang string
	text map[string]string
}

func (f fixedTranslator) Language() string { return f.lang }
func (f fixedTranslator) Translate(m problem.Message) string {
	if s, ok := f.text[m.ID]; ok {
		return s
	}
	return m.String()
}

func TestHandler(t *testing.T) {
	pl := problemhttp.New(problemhttp.Options{Catalog: testCatalog()})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.Mount("/problems", problemhttp.Handle(problemdocs.Pages(testCatalog(), nil)))

	tests := []struct {
		name, path, accept      string
		status                  int
		ctype, contains, absent string
	}{
		{"HTML page", "/problems/insufficient-funds", "text/html", 200, "text/html; charset=utf-8", "<h1><code>INSUFFICIENT_FUNDS</code></h1>", "{{"},
		{"JSON by Accept", "/problems/insufficient-funds", "application/json", 200, "application/json", `"code": "INSUFFICIENT_FUNDS"`, "<html"},
		{"JSON by suffix", "/problems/validation-error.json", "", 200, "application/json", `"status": 422`, "<html"},
		{"index", "/problems/", "", 200, "text/html; charset=utf-8", `href="https://api.example.com/problems/insufficient-funds"`, "{{"},
		{"unknown code", "/problems/no-such-thing", "", 404, problem.MediaType, `"code":"ROUTE_NOT_FOUND"`, "<html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.ctype {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Header().Get("Content-Type"), tt.status, tt.ctype)
			}
			body := rec.Body.String()
			if !strings.Contains(body, tt.contains) || strings.Contains(body, tt.absent) {
				t.Errorf("body lacks %q or has %q:\n%s", tt.contains, tt.absent, body)
			}
		})
	}
}

func TestHandlerRefusesWrites(t *testing.T) {
	h := problemhttp.Handle(problemdocs.Pages(testCatalog(), nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/problems/insufficient-funds", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" || len(rec.Header().Values("Allow")) != 1 {
		t.Errorf("POST: %d, Allow %q", rec.Code, rec.Header().Values("Allow"))
	}
}

// TestIndexLinksEveryCode: the index links every code, about:blank ones
// included, to a page that documents it; html/template never has to
// replace a link it finds unsafe (href="#ZgotmplZ").
func TestIndexLinksEveryCode(t *testing.T) {
	for _, base := range []string{"https://api.example.com/problems/", "/problems/"} {
		t.Run(base, func(t *testing.T) {
			cat := problem.NewCatalog(base).MustRegister(insufficientFunds)
			r := chi.NewRouter()
			r.Mount("/problems", problemhttp.Handle(problemdocs.Pages(cat, nil)))
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/problems/", nil))
			hrefs := regexp.MustCompile(`<a href="([^"]*)"><code>([A-Z_]+)</code>`).FindAllStringSubmatch(rec.Body.String(), -1)
			if len(hrefs) != len(cat.Codes()) {
				t.Fatalf("%d links for %d codes:\n%s", len(hrefs), len(cat.Codes()), rec.Body)
			}
			for _, h := range hrefs {
				href, code := h[1], h[2]
				u, err := url.Parse(href)
				if err != nil || strings.Contains(href, "ZgotmplZ") || !strings.HasPrefix(u.Path, "/problems/") {
					t.Errorf("%s links to %q", code, href)
					continue
				}
				page := httptest.NewRecorder()
				r.ServeHTTP(page, httptest.NewRequest(http.MethodGet, u.Path, nil))
				if page.Code != 200 || !strings.Contains(page.Body.String(), "<h1><code>"+code+"</code></h1>") {
					t.Errorf("%s: its link %q answers %d without its page", code, href, page.Code)
				}
			}
		})
	}
}
