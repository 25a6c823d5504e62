package problem_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/problemkit/problemkit/problem"
)

// Domain errors that never import problemkit.
type (
	// codeErr names a code: ErrorCode only.
	codeErr struct{ code string }
	// statusErr tells a status: StatusCode only.
	statusErr struct{ status int }
	// codeStatusErr tells both.
	codeStatusErr struct {
		code   string
		status int
	}
	// foreignErr carries a problem document of another API.
	foreignErr struct{ doc *problem.Problem }
	// providerErr describes itself as a problem without being an *Error.
	providerErr struct{ e *problem.Error }
	// everythingErr has every method the mapper looks for except
	// ProblemError, is errEverything and wraps context.DeadlineExceeded.
	everythingErr struct{ doc *problem.Problem }
)

func (e codeErr) Error() string                { return "failed with " + e.code }
func (e codeErr) ErrorCode() string            { return e.code }
func (e statusErr) Error() string              { return fmt.Sprintf("failed with %d", e.status) }
func (e statusErr) StatusCode() int            { return e.status }
func (e codeStatusErr) Error() string          { return "failed with " + e.code }
func (e codeStatusErr) ErrorCode() string      { return e.code }
func (e codeStatusErr) StatusCode() int        { return e.status }
func (e foreignErr) Error() string             { return "foreign problem" }
func (e foreignErr) Problem() *problem.Problem { return e.doc }
func (e providerErr) Error() string            { return "provider" }
func (e providerErr) ProblemError() *problem.Error {
	return e.e
}

func (e everythingErr) Error() string             { return "everything" }
func (e everythingErr) Problem() *problem.Problem { return e.doc }
func (e everythingErr) ErrorCode() string         { return "RATE_LIMITED" }
func (e everythingErr) StatusCode() int           { return 429 }
func (e everythingErr) Unwrap() error             { return context.DeadlineExceeded }
func (e everythingErr) Is(target error) bool      { return target == errEverything }

var errEverything = errors.New("everything sentinel")

var (
	_ interface{ ErrorCode() string }         = codeErr{}
	_ interface{ StatusCode() int }           = statusErr{}
	_ interface{ Problem() *problem.Problem } = foreignErr{}
	_ problem.Provider                        = providerErr{}
)

// mapped is what a test checks of a mapped error.
type mapped struct {
	code   string
	status int
	typ    string
	title  string // English text of Title()
	detail string // English text of Detail()
	cause  error  // Unwrap()
}

func summarize(e *problem.Error) mapped {
	return mapped{
		code: e.Code().Code, status: e.Code().Status, typ: e.Code().Type,
		title:  e.Title().String(),
		detail: e.Detail().String(),
		cause:  e.Unwrap(),
	}
}

// generic is what an error mapped to one of the generic codes shows.
func generic(c *problem.Code, cause error) mapped { return builtin(c, c.Detail, cause) }

func builtin(c *problem.Code, detail problem.Template, cause error) mapped {
	return mapped{code: c.Code, status: c.Status, typ: c.Type, title: string(c.Title), detail: string(detail), cause: cause}
}

