package validation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

type CreateUser struct {
	Email    string `json:"email" validate:"required,email"`
	Name     string `json:"name" validate:"required,min=2"`
	Password string `json:"password" validate:"required,min=12" problem:"secret"`
	Address  struct {
		Zip string `json:"zip" validate:"len=5"`
	} `json:"address"`
}

func createUser(w http.ResponseWriter, r *http.Request) error {
	var in CreateUser
	if err := validation.Decode(r, &in); err != nil {
		return err // 400, 413, 415 or 422, rendered by the middleware
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// A handler decodes and validates its body in one call and returns the
// error; the middleware renders it as a problem.
func ExampleDecode() {
	h := problemhttp.New(problemhttp.Options{}).Handler(problemhttp.Handle(createUser))

	req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(
		`{"email":"not-an-email","name":"A","password":"hunter2","address":{"zip":"123"}}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		panic(err)
	}
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(p.Code, "-", p.Detail)
	for _, e := range p.Errors {
		fmt.Printf("%s %s=%s: %s\n", e.Pointer, e.Rule, e.Param, e.Detail)
	}
	// Output:
	// 422 application/problem+json
	// VALIDATION_ERROR - 4 fields are invalid.
	// #/email email=: email must be a valid email address
	// #/name min=2: name must be at least 2 characters long
	// #/password min=12: password must be at least 12 characters long
	// #/address/zip len=5: address.zip must be exactly 5 characters long
}

// Options set the body limit, accept unknown fields, and add messages for
// custom rules.
func ExampleNew() {
	dec := validation.New(validation.Options{
		MaxBytes: 16,
		Messages: map[string]problem.Message{"iban": {Default: "{{.field}} must be an IBAN"}},
	})
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"email":"someone@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	err := dec.Decode(req, new(CreateUser))
	fmt.Println(err)
	// Output:
	// PAYLOAD_TOO_LARGE: The request body is larger than this endpoint accepts.
}

// Params binds query, path and header parameters and validates them.
func ExampleDecoder_Params() {
	type listOrders struct {
		Page   int    `query:"page" validate:"min=1"`
		Status string `query:"status" validate:"omitempty,oneof=open paid"`
		Tenant string `path:"tenant" validate:"required"`
	}
	req := httptest.NewRequest(http.MethodGet, "/t/acme/orders?page=0&status=lost", nil)
	req.SetPathValue("tenant", "acme")
	in := listOrders{Page: 1}
	err := validation.New(validation.Options{}).Params(req, &in)
	for _, f := range err.(*problem.Error).Fields() {
		// The middleware renders Message in the client's language; here, English.
		fmt.Printf("%s %s: %s\n", f.In, f.Field, f.Message.String())
	}
	// Output:
	// query page: page must be 1 or greater
	// query status: status must be one of open, paid
}

// Options.Rules registers rules of the application's own on the Decoder's
// validator; Options.Messages words them.
func ExampleNew_rules() {
	dec := validation.New(validation.Options{
		Rules: func(v *validator.Validate) error {
			return v.RegisterValidation("sku", func(fl validator.FieldLevel) bool {
				return strings.HasPrefix(fl.Field().String(), "SKU-")
			})
		},
		Messages: map[string]problem.Message{"sku": {Default: "{{.field}} must start with SKU-"}},
	})
	type line struct {
		Item string `json:"item" validate:"sku"`
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"item":"ABC-1"}`))
	req.Header.Set("Content-Type", "application/json")
	err := dec.Decode(req, new(line))
	for _, f := range err.(*problem.Error).Fields() {
		fmt.Printf("%s %s: %s\n", f.Pointer, f.Rule, f.Message.String())
	}
	// Output:
	// #/item sku: item must start with SKU-
}

// Validate checks a value that did not come from a request body, such as
// a message read from a queue, with the same rules and field names.
func ExampleDecoder_Validate() {
	dec := validation.New(validation.Options{})
	var in CreateUser
	if err := json.Unmarshal([]byte(`{"email":"a@b.co","name":"Ann","password":"correct horse","address":{"zip":"1"}}`), &in); err != nil {
		panic(err)
	}
	err := dec.Validate(context.Background(), &in)
	for _, f := range err.(*problem.Error).Fields() {
		fmt.Printf("%s %s=%s\n", f.Pointer, f.Rule, f.Param)
	}
	// Output:
	// #/address/zip len=5
}

// Messages lists every message ID with its English text, for locale files.
func ExampleMessages() {
	for _, m := range validation.Messages() {
		if strings.HasPrefix(m.ID, "validation.min.") {
			fmt.Printf("%s\n  other: %q\n  one:   %q\n", m.ID, m.Default, m.One)
		}
	}
	// Output:
	// validation.min.number
	//   other: "{{.field}} must be {{.param}} or greater"
	//   one:   ""
	// validation.min.slice
	//   other: "{{.field}} must contain at least {{.param}} items"
	//   one:   "{{.field}} must contain at least {{.param}} item"
	// validation.min.string
	//   other: "{{.field}} must be at least {{.param}} characters long"
	//   one:   "{{.field}} must be at least {{.param}} character long"
}

func ExampleSecretFields() {
	fmt.Println(validation.SecretFields(CreateUser{}))
	// Output:
	// [password]
}
