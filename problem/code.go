package problem

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/problemkit/problemkit/internal/tmpl"
)

// Code declares one kind of failure, once, as a Go value: its stable
// application code, HTTP status, type URI, default English title and detail,
// and the documentation clients read. The same declaration feeds responses,
// i18n message IDs ("CODE.title", "CODE.detail", …) and generated docs.
//
// Declare codes as package-level values and register them in a Catalog at
// start-up; treat a Code as immutable once declared.
type Code struct {
	// Code is the stable application code: upper snake case, such as
	// "USER_NOT_FOUND".
	Code string
	// Status is the HTTP status code, 400–599.
	Status int
	// Type is the problem type URI: BlankType, an absolute URI, or a
	// relative reference resolved against the catalog's base. Empty means
	// the code's slug ("user-not-found") against the base.
	Type string
	// Title is the default English title; for BlankType it should be the
	// status phrase.
	Title Template
	// Detail is the default English detail, whose template data are the
	// problem's extension members (so "{{.userId}}" works).
	Detail Template
	// DetailOne is the English singular of Detail, used when the problem's
	// "count" member is 1 ("1 field is invalid." beside "{{.count}} fields
	// are invalid.").
	DetailOne Template

	// Description says what the code means, for the docs.
	Description Template
	// When says in which situations the code is returned, for the docs.
	When Template
	// Action says what a client should do about it, for the docs.
	Action Template
	// Retryable reports whether repeating the same request may succeed.
	Retryable bool
	// Members documents the extension members problems of this code carry.
	Members []Member
	// Headers documents the response headers problems of this code carry,
	// such as "Retry-After".
	Headers []string
	// ExampleErrors shows the errors member of problems of this code, for
	// the docs; empty for a code whose problems have none.
	ExampleErrors []FieldError
}

// Member documents one extension member of a problem code.
type Member struct {
	// Name is the JSON member name, such as "availableBalance".
	Name string
	// Type is its JSON Schema type: "string", "integer", "number",
	// "boolean", "object" or "array".
	Type string
	// Description says what it holds.
	Description Template
	// Example is a sample value, for the docs.
	Example any
}

// New returns a fresh Error of this code; see Error for the builder methods.
// A nil Code is InternalError.
func (c *Code) New() *Error {
	if c == nil {
		c = InternalError
	}
	return &Error{code: c}
}

// Slug returns the code in lower kebab case, such as "user-not-found", the
// last segment of its type URI.
func (c *Code) Slug() string { return strings.ReplaceAll(strings.ToLower(c.Code), "_", "-") }

// TitleMessage returns the localizable title, message ID "CODE.title".
func (c *Code) TitleMessage() Message {
	return Message{ID: c.Code + ".title", Default: c.Title}
}

// DetailMessage returns the localizable default detail, message ID
// "CODE.detail", with data as its template data. A "count" entry in data
// selects the plural form.
func (c *Code) DetailMessage(data map[string]any) Message {
	return Message{ID: c.Code + ".detail", Default: c.Detail, One: c.DetailOne, Data: data, Count: data["count"]}
}

// DocMessages returns the localizable documentation texts of the code:
// description, when and action, with message IDs "CODE.description",
// "CODE.when" and "CODE.action".
func (c *Code) DocMessages() (description, when, action Message) {
	return Message{ID: c.Code + ".description", Default: c.Description},
		Message{ID: c.Code + ".when", Default: c.When},
		Message{ID: c.Code + ".action", Default: c.Action}
}

// MemberMessage returns the localizable description of one of the code's
// documented extension members, message ID "CODE.member.NAME".
func (c *Code) MemberMessage(m Member) Message {
	return Message{ID: c.Code + ".member." + m.Name, Default: m.Description}
}

// namedText is one of a Code's templates, named for error messages.
type namedText struct {
	name string
	src  Template
}