func TestMap(t *testing.T) {
	catalog := problem.NewCatalog("https://api.example.com/problems/").MustRegister(userNotFound, insufficientFunds)
	catalog.MapError(sql.ErrNoRows, userNotFound).
		MapFunc(func(err error) *problem.Error {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return malformedJSON.New().With("line", 1).With("column", 2).Wrap(err)
			}
			return nil
		}).
		MapFunc(func(err error) *problem.Error {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return emptyBody.New().Wrap(err)
			}
			return nil
		}).
		MapError(errEverything, problem.ServiceUnavailable)

	typed := userNotFound.New().With("userId", 7)
	typedWithCause := userNotFound.New().With("userId", 8).Wrap(io.ErrClosedPipe)
	wrappedTyped := fmt.Errorf("load user: %w", typed)
	joinedTyped := errors.Join(errors.New("other"), typed)
	noRows := fmt.Errorf("repo: %w", fmt.Errorf("query: %w", sql.ErrNoRows))
	unexpectedEOF := fmt.Errorf("decode: %w", io.ErrUnexpectedEOF)
	eof := fmt.Errorf("decode: %w", io.EOF)
	providerFirst := fmt.Errorf("h: %w", errors.Join(sql.ErrNoRows, problem.RouteNotFound.New()))
	ruleBeforeProblem := everythingErr{doc: &problem.Problem{Status: 409, Title: "Conflict"}}
	knownCode := fmt.Errorf("svc: %w", codeErr{code: "USER_NOT_FOUND"})
	knownBuiltinCode := codeErr{code: "RATE_LIMITED"}
	unknownCode := codeErr{code: "NOT_IN_CATALOG"}
	status404 := fmt.Errorf("svc: %w", statusErr{status: 404})
	status410 := statusErr{status: 410}
	status418 := statusErr{status: 418}
	status499 := statusErr{status: 499}
	status200 := statusErr{status: 200}
	status600 := statusErr{status: 600}
	bothKnown := codeStatusErr{code: "USER_NOT_FOUND", status: 404}
	bothMismatch := codeStatusErr{code: "USER_NOT_FOUND", status: 410}
	bothUnknown := codeStatusErr{code: "USER_GONE", status: 410}
	bothInvalidName := codeStatusErr{code: "user-gone", status: 410}
	bothBadStatus := codeStatusErr{code: "NOT_IN_CATALOG", status: 302}
	duckBeforeDeadline := fmt.Errorf("%w: %w", statusErr{status: 404}, context.DeadlineExceeded)
	foreignKnown := foreignErr{doc: &problem.Problem{Code: "RATE_LIMITED", Status: 429, Title: "Slow down", Extensions: map[string]any{"retryAfter": 5.0}}}
	foreignUnknown := fmt.Errorf("call billing: %w", foreignErr{doc: &problem.Problem{
		Type: "https://billing.example.com/probs/frozen", Title: "Account frozen", Status: 409, Detail: "Account 12 is frozen.", Code: "ACCOUNT_FROZEN",
		Extensions: map[string]any{"account": 12.0},
	}})
	foreignBlank := foreignErr{doc: &problem.Problem{Status: 404}}
	foreignBadStatus := foreignErr{doc: &problem.Problem{Status: 200, Title: "OK?", Code: "weird code"}}
	foreignKnownCodeOtherStatus := foreignErr{doc: &problem.Problem{Code: "RATE_LIMITED", Status: 503, Title: "Busy"}}
	foreignNil := foreignErr{doc: nil}
	problemBeforeDuck := everythingErr{doc: &problem.Problem{Status: 409, Title: "Conflict", Code: "CONFLICT"}}
	deadline := fmt.Errorf("query: %w", context.DeadlineExceeded)
	canceled := fmt.Errorf("query: %w", context.Canceled)
	unknown := fmt.Errorf("boom: %w", errors.New("disk on fire"))
	nilProvider := providerErr{e: nil}
	provider := providerErr{e: problem.RateLimited.New().With("retryAfter", 3)}

	const (
		notFoundDetail  = "No user has the ID ."
		internalDetail  = "An unexpected error occurred. If it persists, contact support and quote the request ID."
		rateLimitedText = "You have sent too many requests. Wait for the time Retry-After gives before sending again."
	)
	tests := []struct {
		name string
		err  error
		want mapped
	}{
		{name: "*Error itself", err: typed, want: builtin(userNotFound, "No user has the ID 7.", nil)},
		{name: "*Error with its own cause", err: typedWithCause, want: builtin(userNotFound, "No user has the ID 8.", io.ErrClosedPipe)},
		{name: "*Error through %w is returned as it is", err: wrappedTyped, want: builtin(userNotFound, "No user has the ID 7.", nil)},
		{name: "*Error through errors.Join", err: joinedTyped, want: builtin(userNotFound, "No user has the ID 7.", nil)},
		{name: "*Error with a cause, wrapped: its own cause kept", err: fmt.Errorf("x: %w", typedWithCause), want: builtin(userNotFound, "No user has the ID 8.", io.ErrClosedPipe)},
		{name: "Provider", err: provider, want: builtin(problem.RateLimited, "You have sent too many requests. Wait for the time Retry-After gives before sending again.", nil)},
		{name: "Provider returning nil falls through", err: nilProvider, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: nilProvider}},
		{name: "1. Provider before rules", err: providerFirst, want: builtin(problem.RouteNotFound, problem.RouteNotFound.Detail, nil)},
		{name: "2. sentinel wrapped twice", err: noRows, want: builtin(userNotFound, notFoundDetail, noRows)},
		{name: "2. first registered function wins", err: unexpectedEOF, want: builtin(malformedJSON, "The request body is not valid JSON (line 1, column 2).", unexpectedEOF)},
		{name: "2. second function", err: eof, want: builtin(emptyBody, emptyBody.Detail, eof)},
		{name: "2. rules before Problem()", err: ruleBeforeProblem, want: builtin(problem.ServiceUnavailable, problem.ServiceUnavailable.Detail, ruleBeforeProblem)},
		{name: "3. Problem() of a known code brings its declaration", err: foreignKnown, want: builtin(problem.RateLimited, "You have sent too many requests. Wait for the time Retry-After gives before sending again.", foreignKnown)},
		{
			name: "3. Problem() of an unknown code keeps its texts",
			err:  foreignUnknown,
			want: mapped{code: "ACCOUNT_FROZEN", status: 409, typ: "https://billing.example.com/probs/frozen", title: "Account frozen", detail: "Account 12 is frozen.", cause: foreignUnknown},
		},
		{name: "3. Problem() without type or title", err: foreignBlank, want: mapped{code: "NOT_FOUND", status: 404, typ: problem.BlankType, title: "Not Found", cause: foreignBlank}},
		// A foreign 5xx keeps nothing of its own: its texts, code and
		// members may be another service's internals.
		{name: "3. Problem() with a non-error status", err: foreignBadStatus, want: builtin(problem.InternalError, internalDetail, foreignBadStatus)},
		{name: "3. Problem() of a known code with another status", err: foreignKnownCodeOtherStatus, want: generic(problem.ServiceUnavailable, foreignKnownCodeOtherStatus)},
		{name: "3. Problem() returning nil falls through", err: foreignNil, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: foreignNil}},
		{name: "3. Problem() before ErrorCode/StatusCode", err: problemBeforeDuck, want: builtin(problem.ServiceUnavailable, problem.ServiceUnavailable.Detail, problemBeforeDuck)},
		{name: "4. ErrorCode known to the catalog", err: knownCode, want: builtin(userNotFound, notFoundDetail, knownCode)},
		{name: "4. ErrorCode of a builtin", err: knownBuiltinCode, want: builtin(problem.RateLimited, rateLimitedText, knownBuiltinCode)},
		{name: "4. ErrorCode unknown, no status: nothing recognized", err: unknownCode, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: unknownCode}},
		{name: "4. StatusCode 404", err: status404, want: generic(problem.NotFound, status404)},
		{name: "4. StatusCode 410", err: status410, want: generic(problem.Gone, status410)},
		{name: "4. StatusCode without a generic code", err: status418, want: generic(problem.BadRequest, status418)},
		{name: "4. StatusCode without a phrase", err: status499, want: generic(problem.BadRequest, status499)},
		{name: "4. StatusCode 200 ignored", err: status200, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: status200}},
		{name: "4. StatusCode 600 ignored", err: status600, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: status600}},
		{name: "4. both, matching the catalog", err: bothKnown, want: builtin(userNotFound, notFoundDetail, bothKnown)},
		{name: "4. both, status differs from the catalog: the declaration wins", err: bothMismatch, want: builtin(userNotFound, notFoundDetail, bothMismatch)},
		{name: "4. both, unknown code: the generic code of the status", err: bothUnknown, want: generic(problem.Gone, bothUnknown)},
		{name: "4. both, invalid code name", err: bothInvalidName, want: generic(problem.Gone, bothInvalidName)},
		{name: "4. both, non-error status", err: bothBadStatus, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: bothBadStatus}},
		{name: "4. StatusCode before DeadlineExceeded", err: duckBeforeDeadline, want: generic(problem.NotFound, duckBeforeDeadline)},
		{name: "5. DeadlineExceeded wrapped", err: deadline, want: builtin(problem.Timeout, problem.Timeout.Detail, deadline)},
		{name: "5. Canceled is a client that went away, not a timeout", err: canceled, want: mapped{code: "CLIENT_CLOSED_REQUEST", status: 499, typ: problem.BlankType,
			title: "Client Closed Request", detail: string(problem.ClientClosedRequest.Detail), cause: canceled}},
		{name: "6. unknown error", err: unknown, want: mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error", detail: internalDetail, cause: unknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := catalog.Map(tt.err)
			if g := summarize(got); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("Map(%v)\ngot  %+v\nwant %+v", tt.err, g, tt.want)
			}
		})
	}
}

