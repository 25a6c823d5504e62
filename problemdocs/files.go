package problemdocs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/problemkit/problemkit/internal/english"
	"github.com/problemkit/problemkit/problem"
)

// WriteFiles writes the catalog's documents into dir: errors.md in the
// first translator's language (English when there is none),
// errors.<lang>.md for each other one, openapi.json in the first language
// (see OpenAPI: with opts.Operations, the API's own document), and
// catalog.json, the catalog's snapshot (see NewSnapshot). It only
// rewrites files whose content changed, so an unchanged catalog leaves
// their modification times alone.
func WriteFiles(dir string, cat *problem.Catalog, opts OpenAPIOptions, translators ...problem.Translator) error {
	if len(translators) == 0 {
		translators = []problem.Translator{english.Translator{}}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, tr := range translators {
		name := "errors.md"
		if i > 0 {
			name = "errors." + tr.Language() + ".md"
		}
		var b bytes.Buffer
		if err := Markdown(&b, cat, tr); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := writeIfChanged(filepath.Join(dir, name), b.Bytes()); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if err := OpenAPI(&b, cat, translators[0], opts); err != nil {
		return fmt.Errorf("openapi.json: %w", err)
	}
	if err := writeIfChanged(filepath.Join(dir, "openapi.json"), b.Bytes()); err != nil {
		return err
	}
	b.Reset()
	if err := WriteSnapshot(&b, cat); err != nil {
		return fmt.Errorf("catalog.json: %w", err)
	}
	return writeIfChanged(filepath.Join(dir, "catalog.json"), b.Bytes())
}

func writeIfChanged(path string, content []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil
	}
	return os.WriteFile(path, content, 0o644)
}
