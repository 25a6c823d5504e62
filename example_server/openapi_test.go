package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestOpenAPIContract sends every request of the end-to-end contract to
// the real server, on both routers and in both modes, and validates each
// answer — status, Content-Type, headers, body — against the server's own
// GET /openapi.json with kin-openapi, a validator nobody here wrote. A
// status must be declared by number: the default response (499) catches
// nothing else.
func TestOpenAPIContract(t *testing.T) {
	for _, run := range []struct{ mode, mux string }{{"production", "chi"}, {"production", "std"}, {"development", "chi"}, {"development", "std"}} {
		t.Run(run.mux+"/"+run.mode, func(t *testing.T) {
			args := []string{"-mux", run.mux}
			if run.mode == "production" {
				args = append(args, "-production")
			}
			base, _ := startServer(t, args...)
			v := loadContract(t, base)
			v.development = run.mode == "development"
			for _, tt := range e2eCases() {
				t.Run(tt.name, func(t *testing.T) { v.check(t, tt.call, base) })
			}
			// The requests of TestEndToEnd's other steps.
			t.Run("duplicate transfer", func(t *testing.T) {
				v.check(t, call{method: "POST", path: "/transfers", body: transferBody("1", "2"), header: map[string]string{"Idempotency-Key": "k-1"}}, base)
			})
			for i := range 6 {
				t.Run("rate limit "+strconv.Itoa(i+1), func(t *testing.T) { v.check(t, call{method: "GET", path: "/limited"}, base) })
			}
		})
	}
}

// contract validates answers against an OpenAPI document.
type contract struct {
	doc         *openapi3.T
	router      routers.Router
	development bool // the server adds the debug member
}

// loadContract fetches the server's document, loads and validates it, and
// routes requests with it.
func loadContract(t *testing.T, base string) *contract {
	t.Helper()
	r := call{method: "GET", path: "/openapi.json"}.do(t, base)
	if r.status != 200 {
		t.Fatalf("GET /openapi.json: %d", r.status)
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil {
		t.Fatalf("kin-openapi cannot load /openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi finds /openapi.json invalid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{doc: doc, router: router}
}

// check sends c and validates the answer.
func (v *contract) check(t *testing.T, c call, base string) {
	t.Helper()
	r := c.do(t, base)
	req := c.request(t, base)
	route, params, err := v.route(req, r.status)
	if err != nil {
		t.Fatalf("%s %s (answered %d): %v", c.method, c.path, r.status, err)
	}
	resp := route.Operation.Responses.Status(r.status)
	if resp == nil && r.status != 499 {
		t.Fatalf("%s %s answered %d, which %s %s does not declare", c.method, c.path, r.status, route.Method, route.Path)
	}
	if c.method == http.MethodHead {
		// kin-openapi validates no HEAD answer: the headers of the GET's.
		mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		if resp.Value.Content.Get(mt) == nil {
			t.Errorf("HEAD %s: Content-Type %q is not one GET %s declares for %d", c.path, r.header.Get("Content-Type"), route.Path, r.status)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.status,
		Header:                 r.header,
		Body:                   io.NopCloser(bytes.NewReader(r.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: the %d answer does not match the document: %v\n%s", c.method, c.path, r.status, err, r.body)
	}
	v.membersDeclared(t, c, r)
}

// membersDeclared fails when a problem carries a member that neither the
// Problem schema nor its code's schema declares: the schemas allow any
// extension member, so ValidateResponse cannot see one the catalog
// forgot. Development mode's debug member is the one exception.
func (v *contract) membersDeclared(t *testing.T, c call, r response) {
	t.Helper()
	if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/problem+json" {
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	code, _ := doc["code"].(string)
	declared := map[string]bool{"debug": v.development}
	for _, name := range []string{"Problem", code} {
		ref := v.doc.Components.Schemas[name]
		if ref == nil {
			t.Fatalf("%s %s: the document has no schema %q", c.method, c.path, name)
		}
		for m := range ref.Value.Properties {
			declared[m] = true
		}
	}
	for m := range doc {
		if !declared[m] {
			t.Errorf("%s %s: the %s problem has a member %q that the document does not declare", c.method, c.path, code, m)
		}
	}
}

// route finds the operation that documents an answer: the request's own;
// for HEAD, the GET of the path; for a method the path lacks, an
// operation of the path (each declares the 405); for a path no operation
// has, one whose 404 is ROUTE_NOT_FOUND, as the document's description
// says.
func (v *contract) route(req *http.Request, status int) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(req)
	if !errors.Is(err, routers.ErrMethodNotAllowed) && !errors.Is(err, routers.ErrPathNotFound) {
		return route, params, err
	}
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		methods := []string{http.MethodGet, http.MethodPost}
		if req.Method == http.MethodHead {
			methods = methods[:1]
		} else if status != http.StatusMethodNotAllowed {
			return nil, nil, errors.New("the document has no such operation, yet the answer is not a 405")
		}
		for _, m := range methods {
			other := req.Clone(req.Context())
			other.Method = m
			if route, params, err := v.router.FindRoute(other); err == nil {
				return route, params, nil
			}
		}
		return nil, nil, err
	}
	if status != http.StatusNotFound {
		return nil, nil, errors.New("no operation has this path, yet the answer is not a 404")
	}
	notFound := v.doc.Components.Schemas["ROUTE_NOT_FOUND"]
	if notFound == nil {
		return nil, nil, errors.New("the document has no ROUTE_NOT_FOUND schema for paths no operation has")
	}
	op := openapi3.NewOperation()
	op.AddResponse(404, openapi3.NewResponse().WithDescription("ROUTE_NOT_FOUND").
		WithContent(openapi3.NewContentWithSchemaRef(notFound, []string{"application/problem+json"})))
	return &routers.Route{Spec: v.doc, Path: req.URL.Path, Method: req.Method, Operation: op}, nil, nil
}

// TestServedDocumentIsTheGeneratedOne: GET /openapi.json on the base URL
// the docs are generated for serves docs/openapi.json byte for byte.
func TestServedDocumentIsTheGeneratedOne(t *testing.T) {
	base, _ := startServer(t, "-production", "-base-url", "http://localhost:8080")
	r := call{method: "GET", path: "/openapi.json"}.do(t, base)
	want, err := os.ReadFile("../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" || !bytes.Equal(r.body, want) {
		t.Errorf("GET /openapi.json: %d %q, %d bytes; docs/openapi.json has %d (go generate ./... rewrites it)", r.status, r.header.Get("Content-Type"), len(r.body), len(want))
	}
}

// TestEveryRouteDeclared fails when a route of the table has no
// declaration, or when the document lists an operation the table does
// not have.
func TestEveryRouteDeclared(t *testing.T) {
	catalog, err := newCatalog("http://localhost:8080/problems/")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := newBundle(catalog)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := docRoutes(catalog, bundle)
	if err != nil {
		t.Fatalf("the route table's document: %v", err)
	}
	var table []string
	for _, rt := range routes {
		if rt.doc.Summary == "" {
			t.Errorf("route %s %s has no declaration: write its problemdocs.Operation beside it", rt.method, rt.pattern)
		}
		table = append(table, rt.method+" "+rt.pattern)
	}
	doc, err := apiDocument(catalog, bundle, routes)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(table)
	slices.Sort(documented)
	if !slices.Equal(table, documented) {
		t.Errorf("the document's operations differ from the route table:\n table: %s\n  doc:  %s", strings.Join(table, ", "), strings.Join(documented, ", "))
	}
}
