package problemdocs_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/validation"
)

var accountLocked = &problem.Code{
	Code: "ACCOUNT_LOCKED", Status: http.StatusConflict, Title: "Account locked",
	Description: "The account is locked.", When: "A transfer from a locked account.", Action: "Unlock it first.",
}

type transferIn struct {
	From   int    `json:"from"`
	Amount int64  `json:"amount"`
	Note   string `json:"note,omitempty"`
}

// testOperations are the declarations of a small API.
func testOperations() []problemdocs.Operation {
	return []problemdocs.Operation{
		{Method: "POST", Pattern: "/accounts/{id}/transfers", Summary: "Transfer from an account",
			Params:    []problemdocs.Param{{Name: "id", In: "path", Schema: problemdocs.Schema{"type": "integer", "format": "int64", "example": 7}}},
			Body:      &problemdocs.Body{Schema: problemdocs.SchemaOf(transferIn{})},
			Responses: []problemdocs.Response{{Status: 201, Schema: problemdocs.SchemaOf(transferIn{})}},
			Problems:  []*problem.Code{insufficientFunds, accountLocked}},
		{Method: "GET", Pattern: "/pages/{slug}", Summary: "A page", RateLimited: true,
			Responses: []problemdocs.Response{{Status: 200, ContentType: "text/html", Schema: problemdocs.Schema{"type": "string"}}}},
		{Method: "PUT", Pattern: "/files/{name}", Summary: "Store a file", Tags: []string{"files"},
			Params:    []problemdocs.Param{{Name: "name", In: "path", Lenient: true}},
			Body:      &problemdocs.Body{ContentType: "application/octet-stream"},
			Responses: []problemdocs.Response{{Status: 204}}, Problems: []*problem.Code{problem.PayloadTooLarge}},
	}
}

func operationsCatalog() *problem.Catalog {
	return problem.NewCatalog("https://api.example.com/problems/").MustInclude(validation.Feature).MustRegister(insufficientFunds, accountLocked)
}

// apiResponse is one response of an operation.
type apiResponse struct {
	Description string                    `json:"description"`
	Headers     map[string]any            `json:"headers"`
	Content     map[string]map[string]any `json:"content"`
}

