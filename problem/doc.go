// Package problem is the core of problemkit: the RFC 9457 problem details
// document (Problem), the catalog of application error codes (Code,
// Catalog), the error a handler returns (Error), and the mapping of any Go
// error to one (Catalog.Map). It depends on the standard library only.
//
// # Wire format
//
// A Problem serializes the five RFC 9457 members (type, title, status,
// detail, instance) and problemkit's extension members (code, requestId,
// timestamp, errors) at the top level of one JSON object, followed by any
// other extension member. An extension member can never overwrite a
// standard one. Unknown members read by UnmarshalJSON are kept as
// extensions, so problems of other APIs round-trip. MarshalXML writes the
// RFC 9457 Appendix B form (namespace urn:ietf:rfc:7807).
//
// # Codes and the catalog
//
// A failure is declared once, as a *Code value: its stable code
// ("USER_NOT_FOUND"), HTTP status, type URI, default English title and
// detail, and the documentation clients read. A Catalog holds the built-in
// codes plus the application's, refuses a code registered twice, and builds
// type URIs from a configurable base. The same declarations feed the
// responses, the i18n message IDs ("USER_NOT_FOUND.title", ".detail") and the
// generated docs.
//
// # Returning errors
//
// Handlers return an *Error built from a code:
//
//	return UserNotFound.New().With("userId", id).Wrap(err)
//
// Code.New is the one way to make an Error. Domain packages that must not
// import problemkit can instead give their errors ErrorCode() string and/or
// StatusCode() int methods; errors of other libraries, such as
// sql.ErrNoRows, are mapped to a code on the catalog (Catalog.MapError).
// Catalog.Map turns any error into an *Error; one that nothing recognizes
// becomes an InternalError whose cause is logged and never shown. The
// catalog is the one place that decides what an error becomes.
//
// # Localization
//
// Titles, details and field messages are Message values — a message ID, an
// English default and template data — translated when the response is
// written, not when the error is made. The i18n package translates them from
// the client's Accept-Language; without it they render in English.
//
// # Client input is data, never code
//
// A message's template source is a Template, and Templates come only from
// code declarations (the constants of a Code or a Message literal) and from
// message files. Everything that came from a request — member names and
// values, the path, query and header parameters — and everything another
// service sent reaches a message only as template data, printed as text, or
// as the verbatim text of Text and Label. A string is not a Template: the
// compiler refuses to put one where a source goes, so the unsafe
// construction is a visible conversion at the call site, never an
// accident.
//
// The template language itself cannot loop or grow: literal text,
// {{.name}} and {{.name | fn "arg"}}, nothing else. Registering a Code whose
// texts are not in the language fails. A rendered message is at most
// 4 KiB, whatever its data.
package problem
