// Package bench compares problemkit with its peers on the same routes, in one
// process: problemkit on chi, huma v2 on chi, fuego, and hand-written chi.
// Each stack serves
//
//	GET  /healthz     200 {"status":"ok"}
//	GET  /users/{id}  404 USER_NOT_FOUND for every id but 1, with a userId member
//	POST /users       422 VALIDATION_ERROR with an errors array
//
// and every failure is an application/problem+json document with the same
// members (type, title, status, detail, instance, code, requestId,
// timestamp, and userId or errors and count), the same response headers and,
// in the logged configuration, one slog JSON record.
//
// Everything that touches problemkit's API is in problemkit.go; each peer
// has its own file. The table is printed by ./cmd/peers; bench_test.go has
// the same cases as Go benchmarks.
package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-playground/validator/v10"
)

// TypeBase is the base of every problem type URI, for every stack.
const TypeBase = "https://api.example.com/problems/"

// The texts every stack answers with, in English: the peers copy problemkit's
// (its catalog and locales) so that no stack writes less.
const (
	userNotFoundTitle    = "User not found"
	validationErrorTitle = "Request validation failed"
)

func userNotFoundDetail(id int) string { return "No user has the ID " + strconv.Itoa(id) + "." }

func validationErrorDetail(n int) string {
	if n == 1 {
		return "1 field is invalid."
	}
	return strconv.Itoa(n) + " fields are invalid."
}

// User is what GET /users/{id} answers when the user exists.
type User struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
}

// users is the store every stack looks users up in: only ID 1 exists, so
// GET /users/42 is a 404 everywhere.
var users = map[int]User{1: {ID: 1, Username: "alice"}}

func findUser(id int) (User, bool) {
	u, ok := users[id]
	return u, ok
}

// SignUp is POST /users' body for the stacks that validate with
// go-playground/validator tags: problemkit (validation package), fuego and
// hand-written chi. huma has its own tags (see humaSignUp).
type SignUp struct {
	Username string `json:"username" validate:"required,min=3,max=32,alphanum"`
	Email    string `json:"email" validate:"required,email"`
	Password string `json:"password" validate:"required,min=8"`
	Age      int    `json:"age" validate:"min=1,max=150"`
	City     string `json:"city" validate:"required"`
	Zip      string `json:"zip" validate:"required,len=5"`
}

// signUpBody breaks three rules: username too short (min=3), email
// malformed, age out of range (max=150). The other fields are valid.
var signUpBody = []byte(`{"username":"ab","email":"not-an-email","password":"long enough","age":200,"city":"Seoul","zip":"04524"}`)

// invalidFields are the JSON pointers a 422 must list, in this order.
var invalidFields = []string{"#/username", "#/email", "#/age"}

// Problem is the problem document the peers marshal: the members problemkit
// writes, in its order. problemkit writes its own (package problem).
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	Code      string       `json:"code"`
	RequestID string       `json:"requestId,omitempty"`
	Timestamp string       `json:"timestamp"`
	UserID    int          `json:"userId,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
	Count     int          `json:"count,omitempty"`
}

// FieldError is one entry of a 422's errors array, as problemkit writes it.
type FieldError struct {
	Pointer string `json:"pointer,omitempty"`
	Field   string `json:"field"`
	Rule    string `json:"rule,omitempty"`
	Param   string `json:"param,omitempty"`
	Detail  string `json:"detail"`
}

func (p *Problem) Error() string { return p.Code + ": " + p.Detail }

// userNotFound is the peers' typed 404; the stack fills in instance,
// requestId and timestamp where its framework knows them.
func userNotFound(id int) *Problem {
	return &Problem{
		Type: TypeBase + "user-not-found", Title: userNotFoundTitle, Status: http.StatusNotFound,
		Detail: userNotFoundDetail(id), Code: "USER_NOT_FOUND", UserID: id,
	}
}

func validationFailed(fields []FieldError) *Problem {
	return &Problem{
		Type: TypeBase + "validation-error", Title: validationErrorTitle, Status: http.StatusUnprocessableEntity,
		Detail: validationErrorDetail(len(fields)), Code: "VALIDATION_ERROR", Errors: fields, Count: len(fields),
	}
}

func timestamp() string { return time.Now().UTC().Format(time.RFC3339) }

// setProblemHeaders sets the headers problemkit sets on every problem, so
// that no peer is measured writing fewer.
func setProblemHeaders(h http.Header, requestID string) {
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Language", "en")
	h.Set("Vary", "Accept, Accept-Language")
	h.Set("X-Request-Id", requestID)
}

// writeProblem is the hand-written and fuego way to send a problem: headers,
// status, json.Marshal.
func writeProblem(w http.ResponseWriter, p *Problem) {
	body, err := json.Marshal(p)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setProblemHeaders(w.Header(), p.RequestID)
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// logFailure is the peers' one log record per failure: the smallest
// idiomatic slog call with the attributes problemkit's record has (it adds
// the error text, and a field:rule list on 422s). logger is nil when the
// stack is built without failure logging.
func logFailure(logger *slog.Logger, r *http.Request, route string, p *Problem) {
	if logger == nil {
		return
	}
	logger.LogAttrs(r.Context(), slog.LevelInfo, "request failed",
		slog.String("requestId", p.RequestID),
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.String("path", r.URL.Path),
		slog.Int("status", p.Status),
		slog.String("code", p.Code),
	)
}

// newValidator is the validator the hand-written and fuego stacks use:
// validator/v10 as its README shows it, naming fields by their json tags.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// fieldErrors turns validator's errors into the errors array by hand, with
// the English messages problemkit's locales have for these rules.
func fieldErrors(ve validator.ValidationErrors) []FieldError {
	out := make([]FieldError, 0, len(ve))
	for _, fe := range ve {
		field := fe.Field()
		out = append(out, FieldError{
			Pointer: "#/" + field, Field: field, Rule: fe.Tag(), Param: fe.Param(),
			Detail: fieldMessage(field, fe),
		})
	}
	return out
}

func fieldMessage(field string, fe validator.FieldError) string {
	numeric := fe.Kind() >= reflect.Int && fe.Kind() <= reflect.Float64
	switch fe.Tag() {
	case "required":
		return field + " is required"
	case "email":
		return field + " must be a valid email address"
	case "alphanum":
		return field + " must contain only letters and digits"
	case "min":
		if numeric {
			return field + " must be " + fe.Param() + " or greater"
		}
		return field + " must be at least " + fe.Param() + " characters long"
	case "max":
		if numeric {
			return field + " must be " + fe.Param() + " or less"
		}
		return field + " must be at most " + fe.Param() + " characters long"
	case "len":
		return field + " must be exactly " + fe.Param() + " characters long"
	}
	return fmt.Sprintf("%s is invalid (%s)", field, fe.Tag())
}

// Sink is where every stack's log records go: it discards them and counts
// the writes (slog's handlers write each record with one Write), so the
// check can tell one record per failure from none or two.
type Sink struct{ writes atomic.Int64 }

func (s *Sink) Write(p []byte) (int, error) {
	s.writes.Add(1)
	return len(p), nil
}

// Records returns the number of records written so far.
func (s *Sink) Records() int64 { return s.writes.Load() }

var _ io.Writer = (*Sink)(nil)
