package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/problemkit/problemkit/internal/testenv"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

// chromium returns the path of the browser: $CHROMIUM, or chromium on
// $PATH. Without one, the test skips, or fails under CI=true.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "Chromium", "apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM to its path)")
	return ""
}

// browser starts headless Chromium for the test, with no network of its
// own: the flags stop the background connections this machine refuses.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do binds the browser's life to its context: one without a
	// timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, css.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("CSS domain: %v", err)
	}
	return ctx
}

// rendered is what a test reads of a page's DOM after Chromium rendered it.
type rendered struct {
	Lang     string     `json:"lang"`
	Title    string     `json:"title"`
	H1       string     `json:"h1"`
	Lead     string     `json:"lead"`
	Status   string     `json:"status"`
	Type     string     `json:"type"`
	Members  []string   `json:"members"`
	Example  string     `json:"example"`
	Rows     int        `json:"rows"`
	Links    []string   `json:"links"`
	Current  string     `json:"current"`
	Switch   []langLink `json:"switch"`
	Overflow bool       `json:"overflow"`
}

type langLink struct {
	Lang, Href, Text string
}

const readDOM = `(() => {
  const q = s => document.querySelector(s), text = s => (q(s) || {}).textContent || "";
  return {
    lang: document.documentElement.lang, title: document.title, h1: text("h1"), lead: text(".lead"),
    status: text("#status"), type: text("#type"), example: text("#example"),
    members: [...document.querySelectorAll("#members tr td:first-child")].map(e => e.textContent),
    rows: document.querySelectorAll("#codes tr").length - 1,
    links: [...document.querySelectorAll("#codes a")].map(a => a.href),
    current: text("nav.lang strong"),
    switch: [...document.querySelectorAll("nav.lang a")].map(a => ({Lang: a.lang, Href: a.href, Text: a.textContent})),
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
})()`

// load navigates to url and reads its DOM.
func load(t *testing.T, ctx context.Context, url string) rendered {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.Run(tctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("load %s: %v", url, err)
	}
	if resp.Status != 200 {
		t.Fatalf("load %s: %d", url, resp.Status)
	}
	raw, err := chromedp.Run(tctx, chromedp.Evaluate[[]byte](readDOM))
	if err != nil {
		t.Fatalf("read the DOM of %s: %v", url, err)
	}
	var r rendered
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return r
}

// fonts returns the platform fonts Chromium drew the text of the first
// element sel matches with.
func fonts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(nodes) == 0 {
		t.Fatalf("%s: %v", sel, err)
	}
	res, err := chromedp.Call(ctx, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
	if err != nil {
		t.Fatalf("fonts of %s: %v", sel, err)
	}
	var out []string
	for _, f := range res.Fonts {
		if f.GlyphCount > 0 {
			out = append(out, f.FamilyName)
		}
	}
	return out
}

