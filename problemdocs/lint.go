package problemdocs

import (
	"errors"
	"fmt"

	"github.com/problemkit/problemkit/problem"
)

// Lint reports every code of the catalog whose documentation is incomplete:
// no description, no "when", no client action, or an extension member
// without a description. Call it from a test so that adding a code without
// its docs fails the build:
//
//	if err := problemdocs.Lint(catalog); err != nil { t.Error(err) }
//
// Lint checks the English declarations only; check the translations with
// [github.com/problemkit/problemkit/i18n.Bundle.Check].
func Lint(cat *problem.Catalog) error {
	var errs []error
	for _, c := range cat.Codes() {
		if c.Description == "" {
			errs = append(errs, fmt.Errorf("%s: no Description", c.Code))
		}
		if c.When == "" {
			errs = append(errs, fmt.Errorf("%s: no When", c.Code))
		}
		if c.Action == "" {
			errs = append(errs, fmt.Errorf("%s: no Action", c.Code))
		}
		for _, m := range c.Members {
			if m.Description == "" || m.Type == "" {
				errs = append(errs, fmt.Errorf("%s: member %q needs a Type and a Description", c.Code, m.Name))
			}
		}
	}
	return errors.Join(errs...)
}
