package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/problemkit/problemkit/internal/tmpl"
	"github.com/problemkit/problemkit/locales"
	"github.com/problemkit/problemkit/problem"
)

// Options configures a Bundle. The zero value means the defaults: English
// as the default language and the messages of the built-in codes only.
type Options struct {
	// Catalog is the application's catalog: the bundle loads the message
	// files of every feature it includes (see problem.Catalog.Include),
	// after problemkit's own and before Files. Build the catalog first,
	// and give the same one to the pipeline. Nil means the built-in codes
	// only.
	Catalog *problem.Catalog
	// Default is the language used when the client accepts none of the
	// bundle's languages, and the one that fills any gap in the others.
	// It must be one of the languages that have message files, or a more
	// specific tag of one ("en-US" selects "en"). The zero value means
	// English.
	Default language.Tag
	// Files are the application's message files, loaded after
	// problemkit's own (see package locales) and the features', in order,
	// so that a message
	// with the same ID and language replaces the earlier one. Every
	// "*.json" file in each file system, at any depth, is a go-i18n
	// message file whose name ends in its language tag: "ko.json",
	// "active.ko.json", "locales/pt-BR.json". Files in other message
	// formats are an error; other files are ignored.
	Files []fs.FS
}

// Bundle holds the messages of every language an application answers in,
// and the machinery to choose one per request. Build one per application
// with New, at start-up; a Bundle is safe for concurrent use and never
// changes.
//
// *Bundle implements [github.com/problemkit/problemkit/problemhttp.Localizer]
// and [github.com/problemkit/problemkit/problemdocs.Localizer].
type Bundle struct {
	bundle      *goi18n.Bundle
	tags        []language.Tag // supported languages, the default first
	matcher     language.Matcher
	translators []*translator // by index in tags

	cache     sync.Map // raw Accept-Language header → *translator
	cacheSize atomic.Int64

	// files are the message files, problemkit's and the features' then
	// the application's, for Check; the path of each of the first names
	// its owner ("validation's locales/ko.json").
	files []*goi18n.MessageFile
}

// New builds a Bundle from problemkit's message files, those of the
// features its catalog includes, and the application's. It fails when a
// file cannot be read or parsed, when its name does not carry a language
// tag, when a message is not a valid template, or when the default
// language has no messages.
func New(opts Options) (*Bundle, error) {
	files, err := readFiles(locales.FS)
	if err != nil {
		return nil, fmt.Errorf("i18n: built-in locales: %w", err)
	}
	for _, m := range files {
		m.Path = "problemkit's " + m.Path
	}
	if opts.Catalog != nil {
		for _, f := range opts.Catalog.Features() {
			if f.Files == nil {
				continue
			}
			more, err := readFiles(f.Files)
			if err != nil {
				return nil, fmt.Errorf("i18n: feature %s: %w", f.Name, err)
			}
			for _, m := range more {
				m.Path = f.Name + "'s " + m.Path
			}
			files = append(files, more...)
		}
	}
	for _, fsys := range opts.Files {
		if fsys == nil {
			continue
		}
		more, err := readFiles(fsys)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		files = append(files, more...)
	}

	def, err := defaultLanguage(opts.Default, files)
	if err != nil {
		return nil, err
	}
	gb := goi18n.NewBundle(def)
	// Register the languages, less specific tags first: x/text's matcher,
	// which go-i18n uses too, breaks ties by order, and "pt" must find
	// "pt", not "pt-BR".
	langs := make([]language.Tag, 0, len(files))
	for _, f := range files {
		if !slices.Contains(langs, f.Tag) {
			langs = append(langs, f.Tag)
		}
	}
	slices.SortStableFunc(langs, func(a, b language.Tag) int {
		return strings.Count(a.String(), "-") - strings.Count(b.String(), "-")
	})
	for _, tag := range langs {
		if err := gb.AddMessages(tag); err != nil {
			return nil, fmt.Errorf("i18n: language %s: %w", tag, err)
		}
	}
	for _, f := range files {
		if err := gb.AddMessages(f.Tag, f.Messages...); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f.Path, err)
		}
	}

	b := &Bundle{bundle: gb, tags: append([]language.Tag(nil), gb.LanguageTags()...), files: files}
	b.matcher = language.NewMatcher(b.tags)
	others, err := b.singulars()
	if err != nil {
		return nil, err
	}
	b.translators = make([]*translator, len(b.tags))
	for i, tag := range b.tags {
		t := &translator{lang: tag.String()}
		for _, j := range b.chain(i) {
			t.chain = append(t.chain, goi18n.NewLocalizer(gb, b.tags[j].String()))
			t.others = append(t.others, others[j])
		}
		b.translators[i] = t
	}
	return b, nil
}

