// Package problem is the core of problemkit: the RFC 9457 problem details
// document ([Problem]), the declaration of application error codes
// ([Code]) and the [Catalog] that holds them, the [Error] a handler
// returns, and the recognition of any Go error as one ([Catalog.Map]). It
// depends on the standard library only.
//
// # Wire format
//
// A [Problem] serializes the five RFC 9457 members (type, title, status,
// detail, instance) and problemkit's extension members (code, requestId,
// timestamp, errors, the last a list of [FieldError]) at the top level of
// one JSON object, followed by any other extension member; an extension
// member can never overwrite a standard one. A Problem marshals the same
// way as a value and as a pointer ([Problem.MarshalJSON],
// [Problem.MarshalXML], the RFC 9457 Appendix B form in the
// [XMLNamespace]), and [Problem.UnmarshalJSON] keeps unknown members as
// extensions, so problems of other APIs round-trip. [MediaType] and
// [MediaTypeXML] are their content types.
//
// # Codes, features and the catalog
//
// A failure is declared once, as a [Code] value: its stable code
// ("USER_NOT_FOUND"), HTTP status, type URI, default English title and
// detail, and the documentation clients read. The same declaration feeds
// the responses, the message IDs ("USER_NOT_FOUND.title", ".detail") and
// the generated docs.
//
// A [Catalog] is the set of codes an application answers with. One made by
// [NewCatalog] holds the codes the pipeline answers with by itself
// ([Builtin]), among them the plain HTTP codes that answer an error that
// gives only its status ([Generic]: [BadRequest], [Conflict],
// [BadGateway], [GatewayTimeout] and the others). The codes of a feature
// — request decoding, idempotency keys, upstream calls — are declared by
// its package, with their messages, as a [Feature] the application
// includes ([Catalog.Include], [Catalog.MustInclude]); the application's
// own codes are registered with [Catalog.Register] or
// [Catalog.MustRegister]. A code is registered once ([ErrDuplicateCode]),
// and its type URI is built from the catalog's base ([Catalog.TypeURI],
// [DefaultTypeBase]).
//
//	catalog := problem.NewCatalog("https://api.example.com/problems/").
//		MustInclude(validation.Feature, idempotency.Feature).
//		MustRegister(UserNotFound)
//
// # Returning errors
//
// Handlers return an [Error] built from a code with [Code.New], the one way
// to make one, and its With methods ([Error.With], [Error.WithMessage],
// [Error.Wrap], …):
//
//	return UserNotFound.New().With("userId", id).Wrap(err)
//
// # Recognising errors
//
// [Catalog.Map] is the one place that decides what an error becomes, and
// its doc lists every way an error can say what it is, in the order they
// are tried: a [Provider] (every [Error] is one), a mapping registered
// with [Catalog.MapError] or [Catalog.MapFunc] (sql.ErrNoRows to a code of
// the application's), an error with a Problem() *[Problem] method, an
// error of a domain package that does not import problemkit with
// ErrorCode() string and/or StatusCode() int methods (and
// ProblemExtensions() map[string]any), the context package's errors, and
// anything else, an [InternalError] whose cause is logged and never
// shown. What had to be decided from too little is kept for the log in
// [Error.Note]. The pipeline adds what only the request can tell; its
// package, [github.com/problemkit/problemkit/problemhttp], has the table
// of what every kind of failure becomes.
//
// # Localization
//
// Titles, details and field messages are [Message] values — a message ID,
// an English default and template data — translated when the response is
// written, not when the error is made, by a [Translator] for the client's
// language. Package [github.com/problemkit/problemkit/i18n] provides one
// per request from Accept-Language; without it, messages render in English
// ([Message.String]).
//
// # Client input is data, never code
//
// A message's template source is a [Template], and Templates come only
// from code declarations (the constants of a [Code] or a [Message]
// literal) and from message files; the Template doc says what the message
// language allows and why it cannot loop or grow. Everything that came
// from a request or from another service reaches a message only as
// template data, printed as text, or as the verbatim text of [Text] and
// [Label]. A string is not a Template: the compiler refuses to put one
// where a source goes, so the unsafe construction is a visible conversion
// at the call site, never an accident. Registering a Code whose texts are
// not in the message language fails.
package problem