func TestMapNil(t *testing.T) {
	tests := []struct {
		name    string
		catalog *problem.Catalog
	}{
		{name: "catalog", catalog: problem.NewCatalog("")},
		{name: "zero value", catalog: &problem.Catalog{}},
		{name: "nil", catalog: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.catalog.Map(nil); got != nil {
				t.Errorf("Map(nil) = %v, want nil", got)
			}
		})
	}
}

// Without a catalog only the built-in codes are known.
func TestMapWithoutCatalog(t *testing.T) {
	deadline := fmt.Errorf("x: %w", context.DeadlineExceeded)
	builtinCode := codeErr{code: "RATE_LIMITED"}
	appCode := codeErr{code: "USER_NOT_FOUND"}
	status := statusErr{status: 404}
	unknown := errors.New("boom")
	internal := func(cause error) mapped {
		return mapped{code: "INTERNAL_ERROR", status: 500, typ: problem.BlankType, title: "Internal Server Error",
			detail: string(problem.InternalError.Detail), cause: cause}
	}
	tests := []struct {
		name    string
		catalog *problem.Catalog
		err     error
		want    mapped
	}{
		{name: "zero value, deadline", catalog: &problem.Catalog{}, err: deadline, want: builtin(problem.Timeout, problem.Timeout.Detail, deadline)},
		{name: "nil, deadline", catalog: nil, err: deadline, want: builtin(problem.Timeout, problem.Timeout.Detail, deadline)},
		{name: "nil catalog, builtin code", catalog: problem.NewCatalog(""), err: builtinCode, want: builtin(problem.RateLimited, "You have sent too many requests. Wait for the time Retry-After gives before sending again.", builtinCode)},
		{name: "nil, builtin code", catalog: nil, err: builtinCode, want: builtin(problem.RateLimited, "You have sent too many requests. Wait for the time Retry-After gives before sending again.", builtinCode)},
		{name: "zero value, application code unknown", catalog: &problem.Catalog{}, err: appCode, want: internal(appCode)},
		{name: "nil, status", catalog: nil, err: status, want: generic(problem.NotFound, status)},
		{name: "nil, unknown", catalog: nil, err: unknown, want: internal(unknown)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarize(tt.catalog.Map(tt.err)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// Map returns the *Error it finds as it is, and never aliases the foreign
// problem document it copies from.
func TestMapDoesNotModifyItsInput(t *testing.T) {
	typed := userNotFound.New().With("userId", 7).WithHeader("Retry-After", "1")
	if got := problem.NewCatalog("").Map(fmt.Errorf("wrap: %w", typed)); got != typed || typed.Unwrap() != nil {
		t.Errorf("Map(wrapped *Error) = %p with cause %v, want the *Error itself, unchanged", got, typed.Unwrap())
	}

	doc := &problem.Problem{
		Code: "RATE_LIMITED", Status: 429,
		Extensions: map[string]any{"retryAfter": 5.0, "status": "evil"},
		Errors:     make([]problem.FieldError, 1, 4),
	}
	known := problem.NewCatalog("").Map(foreignErr{doc: doc})
	known.With("added", true).WithFields(problem.FieldError{Field: "added"})
	if want := map[string]any{"retryAfter": 5.0, "status": "evil"}; !reflect.DeepEqual(doc.Extensions, want) {
		t.Errorf("Map aliased the document's extensions: %v", doc.Extensions)
	}
	if got := doc.Errors[:2][1]; got.Field != "" {
		t.Errorf("Map aliased the document's errors: %v", doc.Errors[:2])
	}
	if want := map[string]any{"retryAfter": 5.0, "added": true}; !reflect.DeepEqual(known.Extensions(), want) {
		t.Errorf("Extensions() = %v, want %v: reserved names are never extensions", known.Extensions(), want)
	}
}

func TestMapForeignProblemMembers(t *testing.T) {
	fields := []problem.FieldError{{Pointer: "#/a", Detail: "bad"}}
	tests := []struct {
		name       string
		doc        *problem.Problem
		wantExt    map[string]any
		wantFields []problem.FieldError
	}{
		{
			name:       "unknown code",
			doc:        &problem.Problem{Code: "OTHER", Status: 422, Title: "Other", Extensions: map[string]any{"a": 1.0, "title": "x"}, Errors: fields},
			wantExt:    map[string]any{"a": 1.0},
			wantFields: fields,
		},
		{
			name:       "known code",
			doc:        &problem.Problem{Code: "VALIDATION_ERROR", Status: 422, Extensions: map[string]any{"count": 1.0, "code": "x"}, Errors: fields},
			wantExt:    map[string]any{"count": 1.0},
			wantFields: fields,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problem.NewCatalog("").Map(foreignErr{doc: tt.doc})
			if !reflect.DeepEqual(got.Extensions(), tt.wantExt) {
				t.Errorf("Extensions() = %v, want %v", got.Extensions(), tt.wantExt)
			}
			if !reflect.DeepEqual(got.Fields(), tt.wantFields) {
				t.Errorf("Fields() = %v, want %v", got.Fields(), tt.wantFields)
			}
		})
	}
}

// membersErr is a domain error that carries extension members without
// importing problemkit.
type membersErr struct {
	status  int
	members map[string]any
}

func (e membersErr) Error() string                     { return "members" }
func (e membersErr) StatusCode() int                   { return e.status }
func (e membersErr) ProblemExtensions() map[string]any { return e.members }

// TestMapSaysTooLittle: each error that says too little gets a documented
// code and a note that names what was decided, for the log.
func TestMapSaysTooLittle(t *testing.T) {
	catalog := problem.NewCatalog("").MustRegister(userNotFound)
	tests := []struct {
		name    string
		err     error
		code    *problem.Code
		note    string
		members map[string]any
	}{
		{"an ErrorCode() the catalog lacks, no status", codeErr{code: "ORDER_GONE"}, problem.InternalError,
			`ErrorCode() "ORDER_GONE" is not in the catalog, and there is no StatusCode(): answered as INTERNAL_ERROR`, nil},
		{"an ErrorCode() the catalog lacks, with a status", codeStatusErr{code: "ORDER_GONE", status: 410}, problem.Gone,
			`ErrorCode() "ORDER_GONE" is not in the catalog: answered with the generic code GONE of StatusCode() 410`, nil},
		{"a StatusCode() that disagrees with its declared code", codeStatusErr{code: "USER_NOT_FOUND", status: 410}, userNotFound,
			"StatusCode() 410 disagrees with the declared status 404 of USER_NOT_FOUND: answered as declared", nil},
		{"a status alone", statusErr{status: 409}, problem.Conflict,
			"StatusCode() 409 without ErrorCode(): answered with the generic code CONFLICT", nil},
		{"a status without a generic code", statusErr{status: 418}, problem.BadRequest,
			"StatusCode() 418 has no generic code: answered as BAD_REQUEST", nil},
		{"a 5xx status without a generic code", statusErr{status: 507}, problem.InternalError,
			"StatusCode() 507 has no generic code: answered as INTERNAL_ERROR", nil},
		{"a declared code that agrees: nothing to say", codeStatusErr{code: "USER_NOT_FOUND", status: 404}, userNotFound, "", nil},
		{"a status with members", membersErr{status: 409, members: map[string]any{"version": 3, "status": "evil"}}, problem.Conflict,
			"StatusCode() 409 without ErrorCode(): answered with the generic code CONFLICT", map[string]any{"version": 3}},
		{"a 5xx never shows its members", membersErr{status: 503, members: map[string]any{"host": "db-7.internal"}}, problem.ServiceUnavailable,
			"StatusCode() 503 without ErrorCode(): answered with the generic code SERVICE_UNAVAILABLE", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := catalog.Map(fmt.Errorf("wrapped: %w", tt.err))
			if e.Code() != tt.code || e.Note() != tt.note || !reflect.DeepEqual(e.Extensions(), tt.members) {
				t.Errorf("got %s, note %q, members %v\nwant %s, note %q, members %v", e.Code().Code, e.Note(), e.Extensions(), tt.code.Code, tt.note, tt.members)
			}
			if _, ok := catalog.Lookup(e.Code().Code); !ok {
				t.Errorf("%s is not in the catalog: no document lists it", e.Code().Code)
			}
		})
	}
}
