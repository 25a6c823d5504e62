package i18n_test

import (
	"io/fs"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/language"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

// newBundle builds a bundle with opts; without a Catalog, with one that
// includes the core module's features.
// coreCatalog returns a catalog that includes the core module's features.
func coreCatalog() *problem.Catalog {
	return problem.NewCatalog("").MustInclude(validation.Feature, idempotency.Feature)
}

func newBundle(tb testing.TB, opts i18n.Options) *i18n.Bundle {
	tb.Helper()
	if opts.Catalog == nil {
		opts.Catalog = coreCatalog()
	}
	b, err := i18n.New(opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return b
}

func TestNegotiate(t *testing.T) {
	b := newBundle(t, i18n.Options{})
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"english", "en", "en"},
		{"korean", "ko", "ko"},
		{"korean with region", "ko-KR", "ko"},
		{"lower-case region", "ko-kr", "ko"},
		{"weighted list", "fr-CH, fr;q=0.9, ko;q=0.8, *;q=0.5", "ko"},
		{"weights reorder", "en;q=0.5, ko;q=0.9", "ko"},
		{"browser english", "en-US,en;q=0.9", "en"},
		{"browser korean", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"},
		{"wildcard alone", "*", "en"},
		{"empty", "", "en"},
		{"blank", " \t ", "en"},
		{"unsupported", "ja", "en"},
		{"unsupported list", "ja, zh-CN;q=0.8", "en"},
		{"q zero excludes", "ko;q=0, en;q=0.1", "en"},
		{"q zero only", "ko;q=0", "en"},
		{"wildcard minus default", "en;q=0, *", "ko"},
		{"malformed weight", "ko;q=abc", "en"},
		{"malformed weight skipped alone", "ko;q=abc, en", "en"},
		{"weight above one", "ko;q=1.5", "en"},
		{"weight too precise", "ko;q=0.1234", "en"},
		{"upper-case Q", "en;q=0.1, ko;Q=0.9", "ko"},
		{"other parameter ignored", "ko;level=1", "ko"},
		{"odd entry skipped", "x!y, ko", "ko"},
		{"separators only", ";;;", "en"},
		{"commas only", ",,,", "en"},
		{"garbage", "\x00\xff<script>", "en"},
		{"long garbage", strings.Repeat("zz-", 2000), "en"},
		{"long subtag", "koreanlanguage", "en"},
		{"many entries then korean", strings.Repeat("ja,", 40) + "ko", "en"},
		{"korean before the cut", "ko;q=0.5," + strings.Repeat("ja;q=0.1,", 200), "ko"},
		{"english name fallback", "english", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Negotiate(tt.header).Language(); got != tt.want {
				t.Errorf("Negotiate(%.40q).Language() = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

// TestNegotiateWhereXTextDiffers is the reason negotiation parses
// Accept-Language itself: x/text's ParseAcceptLanguage refuses a whole
// header for one odd entry, accepts weights above 1, and drops q=0 entries,
// so it cannot say "anything but English". Each case is one where
// ParseAcceptLanguage and x/text's Matcher would answer otherwise.
func TestNegotiateWhereXTextDiffers(t *testing.T) {
	b := newBundle(t, i18n.Options{})
	matcher := language.NewMatcher(b.Languages())
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"one odd entry among good ones", "x!y, ko", "ko"},
		{"one bad weight among good ones", "en;q=abc, ko;q=0.8", "ko"},
		{"a weight above 1", "ko;q=1.5, en;q=0.9", "en"},
		{"everything but English", "en;q=0, *", "ko"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Negotiate(tt.header).Language(); got != tt.want {
				t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
			}
			tags, _, _ := language.ParseAcceptLanguage(tt.header)
			_, i, _ := matcher.Match(tags...)
			if xtext := b.Languages()[i].String(); xtext == tt.want {
				t.Errorf("x/text gives %q too: the case shows no difference", xtext)
			}
		})
	}
}

func TestNegotiateDefault(t *testing.T) {
	tests := []struct {
		name   string
		def    language.Tag
		header string
		want   string
	}{
		{"korean default, unsupported header", language.Korean, "ja", "ko"},
		{"korean default, empty header", language.Korean, "", "ko"},
		{"korean default, english asked", language.Korean, "en-GB", "en"},
		{"regional default selects its base", language.AmericanEnglish, "ja", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBundle(t, i18n.Options{Default: tt.def})
			if got := b.Negotiate(tt.header).Language(); got != tt.want {
				t.Errorf("Negotiate(%q).Language() = %q, want %q", tt.header, got, tt.want)
			}
			if got := b.Languages()[0].String(); got != tt.want && tt.header != "en-GB" {
				t.Errorf("Languages()[0] = %q, want the default %q", got, tt.want)
			}
		})
	}
}

func TestTranslatorRequest(t *testing.T) {
	b := newBundle(t, i18n.Options{})
	tests := []struct {
		name    string
		headers []string
		want    string
	}{
		{"no header", nil, "en"},
		{"one header", []string{"ko-KR"}, "ko"},
		{"header split over lines", []string{"ja", "ko;q=0.5"}, "ko"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			for _, h := range tt.headers {
				r.Header.Add("Accept-Language", h)
			}
			if got := b.Translator(r).Language(); got != tt.want {
				t.Errorf("Translator().Language() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNegotiateUserLanguage checks a language only the application ships,
// with a regional variant falling back to it.
func TestNegotiateUserLanguage(t *testing.T) {
	b := newBundle(t, i18n.Options{Files: []fs.FS{fstest.MapFS{
		"pt.json":    {Data: []byte(`{"ROUTE_NOT_FOUND.title": "Não encontrado", "ROUTE_NOT_FOUND.detail": "Nada aqui."}`)},
		"pt-BR.json": {Data: []byte(`{"ROUTE_NOT_FOUND.title": "Não encontrado (BR)"}`)},
	}}})
	if got, want := b.Languages(), []language.Tag{language.English, language.Korean, language.Portuguese, language.BrazilianPortuguese}; !slices.Equal(got, want) {
		t.Fatalf("Languages() = %v, want %v", got, want)
	}
	tests := []struct {
		name   string
		header string
		msg    problem.Message
		lang   string
		want   string
	}{
		{"exact regional", "pt-BR", problem.RouteNotFound.TitleMessage(), "pt-BR", "Não encontrado (BR)"},
		{"regional falls back to parent", "pt-BR", problem.RouteNotFound.DetailMessage(nil), "pt-BR", "Nada aqui."},
		{"parent then default", "pt-BR", problem.InternalError.TitleMessage(), "pt-BR", "Internal Server Error"},
		{"base language", "pt", problem.RouteNotFound.TitleMessage(), "pt", "Não encontrado"},
		{"other region", "pt-PT", problem.RouteNotFound.TitleMessage(), "pt", "Não encontrado"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := b.Negotiate(tt.header)
			if got := tr.Language(); got != tt.lang {
				t.Errorf("Language() = %q, want %q", got, tt.lang)
			}
			if got := tr.Translate(tt.msg); got != tt.want {
				t.Errorf("Translate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, seed := range []string{
		"", "*", "en", "ko-KR", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7",
		"fr-CH, fr;q=0.9, ko;q=0.8, *;q=0.5", "ko;q=0", "en;q=0, *", "ko;q=abc",
		";;;", "da, en-gb;q=0.8, en;q=0.7", "zh-Hant-TW;q=0.3", "x-klingon",
		"i-default", "en-u-ca-gregory", "sr-Latn-RS", strings.Repeat("a-", 600),
	} {
		f.Add(seed)
	}
	b := newBundle(f, i18n.Options{})
	supported := map[string]bool{}
	for _, t := range b.Languages() {
		supported[t.String()] = true
	}
	f.Fuzz(func(t *testing.T, header string) {
		start := time.Now()
		tr := b.Negotiate(header)
		if d := time.Since(start); d > time.Second { // generous: CI machines stall
			t.Errorf("Negotiate took %v", d)
		}
		if !supported[tr.Language()] {
			t.Errorf("Negotiate(%q).Language() = %q, not a bundle language", header, tr.Language())
		}
		if tr.Translate(problem.InternalError.TitleMessage()) == "" {
			t.Errorf("Negotiate(%q) translates the INTERNAL_ERROR title to nothing", header)
		}
	})
}

func BenchmarkNegotiate(b *testing.B) {
	bundle := newBundle(b, i18n.Options{})
	hostile := strings.Repeat("zz-Latn-ZZ;q=0.001, ", 200)
	benchmarks := []struct {
		name   string
		header string
		cached bool
	}{
		{"typical", "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", true},
		{"hostile", hostile, false},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bundle.Negotiate(bm.header)
			}
		})
	}
	// Uncached: a fresh header every time, as on the first request of each
	// client kind, beside x/text's own parser and matcher on the same
	// headers (which answer some headers wrongly, see
	// TestNegotiateWhereXTextDiffers).
	headers := make([]string, 4096)
	for i := range headers {
		headers[i] = "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7" + strings.Repeat(" ", 130+i%8)
	}
	b.Run("typical-uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			bundle.Negotiate(headers[i%len(headers)])
			i++
		}
	})
	b.Run("typical-uncached-x_text", func(b *testing.B) {
		matcher := language.NewMatcher(bundle.Languages())
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			tags, _, _ := language.ParseAcceptLanguage(headers[i%len(headers)])
			matcher.Match(tags...)
			i++
		}
	})
}

func mustTag(s string) language.Tag { return language.MustParse(s) }
