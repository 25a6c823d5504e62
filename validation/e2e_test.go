package validation_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// TestEndToEnd runs requests through a real chi router and the middleware
// pipeline and decodes the application/problem+json body they get back.
func TestEndToEnd(t *testing.T) {
	dec := validation.New(validation.Options{MaxBytes: 256, EchoValues: true})
	r := chi.NewRouter()
	r.Use(problemhttp.New(problemhttp.Options{Logger: discard()}).Handler)
	r.Post("/tenants/{tenant}/users", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var p struct {
			Tenant string `path:"tenant" validate:"alphanum"`
			DryRun bool   `query:"dryRun"`
		}
		if err := dec.Params(r, &p); err != nil {
			return err
		}
		var in CreateUser
		if err := dec.Decode(r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}))

	valid := `{"email":"a@b.co","name":"Ann","password":"correct horse battery","address":{"zip":"12345"}}`
	tests := []struct {
		name        string
		target      string
		contentType string
		body        string
		wantStatus  int
		wantCode    string
		wantExt     map[string]any
		wantErrors  []problem.FieldError
	}{
		{"invalid fields, secret not echoed", "/tenants/acme/users", "application/json",
			`{"email":"x","name":"Ann","password":"short","address":{"zip":"1"}}`, 422, "VALIDATION_ERROR",
			map[string]any{"count": float64(3)},
			[]problem.FieldError{
				{Pointer: "#/email", Field: "email", Rule: "email", Detail: "email must be a valid email address", Value: "x"},
				{Pointer: "#/password", Field: "password", Rule: "min", Param: "12", Detail: "password must be at least 12 characters long"},
				{Pointer: "#/address/zip", Field: "address.zip", Rule: "len", Param: "5", Detail: "address.zip must be exactly 5 characters long", Value: "1"},
			}},
		{"wrong type", "/tenants/acme/users", "application/json", `{"address":{"zip":12345}}`, 422, "INVALID_FIELD_TYPE", nil,
			[]problem.FieldError{{Pointer: "#/address/zip", Field: "address.zip", Rule: "type", Param: "string", Detail: "address.zip must be a string"}}},
		{"unknown field", "/tenants/acme/users", "application/json", `{"emial":"a@b.co"}`, 422, "UNKNOWN_FIELD", nil,
			[]problem.FieldError{{Pointer: "#/emial", Field: "emial", Rule: "unknown", Detail: "emial is not a known field"}}},
		{"malformed", "/tenants/acme/users", "application/json", "{\n\"email\": }", 400, "MALFORMED_JSON",
			map[string]any{"line": float64(2), "column": float64(10), "offset": float64(11)}, nil},
		{"trailing", "/tenants/acme/users", "application/json", valid + "]", 400, "TRAILING_DATA",
			map[string]any{"offset": float64(len(valid))}, nil},
		{"empty", "/tenants/acme/users", "application/json", "", 400, "EMPTY_BODY", nil, nil},
		{"too large", "/tenants/acme/users", "application/json", `{"name":"` + strings.Repeat("n", 300) + `"}`, 413, "PAYLOAD_TOO_LARGE",
			map[string]any{"limit": float64(256)}, nil},
		{"media type", "/tenants/acme/users", "text/plain", valid, 415, "UNSUPPORTED_MEDIA_TYPE",
			map[string]any{"accepted": []any{"application/json", "application/*+json"}}, nil},
		{"parameters", "/tenants/ac-me/users?dryRun=perhaps", "application/json", valid, 400, "INVALID_PARAMETER",
			map[string]any{"count": float64(2)},
			[]problem.FieldError{
				{Field: "tenant", In: "path", Rule: "alphanum", Detail: "tenant must contain only letters and digits", Value: "ac-me"},
				{Field: "dryRun", In: "query", Rule: "type", Param: "boolean", Detail: "dryRun must be true or false"},
			}},
	}
	t.Run("created", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/tenants/acme/users", strings.NewReader(valid))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated || rec.Body.Len() != 0 {
			t.Errorf("got %d %s, want 201 and no body", rec.Code, rec.Body)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != problem.MediaType {
				t.Errorf("Content-Type = %q", ct)
			}
			var p problem.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Code != tt.wantCode || p.Status != tt.wantStatus {
				t.Errorf("code, status = %q, %d; want %q", p.Code, p.Status, tt.wantCode)
			}
			if !reflect.DeepEqual(p.Extensions, tt.wantExt) {
				t.Errorf("extensions = %#v, want %#v", p.Extensions, tt.wantExt)
			}
			if !reflect.DeepEqual(p.Errors, tt.wantErrors) {
				t.Errorf("errors:\n got %+v\nwant %+v", p.Errors, tt.wantErrors)
			}
			if p.RequestID != rec.Header().Get("X-Request-ID") {
				t.Errorf("requestId %q, header %q", p.RequestID, rec.Header().Get("X-Request-ID"))
			}
		})
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
