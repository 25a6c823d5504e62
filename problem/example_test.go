package problem_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// An application declares each failure once, as a Code.
var exampleUserNotFound = &problem.Code{
	Code:   "USER_NOT_FOUND",
	Status: http.StatusNotFound,
	Title:  "User not found",
	Detail: "No user has the ID {{.userId}}.",
}

// A handler returns an *Error built from a Code, with extension members and
// the cause, which is logged but never shown to clients.
func ExampleCode_New() {
	err := exampleUserNotFound.New().With("userId", 42).Wrap(sql.ErrNoRows)

	fmt.Println(err)
	fmt.Println(err.Code().Status, errors.Is(err, sql.ErrNoRows))
	fmt.Println(err.Title().String())
	fmt.Println(err.Detail().String())
	fmt.Println(err.Extensions())
	// Output:
	// USER_NOT_FOUND: No user has the ID 42.: sql: no rows in result set
	// 404 true
	// User not found
	// No user has the ID 42.
	// map[userId:42]
}

// Reserved member names cannot be set as extensions; a call-site detail
// replaces the code's default.
func ExampleError_With() {
	err := exampleUserNotFound.New().
		With("status", 200). // ignored: a standard member
		With("userId", 7).
		WithDetail("That user was deleted.").
		WithHeader("Cache-Control", "no-store")

	fmt.Println(err.Extensions())
	fmt.Println(err.Detail().String())
	fmt.Println(err.Header().Get("Cache-Control"))
	// Output:
	// map[userId:7]
	// That user was deleted.
	// no-store
}

// A Catalog holds the built-in codes and the application's, refuses a code
// registered twice, and builds type URIs.
func ExampleCatalog_Register() {
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	if err := catalog.Register(exampleUserNotFound); err != nil {
		fmt.Println(err)
	}

	err := catalog.Register(exampleUserNotFound)
	fmt.Println(err)
	fmt.Println(errors.Is(err, problem.ErrDuplicateCode))

	code, ok := catalog.Lookup("USER_NOT_FOUND")
	fmt.Println(code.Title, ok)
	fmt.Println(catalog.TypeURI(code))
	fmt.Println(catalog.TypeURI(problem.RouteNotFound))
	// Output:
	// problem: duplicate code: USER_NOT_FOUND
	// true
	// User not found true
	// https://api.example.com/problems/user-not-found
	// about:blank
}

func ExampleCatalog_TypeURI() {
	catalog := problem.NewCatalog("https://api.example.com/problems")
	outOfCredit := &problem.Code{Code: "OUT_OF_CREDIT", Status: 403, Title: "Out of credit", Type: "https://example.com/probs/out-of-credit"}
	renamed := &problem.Code{Code: "ACCOUNT_LOCKED", Status: 403, Title: "Account locked", Type: "accounts/locked"}

	fmt.Println(catalog.TypeURI(exampleUserNotFound))
	fmt.Println(catalog.TypeURI(outOfCredit))
	fmt.Println(catalog.TypeURI(renamed))
	fmt.Println(catalog.TypeURI(problem.MethodNotAllowed))
	// Output:
	// https://api.example.com/problems/user-not-found
	// https://example.com/probs/out-of-credit
	// https://api.example.com/problems/accounts/locked
	// about:blank
}

// errAccountLocked is a domain error that does not import problemkit: it
// names its code and status by duck typing.
type errAccountLocked struct{ id int }

func (e errAccountLocked) Error() string     { return fmt.Sprintf("account %d is locked", e.id) }
func (e errAccountLocked) ErrorCode() string { return "ACCOUNT_LOCKED" }
func (e errAccountLocked) StatusCode() int   { return http.StatusLocked }

// A Catalog turns any error into an *Error: errors mapped to a code, such
// as sql.ErrNoRows, domain errors with ErrorCode/StatusCode methods, and
// anything else as an internal error whose cause is kept for the log.
func ExampleCatalog_Map() {
	catalog := problem.NewCatalog("").MustRegister(exampleUserNotFound).
		MapError(sql.ErrNoRows, exampleUserNotFound)

	for _, err := range []error{
		fmt.Errorf("load user: %w", sql.ErrNoRows),
		fmt.Errorf("transfer: %w", errAccountLocked{id: 12}),
		exampleUserNotFound.New().With("userId", 3),
		errors.New("disk on fire"),
	} {
		e := catalog.Map(err)
		fmt.Println(e.Code().Status, e.Code().Code, e.Unwrap())
		if e.Note() != "" {
			fmt.Println("  note:", e.Note())
		}
	}
	// Output:
	// 404 USER_NOT_FOUND load user: sql: no rows in result set
	// 423 LOCKED transfer: account 12 is locked
	//   note: ErrorCode() "ACCOUNT_LOCKED" is not in the catalog: answered with the generic code LOCKED of StatusCode() 423
	// 404 USER_NOT_FOUND <nil>
	// 500 INTERNAL_ERROR disk on fire
}

// Every member is written at the top level: the standard ones, then
// problemkit's, then the extensions sorted by name. An extension can never
// replace a standard member.
func ExampleProblem_MarshalJSON() {
	p := &problem.Problem{
		Type:      "https://example.com/probs/out-of-credit",
		Title:     "You do not have enough credit.",
		Status:    http.StatusForbidden,
		Detail:    "Your current balance is 30, but that costs 50.",
		Instance:  "/account/12345/msgs/abc",
		Code:      "OUT_OF_CREDIT",
		RequestID: "req-1",
		Timestamp: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Extensions: map[string]any{
			"balance":  30,
			"accounts": []string{"/account/12345", "/account/67890"},
			"status":   200, // never written
		},
	}
	b, err := p.MarshalJSON()
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(string(b))
	// Output:
	// {"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","code":"OUT_OF_CREDIT","requestId":"req-1","timestamp":"2024-05-01T12:00:00Z","accounts":["/account/12345","/account/67890"],"balance":30}
}

// Unknown members, and members of the wrong type, are kept as extensions.
func ExampleProblem_UnmarshalJSON() {
	var p problem.Problem
	err := p.UnmarshalJSON([]byte(`{"type":"https://example.com/probs/out-of-credit","status":"403","title":"Out of credit","balance":30}`))
	fmt.Println(err)
	fmt.Printf("%q %d %q\n", p.Title, p.Status, p.Type)
	fmt.Println(p.Extensions)
	// Output:
	// <nil>
	// "Out of credit" 0 "https://example.com/probs/out-of-credit"
	// map[balance:30 status:403]
}