// validate reports what is wrong with a declaration: a name that is not
// upper snake case, a status outside 400–599, no title, or a template that
// is not in the message language.
func (c *Code) validate() error {
	if c == nil {
		return fmt.Errorf("problem: nil code")
	}
	if c.Code == "" {
		return fmt.Errorf("problem: code has no name")
	}
	for i, r := range c.Code {
		if !(r >= 'A' && r <= 'Z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return fmt.Errorf("problem: code %q is not upper snake case", c.Code)
		}
	}
	if c.Status < 400 || c.Status > 599 {
		return fmt.Errorf("problem: code %s has status %d, want 400-599", c.Code, c.Status)
	}
	if c.Title == "" {
		return fmt.Errorf("problem: code %s has no title", c.Code)
	}
	texts := []namedText{
		{"title", c.Title}, {"detail", c.Detail}, {"detailOne", c.DetailOne},
		{"description", c.Description}, {"when", c.When}, {"action", c.Action},
	}
	for _, m := range c.Members {
		texts = append(texts, namedText{"member " + m.Name, m.Description})
	}
	for _, t := range texts {
		if _, err := tmpl.Compile(string(t.src), nil); err != nil {
			return fmt.Errorf("problem: code %s, %s: %w", c.Code, t.name, err)
		}
	}
	return nil
}

// The codes problemkit answers with itself. Every Catalog made by
// NewCatalog holds them.
var (
	// InternalError is an unexpected failure: a panic or an error nothing
	// maps. Production responses show only its generic text.
	InternalError = &Code{
		Code: "INTERNAL_ERROR", Status: http.StatusInternalServerError, Type: BlankType,
		Title:       "Internal Server Error",
		Detail:      "An unexpected error occurred. If it persists, contact support and quote the request ID.",
		Description: "The server failed in a way it did not expect. Nothing about the cause is shown to clients; the server's log has it under the request ID.",
		When:        "A bug or an unplanned failure on the server: a panic, or an error no mapping recognizes.",
		Action:      "Retry later. If it persists, contact support and quote the requestId.",
		Retryable:   true,
	}
	// RouteNotFound answers a request for a path no route matches.
	RouteNotFound = &Code{
		Code: "ROUTE_NOT_FOUND", Status: http.StatusNotFound, Type: BlankType,
		Title:       "Not Found",
		Detail:      "No resource exists at this path.",
		Description: "No route of the API matches the request path.",
		When:        "The path is misspelled, or the endpoint does not exist in this API version.",
		Action:      "Check the path against the API reference.",
	}
	// MethodNotAllowed answers a request whose path exists but not for its
	// method; the response's Allow header lists the methods that are.
	MethodNotAllowed = &Code{
		Code: "METHOD_NOT_ALLOWED", Status: http.StatusMethodNotAllowed, Type: BlankType,
		Title:       "Method Not Allowed",
		Detail:      "This resource does not support the request method.",
		Description: "The path exists, but not for the HTTP method used.",
		When:        "For example a DELETE on a read-only resource.",
		Action:      "Use one of the methods listed in the Allow response header.",
		Headers:     []string{"Allow"},
	}
	// MalformedRequest is a request the server cannot parse, such as a
	// query string with invalid escapes.
	MalformedRequest = &Code{
		Code: "MALFORMED_REQUEST", Status: http.StatusBadRequest,
		Title:       "Malformed request",
		Detail:      "The request could not be understood.",
		Description: "The request is not well-formed HTTP for this API.",
		When:        "Invalid escapes in the URL, an unreadable body, or headers the API cannot parse.",
		Action:      "Fix the request; it will fail the same way if repeated unchanged.",
	}
	// PayloadTooLarge is a request body over the endpoint's size limit.
	PayloadTooLarge = &Code{
		Code: "PAYLOAD_TOO_LARGE", Status: http.StatusRequestEntityTooLarge,
		Title:       "Request body too large",
		Detail:      "The request body is larger than this endpoint accepts.",
		Description: "The request body is larger than the endpoint accepts.",
		When:        "An upload or document over the size limit.",
		Action:      "Send a smaller body; the limit member, when present, gives the maximum in bytes.",
		Members: []Member{
			{Name: "limit", Type: "integer", Description: "The maximum body size in bytes.", Example: 1048576},
		},
	}
	// UnsupportedMediaType is a request body of a content type the endpoint
	// does not accept.
	UnsupportedMediaType = &Code{
		Code: "UNSUPPORTED_MEDIA_TYPE", Status: http.StatusUnsupportedMediaType,
		Title:       "Unsupported media type",
		Detail:      "The request body must be sent as application/json.",
		Description: "The Content-Type of the request is not one the endpoint accepts.",
		When:        "A form or plain-text body sent to a JSON endpoint, or no Content-Type at all.",
		Action:      "Send the body with Content-Type: application/json; the accepted member lists what is accepted.",
		Headers:     []string{"Accept-Post"},
		Members: []Member{
			{Name: "accepted", Type: "array", Description: "The media types the endpoint accepts.", Example: []string{"application/json", "application/*+json"}},
		},
	}
	// Timeout is a request the server could not finish within its own
	// deadline.
	Timeout = &Code{
		Code: "TIMEOUT", Status: http.StatusServiceUnavailable,
		Title:       "Request timed out",
		Detail:      "The server could not complete the request in time.",
		Description: "The request took longer than the server allows for it and was stopped. The server itself was too slow, so the status is 503, not 504, which is kept for services we call.",
		When:        "Under heavy load, or for an expensive request.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
	}
	// RateLimited is a client that sent too many requests.
	RateLimited = &Code{
		Code: "RATE_LIMITED", Status: http.StatusTooManyRequests,
		Title:       "Too many requests",
		Detail:      "You have sent too many requests. Wait for the time Retry-After gives before sending again.",
		Description: "The client exceeded its request rate limit.",
		When:        "More requests in a time window than the limit allows.",
		Action:      "Wait for the number of seconds in Retry-After before sending again.",
		Retryable:   true,
		Headers:     []string{"Retry-After", "RateLimit", "RateLimit-Policy"},
		Members: []Member{
			{Name: "retryAfter", Type: "integer", Description: "Seconds to wait before retrying.", Example: 42},
		},
	}
	// ServiceUnavailable is a server that cannot answer for now, such as
	// during maintenance or overload.
	ServiceUnavailable = &Code{
		Code: "SERVICE_UNAVAILABLE", Status: http.StatusServiceUnavailable,
		Title:       "Service unavailable",
		Detail:      "The service is temporarily unavailable. Please retry later.",
		Description: "The server cannot handle the request right now.",
		When:        "Maintenance, overload, or a dependency that is down.",
		Action:      "Retry later, honoring Retry-After when present.",
		Retryable:   true,
		Headers:     []string{"Retry-After"},
	}
	// ClientClosedRequest is a request the client abandoned before the
	// answer: it closed the connection, or its side of it. The problem is
	// written all the same, with the non-standard status 499 (a client
	// error), so that a client that still reads never takes an empty
	// response for a success.
	ClientClosedRequest = &Code{
		Code: "CLIENT_CLOSED_REQUEST", Status: 499, Type: BlankType,
		Title:       "Client Closed Request",
		Detail:      "The client closed the connection before the response was sent.",
		Description: "The client disconnected, or closed its side of the connection, before the server answered, and the server stopped working on the request. 499 is not a standard HTTP status; like every 4xx it says the request did not succeed.",
		When:        "A client timeout shorter than the request's duration, a user who navigated away, or a client that shut down its sending side and waits for the answer.",
		Action:      "The request may or may not have taken effect: check before repeating one that is not idempotent, or repeat it with the same Idempotency-Key.",
	}
)

