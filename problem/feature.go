package problem

import (
	"fmt"
	"io/fs"
)

// Feature is what one package adds to a catalog: the codes it answers
// with, the messages it writes beside them, and the message files that
// translate both. Each feature package declares one, such as
// validation.Feature or idempotency.Feature, and an application includes
// the features it uses:
//
//	catalog := problem.NewCatalog("https://api.example.com/problems/").
//		MustInclude(validation.Feature, idempotency.Feature).
//		MustRegister(UserNotFound)
//
// Including a feature is all it takes: its codes are answered, documented
// and mapped like the application's, and a bundle built from the catalog
// (package i18n) has its translations. Treat a Feature as immutable once
// declared.
type Feature struct {
	// Name names the feature in errors, such as "validation".
	Name string
	// Codes are the codes the feature answers with, in the order the
	// docs list them.
	Codes []*Code
	// Messages are the messages the feature writes other than its codes'
	// titles, details and docs, with their English defaults, such as the
	// validation package's rule messages ("validation.min.string"). A
	// message file may translate them; one whose ID nothing declares is a
	// mistake (see the i18n package's Bundle.Check).
	Messages []Message
	// Files holds the feature's go-i18n JSON message files, named after
	// their language ("ko.json"), for its codes and Messages; nil when it
	// ships English only.
	Files fs.FS
}

// Include registers the codes of features, as Register does, and keeps the
// features, in order, for the bundles and docs built from the catalog (see
// Features). It fails, including none of them, when a code is invalid or
// already registered.
func (c *Catalog) Include(features ...*Feature) error {
	var codes []*Code
	for _, f := range features {
		if f == nil {
			return fmt.Errorf("problem: nil feature")
		}
		codes = append(codes, f.Codes...)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.register(codes); err != nil {
		return err
	}
	c.features = append(c.features, features...)
	return nil
}

// MustInclude is Include for start-up code: it panics on an invalid or
// duplicate code.
func (c *Catalog) MustInclude(features ...*Feature) *Catalog {
	if err := c.Include(features...); err != nil {
		panic(err)
	}
	return c
}

// Features returns the features included in the catalog, in order. The
// slice is a copy.
func (c *Catalog) Features() []*Feature {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]*Feature(nil), c.features...)
}