// singulars returns, per language of b.tags, the compiled "other" form of
// each message by ID, the last file winning as in go-i18n: the messages a
// translator renders without go-i18n's plural machinery when they have no
// count (see translator.localize).
func (b *Bundle) singulars() ([]map[string]*tmpl.Template, error) {
	out := make([]map[string]*tmpl.Template, len(b.tags))
	for i := range out {
		out[i] = make(map[string]*tmpl.Template)
	}
	for _, f := range b.files {
		i := slices.Index(b.tags, f.Tag)
		if i < 0 {
			continue
		}
		for _, m := range f.Messages {
			if m.Other == "" {
				delete(out[i], m.ID) // a later file without "other" overrides it
				continue
			}
			t, err := tmpl.Compile(m.Other, funcs)
			if err != nil {
				return nil, fmt.Errorf("i18n: message %q: %w", m.ID, err)
			}
			out[i][m.ID] = t
		}
	}
	return out, nil
}

// chain returns the indexes in b.tags of the languages tried in turn for
// the language at index i: the language itself, its supported parents
// ("pt-BR", then "pt"), then the default language.
func (b *Bundle) chain(i int) []int {
	chain := []int{i}
	for p := b.tags[i].Parent(); p != language.Und; p = p.Parent() {
		for j, t := range b.tags {
			if t == p && !slices.Contains(chain, j) {
				chain = append(chain, j)
			}
		}
	}
	if !slices.Contains(chain, 0) {
		chain = append(chain, 0)
	}
	return chain
}

// defaultLanguage returns the language of files that want names, which
// may be a more specific tag of it.
func defaultLanguage(want language.Tag, files []*goi18n.MessageFile) (language.Tag, error) {
	if want == language.Und {
		want = language.English
	}
	var tags []language.Tag
	for _, f := range files {
		if f.Tag == want {
			return want, nil
		}
		tags = append(tags, f.Tag)
	}
	_, i, conf := language.NewMatcher(tags).Match(want)
	if conf < language.High {
		return language.Und, fmt.Errorf("i18n: default language %s has no message files", want)
	}
	return tags[i], nil
}

// readFiles parses every JSON message file in fsys and checks that each
// message is a valid template.
func readFiles(fsys fs.FS) ([]*goi18n.MessageFile, error) {
	var files []*goi18n.MessageFile
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(path.Ext(name)) {
		case ".json":
		case ".toml", ".yaml", ".yml", ".ini":
			return fmt.Errorf("%s: only JSON message files are supported", name)
		default:
			return nil
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		f, err := goi18n.ParseMessageFileBytes(buf, name, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if f.Tag == language.Und {
			return fmt.Errorf("%s: file name does not end in a language tag, such as ko.json", name)
		}
		for _, m := range f.Messages {
			if err := checkTemplates(m); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// checkTemplates parses every plural form of m, so that a broken message
// fails at start-up rather than falling back silently in a response.
func checkTemplates(m *goi18n.Message) error {
	var errs []error
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		if _, err := (textParser{}).Parse(src, m.LeftDelim, m.RightDelim); err != nil {
			errs = append(errs, fmt.Errorf("message %q: %w", m.ID, err))
		}
	}
	return errors.Join(errs...)
}

// Languages returns the languages the bundle has messages for: the default
// language first, then the others, less specific tags ("pt") before more
// specific ones ("pt-BR"). The slice is a copy.
func (b *Bundle) Languages() []language.Tag {
	return append([]language.Tag(nil), b.tags...)
}

// Translator returns the translator for r's language, negotiated from its
// Accept-Language header (see Negotiate). Responses it shapes should carry
// "Vary: Accept-Language"; the pipeline
// ([github.com/problemkit/problemkit/problemhttp]) writes it.
func (b *Bundle) Translator(r *http.Request) problem.Translator {
	h := r.Header["Accept-Language"]
	switch len(h) {
	case 0:
		return b.translators[0]
	case 1:
		return b.Negotiate(h[0])
	}
	return b.Negotiate(strings.Join(h, ","))
}

// Negotiate returns the translator for the best of the bundle's languages
// for an Accept-Language header value, such as "ko-KR,ko;q=0.9,en;q=0.8".
// Quality values, "*" and region fallback ("ko-KR" is served "ko") are
// honored; an empty, malformed or unsatisfiable header gets the default
// language. It never fails, and only the first 1 KiB and 32 entries of a
// header are read.
func (b *Bundle) Negotiate(acceptLanguage string) problem.Translator {
	return b.negotiate(acceptLanguage)
}

// maxCachedHeaders bounds the negotiation cache, and maxCachedHeaderLen the
// headers it keeps: real clients send a handful of short, repeated values.
const (
	maxCachedHeaders   = 1024
	maxCachedHeaderLen = 128
)

func (b *Bundle) negotiate(header string) *translator {
	if header == "" {
		return b.translators[0]
	}
	cacheable := len(header) <= maxCachedHeaderLen
	if cacheable {
		if t, ok := b.cache.Load(header); ok {
			return t.(*translator)
		}
	}
	t := b.translators[b.match(header)]
	if cacheable && b.cacheSize.Load() < maxCachedHeaders {
		if _, loaded := b.cache.LoadOrStore(header, t); !loaded {
			b.cacheSize.Add(1)
		}
	}
	return t
}