// The generic codes: plain HTTP problems (about:blank, the status phrase
// as title) for an error that gives only a status — a StatusCode() without
// a declared ErrorCode(), or an error response another middleware wrote —
// so that every answer has a code the catalog documents and translates.
// Statuses with a code of their own (404 for a path, 405, 413, 415, 429,
// 500, 502, 503, 504) use it; any other 4xx is BadRequest, any other 5xx
// InternalError (see Catalog.Map).
var (
	// BadRequest is a request the server will not process, for a reason the
	// error did not name.
	BadRequest = &Code{
		Code: "BAD_REQUEST", Status: http.StatusBadRequest, Type: BlankType,
		Title:       "Bad Request",
		Detail:      "The request cannot be processed as sent.",
		Description: "The request is not valid for this endpoint, for a reason no more specific code names.",
		When:        "An error that gave only a 4xx status, or a status without a code of its own.",
		Action:      "Fix the request before repeating it.",
	}
	// Unauthorized is a request without valid credentials; the response's
	// WWW-Authenticate header says how to authenticate.
	Unauthorized = &Code{
		Code: "UNAUTHORIZED", Status: http.StatusUnauthorized, Type: BlankType,
		Title:       "Unauthorized",
		Detail:      "This request needs valid credentials.",
		Description: "The request lacks valid authentication credentials for the resource.",
		When:        "No Authorization header, or an expired, revoked or malformed token.",
		Action:      "Authenticate as the WWW-Authenticate header describes, then repeat the request.",
		Headers:     []string{"WWW-Authenticate"},
	}
	// Forbidden is a request the credentials do not allow.
	Forbidden = &Code{
		Code: "FORBIDDEN", Status: http.StatusForbidden, Type: BlankType,
		Title:       "Forbidden",
		Detail:      "These credentials do not allow this request.",
		Description: "The server understood the request and who sent it, and refuses it.",
		When:        "A user or key without the permission the resource needs.",
		Action:      "Use credentials that have the permission, or ask for it.",
	}
	// NotFound is a resource that does not exist, at a path that does.
	NotFound = &Code{
		Code: "NOT_FOUND", Status: http.StatusNotFound, Type: BlankType,
		Title:       "Not Found",
		Detail:      "The requested resource does not exist.",
		Description: "The route exists, but the resource it names does not.",
		When:        "An ID no resource has, or a resource that was deleted.",
		Action:      "Check the identifiers in the path.",
	}
	// NotAcceptable is a request whose Accept header the server cannot
	// satisfy.
	NotAcceptable = &Code{
		Code: "NOT_ACCEPTABLE", Status: http.StatusNotAcceptable, Type: BlankType,
		Title:       "Not Acceptable",
		Detail:      "The server cannot answer in a format the request accepts.",
		Description: "None of the media types in the request's Accept header can be produced.",
		When:        "An Accept header that excludes every format the endpoint offers.",
		Action:      "Accept one of the formats the endpoint documents.",
	}
	// RequestTimeout is a request the server stopped waiting for.
	RequestTimeout = &Code{
		Code: "REQUEST_TIMEOUT", Status: http.StatusRequestTimeout, Type: BlankType,
		Title:       "Request Timeout",
		Detail:      "The request was not received in time.",
		Description: "The server gave up waiting for the client to finish sending the request.",
		When:        "A slow connection, or a body sent too slowly.",
		Action:      "Repeat the request.",
		Retryable:   true,
	}
	// Conflict is a request that conflicts with the resource's state.
	Conflict = &Code{
		Code: "CONFLICT", Status: http.StatusConflict, Type: BlankType,
		Title:       "Conflict",
		Detail:      "The request conflicts with the current state of the resource.",
		Description: "The request cannot be carried out in the resource's current state.",
		When:        "A concurrent change, a duplicate, or a state transition that is not allowed.",
		Action:      "Fetch the resource's current state and decide again.",
	}
	// Gone is a resource that existed and was removed for good.
	Gone = &Code{
		Code: "GONE", Status: http.StatusGone, Type: BlankType,
		Title:       "Gone",
		Detail:      "The requested resource is no longer available.",
		Description: "The resource existed and was removed, and will not come back.",
		When:        "A deleted or retired resource.",
		Action:      "Stop requesting it; remove any links to it.",
	}
	// PreconditionFailed is a conditional request whose condition was false.
	PreconditionFailed = &Code{
		Code: "PRECONDITION_FAILED", Status: http.StatusPreconditionFailed, Type: BlankType,
		Title:       "Precondition Failed",
		Detail:      "A condition of the request was not met.",
		Description: "A precondition in the request headers, such as If-Match, evaluated to false.",
		When:        "The resource changed since the client read it.",
		Action:      "Fetch the resource again, then repeat the request with its new validator.",
	}
	// UnprocessableContent is a well-formed request whose content the
	// server cannot process, for a reason the error did not name.
	UnprocessableContent = &Code{
		Code: "UNPROCESSABLE_CONTENT", Status: http.StatusUnprocessableEntity, Type: BlankType,
		Title:       "Unprocessable Content",
		Detail:      "The request is well-formed, but its content cannot be processed.",
		Description: "The content of the request breaks a rule of the endpoint that no more specific code names.",
		When:        "An error that gave only the status 422.",
		Action:      "Fix the content before repeating the request.",
	}
	// Locked is a resource that is locked.
	Locked = &Code{
		Code: "LOCKED", Status: http.StatusLocked, Type: BlankType,
		Title:       "Locked",
		Detail:      "The resource is locked.",
		Description: "The resource cannot be changed while it is locked.",
		When:        "Another operation holds the resource.",
		Action:      "Retry once the lock is released.",
		Retryable:   true,
	}
	// PreconditionRequired is a request that must be conditional.
	PreconditionRequired = &Code{
		Code: "PRECONDITION_REQUIRED", Status: http.StatusPreconditionRequired, Type: BlankType,
		Title:       "Precondition Required",
		Detail:      "This request must be conditional.",
		Description: "The server requires a precondition, such as If-Match, so that changes are not lost.",
		When:        "A change sent without the validator of the version it changes.",
		Action:      "Fetch the resource, then repeat the request with If-Match.",
	}
	// HeadersTooLarge is a request whose header fields are too large.
	HeadersTooLarge = &Code{
		Code: "REQUEST_HEADER_FIELDS_TOO_LARGE", Status: http.StatusRequestHeaderFieldsTooLarge, Type: BlankType,
		Title:       "Request Header Fields Too Large",
		Detail:      "The request's header fields are too large.",
		Description: "One header field, or all of them together, are larger than the server accepts.",
		When:        "Oversized cookies or tokens.",
		Action:      "Send smaller header fields.",
	}
	// NotImplemented is a request for something the server does not do.
	NotImplemented = &Code{
		Code: "NOT_IMPLEMENTED", Status: http.StatusNotImplemented, Type: BlankType,
		Title:       "Not Implemented",
		Detail:      "The server does not support this request.",
		Description: "The server does not implement what the request needs.",
		When:        "A method or feature the server does not offer.",
		Action:      "Do not repeat the request; it will not succeed.",
	}
	// BadGateway is a failure of another server this one acted for, such
	// as a proxy's or an upstream's, that said no more than its status.
	// Calls made with the upstream package answer their own codes instead.
	BadGateway = &Code{
		Code: "BAD_GATEWAY", Status: http.StatusBadGateway, Type: BlankType,
		Title:       "Bad Gateway",
		Detail:      "A server this API relies on failed to answer the request.",
		Description: "The API acted for another server, which failed or sent an answer the API could not use.",
		When:        "An error that gave only the status 502, such as the answer of a reverse proxy whose backend failed.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
	}
	// GatewayTimeout is another server this one acted for that did not
	// answer in time, told by nothing but the status.
	GatewayTimeout = &Code{
		Code: "GATEWAY_TIMEOUT", Status: http.StatusGatewayTimeout, Type: BlankType,
		Title:       "Gateway Timeout",
		Detail:      "A server this API relies on did not answer in time.",
		Description: "The API acted for another server, which did not answer within the API's deadline.",
		When:        "An error that gave only the status 504, such as the answer of a reverse proxy whose backend is slow.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
	}
)

