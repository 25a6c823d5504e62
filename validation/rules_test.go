package validation_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/problemkit/problemkit/validation"
)

// TestRules checks the field detail of every rule with a message of its
// own: pointer, field, rule, param and English detail.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		v    any
		body string
		want []field
	}{
		{"required", &struct {
			A string `json:"a" validate:"required"`
		}{}, `{}`, []field{{"#/a", "a", "", "required", "", "a is required"}}},
		{"required_if", &struct {
			Kind  string `json:"kind"`
			Other string `json:"other" validate:"required_if=Kind business"`
		}{}, `{"kind":"business"}`, []field{{"#/other", "other", "", "required_if", "kind business", "other is required when kind is business"}}},
		{"required_if several", &struct {
			Kind  string `json:"kind"`
			Tier  string `json:"tier"`
			Other string `json:"other" validate:"required_if=Kind b Tier 'gold plus'"`
		}{}, `{"kind":"b","tier":"gold plus"}`, []field{{"#/other", "other", "", "required_if", "kind b tier gold plus", "other is required for the given values of kind, tier"}}},
		{"required_unless", &struct {
			Kind  string `json:"kind"`
			Other string `json:"other" validate:"required_unless=Kind personal"`
		}{}, `{"kind":"x"}`, []field{{"#/other", "other", "", "required_unless", "kind personal", "other is required unless kind is personal"}}},
		{"required_with", &struct {
			Street string `json:"street"`
			City   string `json:"city" validate:"required_with=Street"`
		}{}, `{"street":"Main"}`, []field{{"#/city", "city", "", "required_with", "street", "city is required when street is present"}}},
		{"required_with several", &struct {
			Street string `json:"street"`
			Zip    string `json:"zip"`
			City   string `json:"city" validate:"required_with=Street Zip"`
		}{}, `{"zip":"1"}`, []field{{"#/city", "city", "", "required_with", "street zip", "city is required when any of street, zip is present"}}},
		{"required_with_all", &struct {
			Street string `json:"street"`
			Zip    string `json:"zip"`
			City   string `json:"city" validate:"required_with_all=Street Zip"`
		}{}, `{"street":"Main","zip":"1"}`, []field{{"#/city", "city", "", "required_with_all", "street zip", "city is required when all of street, zip are present"}}},
		{"required_without", &struct {
			Email string `json:"email"`
			Phone string `json:"phone" validate:"required_without=Email"`
		}{}, `{}`, []field{{"#/phone", "phone", "", "required_without", "email", "phone is required when email is missing"}}},
		{"required_without_all", &struct {
			Email string `json:"email"`
			Fax   string `json:"fax"`
			Phone string `json:"phone" validate:"required_without_all=Email Fax"`
		}{}, `{}`, []field{{"#/phone", "phone", "", "required_without_all", "email fax", "phone is required when all of email, fax are missing"}}},
		{"min string", &struct {
			A string `json:"a" validate:"min=3"`
		}{}, `{"a":"ab"}`, []field{{"#/a", "a", "", "min", "3", "a must be at least 3 characters long"}}},
		{"min string one", &struct {
			A string `json:"a" validate:"min=1"`
		}{}, `{"a":""}`, []field{{"#/a", "a", "", "min", "1", "a must be at least 1 character long"}}},
		{"min number", &struct {
			A int `json:"a" validate:"min=18"`
		}{}, `{"a":17}`, []field{{"#/a", "a", "", "min", "18", "a must be 18 or greater"}}},
		{"min slice", &struct {
			A []int `json:"a" validate:"min=2"`
		}{}, `{"a":[1]}`, []field{{"#/a", "a", "", "min", "2", "a must contain at least 2 items"}}},
		{"min slice one", &struct {
			A []int `json:"a" validate:"min=1"`
		}{}, `{"a":[]}`, []field{{"#/a", "a", "", "min", "1", "a must contain at least 1 item"}}},
		{"min map", &struct {
			A map[string]int `json:"a" validate:"min=2"`
		}{}, `{"a":{"x":1}}`, []field{{"#/a", "a", "", "min", "2", "a must contain at least 2 items"}}},
		{"max string", &struct {
			A string `json:"a" validate:"max=3"`
		}{}, `{"a":"abcd"}`, []field{{"#/a", "a", "", "max", "3", "a must be at most 3 characters long"}}},
		{"max string counts characters", &struct {
			A string `json:"a" validate:"max=2"`
		}{}, `{"a":"한국어"}`, []field{{"#/a", "a", "", "max", "2", "a must be at most 2 characters long"}}},
		{"max number", &struct {
			A float64 `json:"a" validate:"max=1.5"`
		}{}, `{"a":2}`, []field{{"#/a", "a", "", "max", "1.5", "a must be 1.5 or less"}}},
		{"max slice", &struct {
			A []string `json:"a" validate:"max=1"`
		}{}, `{"a":["x","y"]}`, []field{{"#/a", "a", "", "max", "1", "a must contain at most 1 item"}}},
		{"len string", &struct {
			A string `json:"a" validate:"len=5"`
		}{}, `{"a":"1234"}`, []field{{"#/a", "a", "", "len", "5", "a must be exactly 5 characters long"}}},
		{"len number", &struct {
			A int `json:"a" validate:"len=5"`
		}{}, `{"a":4}`, []field{{"#/a", "a", "", "len", "5", "a must be equal to 5"}}},
		{"len slice", &struct {
			A []int `json:"a" validate:"len=2"`
		}{}, `{"a":[1]}`, []field{{"#/a", "a", "", "len", "2", "a must contain exactly 2 items"}}},
		{"eq string", &struct {
			A string `json:"a" validate:"eq=yes"`
		}{}, `{"a":"no"}`, []field{{"#/a", "a", "", "eq", "yes", "a must be equal to yes"}}},
		{"eq number", &struct {
			A int `json:"a" validate:"eq=3"`
		}{}, `{"a":2}`, []field{{"#/a", "a", "", "eq", "3", "a must be equal to 3"}}},
		{"eq slice", &struct {
			A []int `json:"a" validate:"eq=2"`
		}{}, `{"a":[1]}`, []field{{"#/a", "a", "", "eq", "2", "a must contain exactly 2 items"}}},
		{"ne string", &struct {
			A string `json:"a" validate:"ne=admin"`
		}{}, `{"a":"admin"}`, []field{{"#/a", "a", "", "ne", "admin", "a must not be equal to admin"}}},
		{"ne slice", &struct {
			A []int `json:"a" validate:"ne=1"`
		}{}, `{"a":[1]}`, []field{{"#/a", "a", "", "ne", "1", "a must not contain exactly 1 item"}}},
		{"gt string", &struct {
			A string `json:"a" validate:"gt=2"`
		}{}, `{"a":"ab"}`, []field{{"#/a", "a", "", "gt", "2", "a must be longer than 2 characters"}}},
		{"gt number", &struct {
			A int `json:"a" validate:"gt=0"`
		}{}, `{"a":0}`, []field{{"#/a", "a", "", "gt", "0", "a must be greater than 0"}}},
		{"gt slice", &struct {
			A []int `json:"a" validate:"gt=1"`
		}{}, `{"a":[1]}`, []field{{"#/a", "a", "", "gt", "1", "a must contain more than 1 item"}}},
		{"gt time", &struct {
			A time.Time `json:"a" validate:"gt"`
		}{}, `{"a":"2001-02-03T04:05:06Z"}`, []field{{"#/a", "a", "", "gt", "", "a must be in the future"}}},
		{"gte string", &struct {
			A string `json:"a" validate:"gte=2"`
		}{}, `{"a":"a"}`, []field{{"#/a", "a", "", "gte", "2", "a must be at least 2 characters long"}}},
		{"gte number", &struct {
			A int `json:"a" validate:"gte=1"`
		}{}, `{"a":0}`, []field{{"#/a", "a", "", "gte", "1", "a must be 1 or greater"}}},
		{"gte slice", &struct {
			A []int `json:"a" validate:"gte=2"`
		}{}, `{"a":[]}`, []field{{"#/a", "a", "", "gte", "2", "a must contain at least 2 items"}}},
		{"gte time", &struct {
			A time.Time `json:"a" validate:"gte"`
		}{}, `{"a":"2001-02-03T04:05:06Z"}`, []field{{"#/a", "a", "", "gte", "", "a must not be in the past"}}},
		{"lt string", &struct {
			A string `json:"a" validate:"lt=2"`
		}{}, `{"a":"ab"}`, []field{{"#/a", "a", "", "lt", "2", "a must be shorter than 2 characters"}}},
		{"lt number", &struct {
			A int `json:"a" validate:"lt=10"`
		}{}, `{"a":10}`, []field{{"#/a", "a", "", "lt", "10", "a must be less than 10"}}},
		{"lt slice", &struct {
			A []int `json:"a" validate:"lt=2"`
		}{}, `{"a":[1,2]}`, []field{{"#/a", "a", "", "lt", "2", "a must contain fewer than 2 items"}}},
		{"lt time", &struct {
			A time.Time `json:"a" validate:"lt"`
		}{}, `{"a":"2999-02-03T04:05:06Z"}`, []field{{"#/a", "a", "", "lt", "", "a must be in the past"}}},
		{"lte string", &struct {
			A string `json:"a" validate:"lte=1"`
		}{}, `{"a":"ab"}`, []field{{"#/a", "a", "", "lte", "1", "a must be at most 1 character long"}}},
		{"lte number", &struct {
			A int `json:"a" validate:"lte=10"`
		}{}, `{"a":11}`, []field{{"#/a", "a", "", "lte", "10", "a must be 10 or less"}}},
		{"lte slice", &struct {
			A []int `json:"a" validate:"lte=1"`
		}{}, `{"a":[1,2]}`, []field{{"#/a", "a", "", "lte", "1", "a must contain at most 1 item"}}},
		{"lte time", &struct {
			A time.Time `json:"a" validate:"lte"`
		}{}, `{"a":"2999-02-03T04:05:06Z"}`, []field{{"#/a", "a", "", "lte", "", "a must not be in the future"}}},
		{"oneof", &struct {
			A string `json:"a" validate:"oneof=red green 'light blue'"`
		}{}, `{"a":"pink"}`, []field{{"#/a", "a", "", "oneof", "red green 'light blue'", "a must be one of red, green, light blue"}}},
		{"email", &struct {
			A string `json:"a" validate:"email"`
		}{}, `{"a":"x@"}`, []field{{"#/a", "a", "", "email", "", "a must be a valid email address"}}},
		{"url", &struct {
			A string `json:"a" validate:"url"`
		}{}, `{"a":"nope"}`, []field{{"#/a", "a", "", "url", "", "a must be a valid URL"}}},
		{"uri", &struct {
			A string `json:"a" validate:"uri"`
		}{}, `{"a":"nope"}`, []field{{"#/a", "a", "", "uri", "", "a must be a valid URI"}}},
		{"uuid", &struct {
			A string `json:"a" validate:"uuid"`
		}{}, `{"a":"nope"}`, []field{{"#/a", "a", "", "uuid", "", "a must be a valid UUID"}}},
		{"uuid4 shares uuid", &struct {
			A string `json:"a" validate:"uuid4"`
		}{}, `{"a":"nope"}`, []field{{"#/a", "a", "", "uuid4", "", "a must be a valid UUID"}}},
		{"alpha", &struct {
			A string `json:"a" validate:"alpha"`
		}{}, `{"a":"a1"}`, []field{{"#/a", "a", "", "alpha", "", "a must contain only letters"}}},
		{"alphanum", &struct {
			A string `json:"a" validate:"alphanum"`
		}{}, `{"a":"a-1"}`, []field{{"#/a", "a", "", "alphanum", "", "a must contain only letters and digits"}}},
		{"numeric", &struct {
			A string `json:"a" validate:"numeric"`
		}{}, `{"a":"1x"}`, []field{{"#/a", "a", "", "numeric", "", "a must be a numeric value"}}},
		{"number", &struct {
			A string `json:"a" validate:"number"`
		}{}, `{"a":"-1"}`, []field{{"#/a", "a", "", "number", "", "a must contain only digits"}}},
		{"boolean", &struct {
			A string `json:"a" validate:"boolean"`
		}{}, `{"a":"maybe"}`, []field{{"#/a", "a", "", "boolean", "", "a must be a boolean value"}}},
		{"datetime", &struct {
			A string `json:"a" validate:"datetime=2006-01-02"`
		}{}, `{"a":"02/03/2001"}`, []field{{"#/a", "a", "", "datetime", "2006-01-02", "a must be a date and time in the format 2006-01-02"}}},
		{"e164", &struct {
			A string `json:"a" validate:"e164"`
		}{}, `{"a":"0101234"}`, []field{{"#/a", "a", "", "e164", "", "a must be a phone number in E.164 format, such as +14155550123"}}},
		{"iso3166_1_alpha2", &struct {
			A string `json:"a" validate:"iso3166_1_alpha2"`
		}{}, `{"a":"XX"}`, []field{{"#/a", "a", "", "iso3166_1_alpha2", "", "a must be a two-letter ISO 3166-1 country code"}}},
		{"iso4217", &struct {
			A string `json:"a" validate:"iso4217"`
		}{}, `{"a":"XXY"}`, []field{{"#/a", "a", "", "iso4217", "", "a must be a three-letter ISO 4217 currency code"}}},
		{"ip", &struct {
			A string `json:"a" validate:"ip"`
		}{}, `{"a":"1.2.3"}`, []field{{"#/a", "a", "", "ip", "", "a must be a valid IP address"}}},
		{"ipv4", &struct {
			A string `json:"a" validate:"ipv4"`
		}{}, `{"a":"::1"}`, []field{{"#/a", "a", "", "ipv4", "", "a must be a valid IPv4 address"}}},
		{"ipv6", &struct {
			A string `json:"a" validate:"ipv6"`
		}{}, `{"a":"1.2.3.4"}`, []field{{"#/a", "a", "", "ipv6", "", "a must be a valid IPv6 address"}}},
		{"hostname", &struct {
			A string `json:"a" validate:"hostname"`
		}{}, `{"a":"-bad-"}`, []field{{"#/a", "a", "", "hostname", "", "a must be a valid hostname"}}},
		{"startswith", &struct {
			A string `json:"a" validate:"startswith=sk_"`
		}{}, `{"a":"pk_1"}`, []field{{"#/a", "a", "", "startswith", "sk_", "a must start with sk_"}}},
		{"endswith", &struct {
			A string `json:"a" validate:"endswith=.com"`
		}{}, `{"a":"x.org"}`, []field{{"#/a", "a", "", "endswith", ".com", "a must end with .com"}}},
		{"contains", &struct {
			A string `json:"a" validate:"contains=@"`
		}{}, `{"a":"x"}`, []field{{"#/a", "a", "", "contains", "@", "a must contain @"}}},
		{"excludes", &struct {
			A string `json:"a" validate:"excludes=<"`
		}{}, `{"a":"<b>"}`, []field{{"#/a", "a", "", "excludes", "<", "a must not contain <"}}},
		{"unique", &struct {
			A []string `json:"a" validate:"unique"`
		}{}, `{"a":["x","x"]}`, []field{{"#/a", "a", "", "unique", "", "a must not contain duplicate values"}}},
		{"dive element rule", &struct {
			A []string `json:"a" validate:"dive,email"`
		}{}, `{"a":["a@b.co","x"]}`, []field{{"#/a/1", "a[1]", "", "email", "", "a[1] must be a valid email address"}}},
		{"dive with collection rule", &struct {
			A []string `json:"a" validate:"max=3,dive,min=2"`
		}{}, `{"a":["ok","x","y"]}`, []field{
			{"#/a/1", "a[1]", "", "min", "2", "a[1] must be at least 2 characters long"},
			{"#/a/2", "a[2]", "", "min", "2", "a[2] must be at least 2 characters long"},
		}},
		{"eqfield", &struct {
			Password string `json:"password"`
			Confirm  string `json:"confirm" validate:"eqfield=Password"`
		}{}, `{"password":"a","confirm":"b"}`, []field{{"#/confirm", "confirm", "", "eqfield", "password", "confirm must be equal to password"}}},
		{"nefield", &struct {
			Old string `json:"old"`
			New string `json:"new" validate:"nefield=Old"`
		}{}, `{"old":"a","new":"a"}`, []field{{"#/new", "new", "", "nefield", "old", "new must not be equal to old"}}},
		{"gtfield", &struct {
			Min int `json:"min"`
			Max int `json:"max" validate:"gtfield=Min"`
		}{}, `{"min":5,"max":5}`, []field{{"#/max", "max", "", "gtfield", "min", "max must be greater than min"}}},
		{"gtfield time", &struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end" validate:"gtfield=Start"`
		}{}, `{"start":"2001-01-02T00:00:00Z","end":"2001-01-01T00:00:00Z"}`, []field{{"#/end", "end", "", "gtfield", "start", "end must be after start"}}},
		{"gtefield", &struct {
			Min int `json:"min"`
			Max int `json:"max" validate:"gtefield=Min"`
		}{}, `{"min":5,"max":4}`, []field{{"#/max", "max", "", "gtefield", "min", "max must be greater than or equal to min"}}},
		{"ltfield", &struct {
			Max int `json:"max"`
			Min int `json:"min" validate:"ltfield=Max"`
		}{}, `{"max":5,"min":5}`, []field{{"#/min", "min", "", "ltfield", "max", "min must be less than max"}}},
		{"ltefield", &struct {
			Max int `json:"max"`
			Min int `json:"min" validate:"ltefield=Max"`
		}{}, `{"max":5,"min":6}`, []field{{"#/min", "min", "", "ltefield", "max", "min must be less than or equal to max"}}},
		{"ltefield time", &struct {
			End   time.Time `json:"end"`
			Start time.Time `json:"start" validate:"ltefield=End"`
		}{}, `{"end":"2001-01-01T00:00:00Z","start":"2001-01-02T00:00:00Z"}`, []field{{"#/start", "start", "", "ltefield", "end", "start must not be after end"}}},
		{"rule without a message", &struct {
			A string `json:"a" validate:"json"`
		}{}, `{"a":"{"}`, []field{{"#/a", "a", "", "json", "", "a must be valid JSON"}}},
		{"unknown tag name in messages", &struct {
			A string `json:"a" validate:"excluded_with=B"`
			B string `json:"b"`
		}{}, `{"a":"x","b":"y"}`, []field{{"#/a", "a", "", "excluded_with", "b", "a is invalid (excluded_with)"}}},
	}
	d := validation.New(validation.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := asProblem(t, d.Decode(jsonRequest(tt.body), tt.v))
			if pe.Code() != validation.Failed {
				t.Fatalf("code = %s, want VALIDATION_ERROR", pe.Code().Code)
			}
			if got := fieldsOf(pe); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", got, tt.want)
			}
			if got := pe.Extensions()["count"]; got != len(tt.want) {
				t.Errorf("count = %v, want %d", got, len(tt.want))
			}
		})
	}
}