// TestPagesInBrowser loads every page of the error catalog, the index and
// each code, in English and in Korean, through the real demo in headless
// Chromium, and reads the rendered DOM: the title, the status, the
// members, the example, the language switch. Korean must be drawn with a
// font that has Hangul, and following the switch must change the
// language.
func TestPagesInBrowser(t *testing.T) {
	ctx := browser(t)
	base, _ := startServer(t, "-production")
	catalog, err := newCatalog(base + "/problems/")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := newBundle(catalog)
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]struct{ heading, other, otherName, name string }{
		"en": {"Error catalog", "ko", "한국어", "English"},
		"ko": {"오류 목록", "en", "English", "한국어"},
	}
	for _, lang := range []string{"en", "ko"} {
		want := langs[lang]
		tr := bundle.Negotiate(lang)
		t.Run(lang+"/index", func(t *testing.T) {
			r := load(t, ctx, base+"/problems?lang="+lang)
			if r.Lang != lang || r.Title != want.heading || r.H1 != want.heading || r.Rows != len(catalog.Codes()) || len(r.Links) != r.Rows {
				t.Errorf("index: lang %q, title %q, h1 %q, %d rows, %d links; want %s, %q, %d codes", r.Lang, r.Title, r.H1, r.Rows, len(r.Links), lang, want.heading, len(catalog.Codes()))
			}
			for _, l := range r.Links {
				if !strings.HasPrefix(l, base+"/problems/") || !strings.HasSuffix(l, "?lang="+lang) {
					t.Errorf("link %q does not stay in the catalog, in %s", l, lang)
					break
				}
			}
			checkSwitch(t, r, lang, want.name, want.other, want.otherName)
			if r.Overflow {
				t.Error("the index is wider than the window")
			}
			if lang == "ko" {
				if got := fonts(t, ctx, "h1"); !slices.ContainsFunc(got, isCJKFont) {
					t.Errorf("the Korean heading is drawn with %v, no font with Hangul (install fonts-noto-cjk)", got)
				}
			}
			// Following the switch changes the language of the page.
			tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if _, err := chromedp.Run(tctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("nav.lang a")))); err != nil {
				t.Fatalf("click the language switch: %v", err)
			}
			got, err := chromedp.Run(tctx, chromedp.Evaluate[string]("document.documentElement.lang"))
			if err != nil || got != want.other {
				t.Errorf("after the switch the page is in %q (%v), want %s", got, err, want.other)
			}
		})
		for _, c := range catalog.Codes() {
			t.Run(lang+"/"+c.Code, func(t *testing.T) {
				typ := catalog.TypeURI(c)
				url := typ
				if typ == "about:blank" {
					url = base + "/problems/" + c.Slug()
				}
				r := load(t, ctx, url+"?lang="+lang)
				title := tr.Translate(c.TitleMessage())
				status := fmt.Sprintf("%d %s", c.Status, problem.StatusTitle(c.Status))
				if r.Lang != lang || r.Title != c.Code+" · "+want.heading || r.H1 != c.Code || r.Lead != title || r.Status != status || r.Type != typ {
					t.Errorf("page: lang %q title %q h1 %q lead %q status %q type %q;\nwant %s, %q, %q, %q, %q, %q",
						r.Lang, r.Title, r.H1, r.Lead, r.Status, r.Type, lang, c.Code+" · "+want.heading, c.Code, title, status, typ)
				}
				var names []string
				for _, m := range c.Members {
					names = append(names, m.Name)
				}
				if slices.Contains([]*problem.Code{validation.Failed, validation.InvalidFieldType, validation.UnknownField, validation.InvalidParameter}, c) {
					names = append(names, "errors") // their example has field errors
				}
				if !slices.Equal(r.Members, names) && !(len(names) == 0 && r.Members == nil) {
					t.Errorf("members %v, want %v", r.Members, names)
				}
				var example map[string]any
				if err := json.Unmarshal([]byte(r.Example), &example); err != nil || example["code"] != c.Code || example["type"] != typ || example["status"] != float64(c.Status) {
					t.Errorf("example (%v): %s", err, r.Example)
				}
				checkSwitch(t, r, lang, want.name, want.other, want.otherName)
				if r.Overflow {
					t.Error("the page is wider than the window")
				}
			})
		}
	}
}

// checkSwitch: the switch marks the page's language and links the other.
func checkSwitch(t *testing.T, r rendered, lang, name, other, otherName string) {
	t.Helper()
	if r.Current != name || len(r.Switch) != 1 || r.Switch[0].Lang != other || r.Switch[0].Text != otherName || !strings.HasSuffix(r.Switch[0].Href, "?lang="+other) {
		t.Errorf("language switch in %s: current %q, links %+v", lang, r.Current, r.Switch)
	}
}

// isCJKFont reports whether a font family is one that draws Hangul.
func isCJKFont(family string) bool {
	f := strings.ToLower(family)
	return strings.Contains(f, "cjk") || strings.Contains(f, "gothic") || strings.Contains(f, "nanum") || strings.Contains(f, "unfonts")
}