// Builtin returns the codes the pipeline answers with by itself, in a fixed
// order: every Catalog made by NewCatalog holds them. The codes of a
// feature — request decoding, idempotency keys, upstream calls — are
// declared by its package and come with its Feature (see Catalog.Include).
func Builtin() []*Code {
	return []*Code{
		InternalError, RouteNotFound, MethodNotAllowed, MalformedRequest,
		PayloadTooLarge, UnsupportedMediaType, Timeout, RateLimited,
		ServiceUnavailable, ClientClosedRequest,
		BadRequest, Unauthorized, Forbidden, NotFound, NotAcceptable, RequestTimeout,
		Conflict, Gone, PreconditionFailed, UnprocessableContent, Locked,
		PreconditionRequired, HeadersTooLarge, NotImplemented, BadGateway, GatewayTimeout,
	}
}

// Generic returns the code that answers an error that gives only its
// status (see the generic codes, such as Conflict): 404 is NotFound, 429
// RateLimited, 502 BadGateway; a 4xx without a code of its own is
// BadRequest, a 5xx InternalError.
func Generic(status int) *Code {
	switch status {
	case http.StatusBadRequest:
		return BadRequest
	case http.StatusUnauthorized:
		return Unauthorized
	case http.StatusForbidden:
		return Forbidden
	case http.StatusNotFound:
		return NotFound
	case http.StatusMethodNotAllowed:
		return MethodNotAllowed
	case http.StatusNotAcceptable:
		return NotAcceptable
	case http.StatusRequestTimeout:
		return RequestTimeout
	case http.StatusConflict:
		return Conflict
	case http.StatusGone:
		return Gone
	case http.StatusPreconditionFailed:
		return PreconditionFailed
	case http.StatusRequestEntityTooLarge:
		return PayloadTooLarge
	case http.StatusUnsupportedMediaType:
		return UnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return UnprocessableContent
	case http.StatusLocked:
		return Locked
	case http.StatusPreconditionRequired:
		return PreconditionRequired
	case http.StatusTooManyRequests:
		return RateLimited
	case http.StatusRequestHeaderFieldsTooLarge:
		return HeadersTooLarge
	case http.StatusNotImplemented:
		return NotImplemented
	case http.StatusBadGateway:
		return BadGateway
	case http.StatusServiceUnavailable:
		return ServiceUnavailable
	case http.StatusGatewayTimeout:
		return GatewayTimeout
	}
	if status >= 500 {
		return InternalError
	}
	return BadRequest
}
