package problem

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// ErrDuplicateCode is returned when a code is registered twice in a catalog.
var ErrDuplicateCode = errors.New("problem: duplicate code")

// DefaultTypeBase is the type URI base of a catalog made with an empty base:
// a relative reference, so type URIs resolve against the API's own origin,
// where the docs handler can be mounted. Set an absolute base in production.
const DefaultTypeBase = "/problems/"

// Catalog is the set of codes an application answers with, the base its
// type URIs are built from, and the mappings of other errors to those codes
// (MapError, MapFunc): everything that decides what an error becomes, in
// one place (see Map). One made by NewCatalog holds the built-in codes; the
// zero Catalog holds none and uses DefaultTypeBase.
//
// Register codes and mappings at start-up; a Catalog is safe for
// concurrent use.
type Catalog struct {
	base string

	mu       sync.RWMutex
	codes    map[string]*Code
	order    []*Code
	rules    []func(error) *Error // MapError and MapFunc, in order
	uris     map[*Code]string     // the type URI of each registered code
	features []*Feature           // Include's, in order
}

// NewCatalog returns a catalog holding the built-in codes, whose relative
// type URIs resolve against base, such as "https://api.example.com/problems/".
// An empty base means DefaultTypeBase. A base should end with "/".
func NewCatalog(base string) *Catalog {
	if base == "" {
		base = DefaultTypeBase
	}
	c := &Catalog{base: base, codes: make(map[string]*Code)}
	if err := c.Register(Builtin()...); err != nil {
		panic(err) // the built-in declarations are static: a bug here fails every test
	}
	return c
}

// Base returns the base relative type URIs are resolved against.
func (c *Catalog) Base() string { return c.base }

// Register adds codes to the catalog. It fails, registering none of them,
// when a code is invalid (no name, not upper snake case, status outside
// 400–599, no title) or already registered: a code is declared once. A
// package's codes come with their messages through Include.
func (c *Catalog) Register(codes ...*Code) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.register(codes)
}

// register is Register with c.mu held.
func (c *Catalog) register(codes []*Code) error {
	if c.codes == nil { // a zero Catalog: usable, with no built-in codes
		c.codes = make(map[string]*Code)
	}
	seen := make(map[string]bool, len(codes))
	for _, code := range codes {
		if err := code.validate(); err != nil {
			return err
		}
		if _, dup := c.codes[code.Code]; dup || seen[code.Code] {
			return fmt.Errorf("%w: %s", ErrDuplicateCode, code.Code)
		}
		seen[code.Code] = true
	}
	if c.uris == nil {
		c.uris = make(map[*Code]string, len(codes))
	}
	for _, code := range codes {
		c.codes[code.Code] = code
		c.order = append(c.order, code)
		c.uris[code] = resolveType(c.baseOrDefault(), code)
	}
	return nil
}

// MustRegister is Register for start-up code: it panics on an invalid or
// duplicate code.
func (c *Catalog) MustRegister(codes ...*Code) *Catalog {
	if err := c.Register(codes...); err != nil {
		panic(err)
	}
	return c
}

// Lookup returns the registered code with the given name.
func (c *Catalog) Lookup(code string) (*Code, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.codes[code]
	return v, ok
}

// Codes returns every registered code: the built-in ones first, then the
// application's, in registration order.
func (c *Catalog) Codes() []*Code {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]*Code(nil), c.order...)
}

// TypeURI returns the type URI of code: BlankType or an absolute URI as
// declared, otherwise the declared relative reference (or the code's slug)
// appended to the catalog's base. A nil or zero catalog uses
// DefaultTypeBase.
func (c *Catalog) TypeURI(code *Code) string {
	if c == nil {
		return resolveType(DefaultTypeBase, code)
	}
	c.mu.RLock()
	uri, ok := c.uris[code]
	c.mu.RUnlock()
	if ok {
		return uri // worked out at Register: no work per response
	}
	return resolveType(c.baseOrDefault(), code)
}

func (c *Catalog) baseOrDefault() string {
	if c.base != "" {
		return c.base
	}
	return DefaultTypeBase
}

func resolveType(base string, code *Code) string {
	if code == nil {
		return BlankType
	}
	t := code.Type
	if t == BlankType {
		return t
	}
	if t != "" {
		if hasScheme(t) {
			return t
		}
	} else {
		t = code.Slug()
	}
	if strings.HasSuffix(base, "/") {
		return base + strings.TrimPrefix(t, "/")
	}
	return base + "/" + strings.TrimPrefix(t, "/")
}

// hasScheme reports whether ref starts with a URI scheme (RFC 3986 §3.1:
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), making it absolute.
func hasScheme(ref string) bool {
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}
