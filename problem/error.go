package problem

import (
	"maps"
	"net/http"
	"strings"

	"github.com/problemkit/problemkit/internal/members"
)

// Error is an error that carries everything needed to answer with a
// problem: its catalog code, an optional detail, extension members, response
// headers, field details and the cause, which is logged but never shown.
//
// Build one per failure with [Code.New] and the With methods, which
// modify the Error and return it so calls chain:
//
//	return UserNotFound.New().With("userId", id).Wrap(err)
//
// An Error must not be modified once returned; it may then be read
// concurrently.
type Error struct {
	code   *Code
	title  *Message // nil: the code's; a foreign problem's own otherwise
	detail *Message // nil: the code's; set by WithDetail and WithMessage
	ext    map[string]any
	header http.Header
	fields []FieldError
	cause  error
	note   string // what Map had to decide, for the log
}

// ProblemError returns e itself, making every *Error a [Provider].
func (e *Error) ProblemError() *Error { return e }

// WithDetail sets the detail to fixed text, shown as is in every language
// (in production, only for 4xx problems). Prefer WithMessage for text
// that should be translated.
func (e *Error) WithDetail(text string) *Error {
	m := Text(text)
	e.detail = &m
	return e
}

// WithDetailf is WithDetail with fmt.Sprintf formatting.
func (e *Error) WithDetailf(format string, args ...any) *Error {
	m := Textf(format, args...)
	e.detail = &m
	return e
}

// WithMessage sets a localizable detail: m.ID is looked up in the
// application's messages at render time, with m.Data (and the problem's
// extension members) as template data.
func (e *Error) WithMessage(m Message) *Error {
	e.detail = &m
	return e
}

// With sets the extension member name to value. The standard and problemkit
// members (type, title, status, detail, instance, code, requestId, timestamp,
// errors) cannot be set this way; such a name is ignored.
func (e *Error) With(name string, value any) *Error {
	if members.Reserved(name) {
		return e
	}
	if e.ext == nil {
		e.ext = make(map[string]any, 4)
	}
	e.ext[name] = value
	return e
}

// WithHeader adds a response header, such as Retry-After or
// WWW-Authenticate, sent with the problem.
func (e *Error) WithHeader(name, value string) *Error {
	if e.header == nil {
		e.header = make(http.Header, 1)
	}
	e.header.Add(name, value)
	return e
}

// WithFields appends field details.
func (e *Error) WithFields(fields ...FieldError) *Error {
	e.fields = append(e.fields, fields...)
	return e
}

// Wrap records the cause of the failure: it is logged with the request and
// reachable through errors.Is and errors.As, but never shown to clients.
func (e *Error) Wrap(cause error) *Error {
	e.cause = cause
	return e
}

// Code returns the error's catalog code; InternalError for a zero Error.
func (e *Error) Code() *Code {
	if e.code == nil {
		return InternalError
	}
	return e.code
}

// Title returns the localizable title: the code's, unless the error came
// from a foreign problem with its own.
func (e *Error) Title() Message {
	if e.title != nil && !e.title.IsZero() {
		return *e.title
	}
	return e.Code().TitleMessage()
}

// Detail returns the localizable detail: the one set with WithDetail or
// WithMessage, otherwise the code's declared one. Its template data are the
// extension members, then the message's own Data, which wins; the map may
// be the Error's own and must not be modified.
func (e *Error) Detail() Message {
	var m Message
	if e.detail != nil {
		m = *e.detail
	}
	if m.IsZero() {
		if e.Code().Detail == "" {
			return Message{}
		}
		return e.Code().DetailMessage(e.ext)
	}
	switch {
	case m.literal || len(e.ext) == 0:
	case m.Data == nil:
		m.Data = e.ext
	default:
		data := make(map[string]any, len(e.ext)+len(m.Data))
		maps.Copy(data, e.ext)
		maps.Copy(data, m.Data)
		m.Data = data
	}
	return m
}

// Extensions returns the extension members. The map must not be modified.
func (e *Error) Extensions() map[string]any { return e.ext }

// Header returns the response headers the problem carries. It must not be
// modified.
func (e *Error) Header() http.Header { return e.header }

// Fields returns the field details. The slice must not be modified.
func (e *Error) Fields() []FieldError { return e.fields }

// Note says what Catalog.Map had to decide to answer an error that said
// too little — an ErrorCode() the catalog lacks, a StatusCode() that
// disagrees with its code, a status alone — or "" when it decided nothing.
// The pipeline ([github.com/problemkit/problemkit/problemhttp]) logs it
// as the record's warning.
func (e *Error) Note() string { return e.note }

// noted sets the note and returns e.
func (e *Error) noted(note string) *Error {
	e.note = note
	return e
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.cause }

// Error returns the code, the detail and the cause, for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code().Code)
	if d := e.Detail(); !d.IsZero() {
		b.WriteString(": ")
		b.WriteString(d.String())
	} else {
		b.WriteString(": ")
		b.WriteString(string(e.Code().Title))
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}
