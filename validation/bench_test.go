package validation_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/validation"
)

// benchBody is a typical 10-field request body.
type benchBody struct {
	Email     string   `json:"email" validate:"required,email"`
	Name      string   `json:"name" validate:"required,min=2,max=50"`
	Age       int      `json:"age" validate:"gte=18,lte=130"`
	Country   string   `json:"country" validate:"iso3166_1_alpha2"`
	Currency  string   `json:"currency" validate:"iso4217"`
	Phone     string   `json:"phone" validate:"omitempty,e164"`
	Website   string   `json:"website" validate:"omitempty,url"`
	Tags      []string `json:"tags" validate:"max=5,dive,min=2"`
	Plan      string   `json:"plan" validate:"oneof=free pro team"`
	Newsleter bool     `json:"newsletter"`
}

// Three rules fail: email, age and plan.
var benchJSON = []byte(`{"email":"nope","name":"Ann Lee","age":12,"country":"KR","currency":"KRW",` +
	`"phone":"+821012345678","website":"https://example.com","tags":["go","api"],"plan":"gold","newsletter":true}`)

func BenchmarkDecode(b *testing.B) {
	d := validation.New(validation.Options{})
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(benchJSON))
		r.Header.Set("Content-Type", "application/json")
		var v benchBody
		if err := d.Decode(r, &v); err == nil {
			b.Fatal("no error")
		}
	}
}

// BenchmarkBaseline is the same work done by hand, without problems: plain
// json.Unmarshal and validate.Struct.
func BenchmarkBaseline(b *testing.B) {
	v := validator.New(validator.WithRequiredStructEnabled())
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(benchJSON))
		r.Header.Set("Content-Type", "application/json")
		var body benchBody
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			b.Fatal(err)
		}
		if err := v.Struct(&body); err == nil {
			b.Fatal("no error")
		}
	}
}