// apiDoc is the part of an API document the tests read.
type apiDoc struct {
	Tags  []map[string]string `json:"tags"`
	Paths map[string]map[string]struct {
		OperationID string                 `json:"operationId"`
		Tags        []string               `json:"tags"`
		Description string                 `json:"description"`
		Parameters  []map[string]any       `json:"parameters"`
		RequestBody map[string]any         `json:"requestBody"`
		Responses   map[string]apiResponse `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas   map[string]any `json:"schemas"`
		Responses map[string]any `json:"responses"`
	} `json:"components"`
}

func TestOpenAPIOperations(t *testing.T) {
	var b bytes.Buffer
	if err := problemdocs.OpenAPI(&b, operationsCatalog(), nil, problemdocs.OpenAPIOptions{Title: "Example API", Operations: testOperations()}); err != nil {
		t.Fatal(err)
	}
	var doc apiDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	transfer := doc.Paths["/accounts/{id}/transfers"]["post"]
	page := doc.Paths["/pages/{slug}"]["get"]
	file := doc.Paths["/files/{name}"]["put"]
	statuses := func(r map[string]apiResponse) []string {
		var out []string
		for s := range r {
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	problemOf := func(status string, r map[string]apiResponse) (schema map[string]any, examples []string) {
		media := r[status].Content[problem.MediaType]
		schema, _ = media["schema"].(map[string]any)
		ex, _ := media["examples"].(map[string]any)
		for k := range ex {
			examples = append(examples, k)
		}
		slices.Sort(examples)
		return schema, examples
	}

	tests := []struct {
		name      string
		got, want any
	}{
		{"operationId from method and path", transfer.OperationID, "postAccountsByIdTransfers"},
		{"tag from the first segment", transfer.Tags, []string{"accounts"}},
		{"declared tag", file.Tags, []string{"files"}},
		{"tags listed", len(doc.Tags), 3},
		{"statuses of a JSON body with parameters", statuses(transfer.Responses), []string{"201", "400", "405", "409", "413", "415", "422", "500", "default"}},
		{"statuses of a rate-limited page", statuses(page.Responses), []string{"200", "405", "429", "500", "default"}},
		{"a lenient parameter and a raw body add no code", statuses(file.Responses), []string{"204", "405", "413", "500", "default"}},
		{"undeclared path parameter is a string", page.Parameters[0]["schema"], map[string]any{"type": "string"}},
		{"path parameters are required", page.Parameters[0]["required"], true},
		{"description lists the problems", page.Description, "Problems: METHOD_NOT_ALLOWED (405), RATE_LIMITED (429), INTERNAL_ERROR (500)."},
		{"RateLimit fields on success", page.Responses["200"].Headers["RateLimit-Policy"] != nil, true},
		{"Retry-After on the 429", page.Responses["429"].Headers["Retry-After"] != nil, true},
		{"no components of unused codes", doc.Components.Schemas["UPSTREAM_ERROR"] == nil && doc.Components.Schemas["TRAILING_DATA"] != nil, true},
		{"no reusable responses in an API document", doc.Components.Responses == nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := json.Marshal(tt.got)
			w, _ := json.Marshal(tt.want)
			if !bytes.Equal(g, w) {
				t.Errorf("got %s, want %s", g, w)
			}
		})
	}

	t.Run("several codes under one status: a oneOf discriminated by code", func(t *testing.T) {
		schema, examples := problemOf("400", transfer.Responses)
		if d, _ := schema["discriminator"].(map[string]any); d["propertyName"] != "code" || len(schema["oneOf"].([]any)) != len(examples) {
			t.Errorf("400 schema %v", schema)
		}
		want := []string{"EMPTY_BODY", "INVALID_PARAMETER", "MALFORMED_JSON", "MALFORMED_REQUEST", "TRAILING_DATA"}
		if !slices.Equal(examples, want) {
			t.Errorf("400 examples %v, want %v", examples, want)
		}
	})
	t.Run("one code: its schema", func(t *testing.T) {
		schema, examples := problemOf("409", transfer.Responses)
		if schema["$ref"] != "#/components/schemas/ACCOUNT_LOCKED" || !slices.Equal(examples, []string{"ACCOUNT_LOCKED"}) {
			t.Errorf("409: %v %v", schema, examples)
		}
	})
	t.Run("the default response is 499", func(t *testing.T) {
		schema, _ := problemOf("default", transfer.Responses)
		if schema["$ref"] != "#/components/schemas/CLIENT_CLOSED_REQUEST" {
			t.Errorf("default: %v", schema)
		}
	})
	t.Run("examples name the operation's path", func(t *testing.T) {
		if !strings.Contains(b.String(), `"instance": "/accounts/7/transfers"`) {
			t.Error("no example with instance /accounts/7/transfers")
		}
	})
	golden(t, "openapi-operations.json", b.Bytes())
}

func TestOpenAPIRejectsBadDeclarations(t *testing.T) {
	stray := &problem.Code{Code: "STRAY", Status: 400, Title: "Stray"}
	ok := problemdocs.Operation{Method: "GET", Pattern: "/a/{id}", Summary: "A"}
	with := func(f func(*problemdocs.Operation)) []problemdocs.Operation {
		op := ok
		f(&op)
		return []problemdocs.Operation{op}
	}
	tests := []struct {
		name string
		ops  []problemdocs.Operation
		want string
	}{
		{"no summary", with(func(o *problemdocs.Operation) { o.Summary = "" }), "GET /a/{id}: no Summary"},
		{"no method", with(func(o *problemdocs.Operation) { o.Method = "" }), "needs a method and a pattern"},
		{"declared twice", []problemdocs.Operation{ok, ok}, "declared twice"},
		{"a code outside the catalog", with(func(o *problemdocs.Operation) { o.Problems = []*problem.Code{stray} }), "code STRAY is not in the catalog"},
		{"a path parameter not in the pattern", with(func(o *problemdocs.Operation) { o.Params = []problemdocs.Param{{Name: "x", In: "path"}} }), `path parameter "x" is not in the pattern`},
		{"an unknown place", with(func(o *problemdocs.Operation) { o.Params = []problemdocs.Param{{Name: "x", In: "cookie"}} }), `In is "cookie"`},
		{"a failure as a success", with(func(o *problemdocs.Operation) { o.Responses = []problemdocs.Response{{Status: 404}} }), "Responses are for success"},
		{"an unknown security scheme", with(func(o *problemdocs.Operation) { o.Security = []string{"bearer"} }), `security scheme "bearer"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := problemdocs.OpenAPI(&bytes.Buffer{}, operationsCatalog(), nil, problemdocs.OpenAPIOptions{Operations: tt.ops})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

type inner struct {
	City string `json:"city"`
}

type Embedded struct {
	Shared string `json:"shared"`
}

type schemaProbe struct {
	Embedded
	Name     string            `json:"name"`
	Count    int32             `json:"count,omitempty"`
	Big      uint64            `json:"big"`
	Ratio    float64           `json:"ratio"`
	When     time.Time         `json:"when"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Inner    *inner            `json:"inner"`
	Tags     []string          `json:"tags,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Data     []byte            `json:"data,omitempty"`
	Skipped  string            `json:"-"`
	NoTag    bool
	internal int
}

func TestSchemaOf(t *testing.T) {
	got, _ := json.Marshal(problemdocs.SchemaOf(schemaProbe{internal: 1}))
	want := `{"properties":{"NoTag":{"type":"boolean"},"big":{"format":"int64","type":"integer"},"count":{"format":"int32","type":"integer"},` +
		`"data":{"format":"byte","type":"string"},"inner":{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"},` +
		`"labels":{"additionalProperties":{"type":"string"},"type":"object"},"name":{"type":"string"},"ratio":{"format":"double","type":"number"},` +
		`"raw":{},"shared":{"type":"string"},"tags":{"items":{"type":"string"},"type":"array"},"when":{"format":"date-time","type":"string"}},` +
		`"required":["shared","name","big","ratio","when","inner","NoTag"],"type":"object"}`
	if string(got) != want {
		t.Errorf("SchemaOf:\n got %s\nwant %s", got, want)
	}
	if s := problemdocs.SchemaOf(nil); len(s) != 0 {
		t.Errorf("SchemaOf(nil) = %v, want {}", s)
	}
}
