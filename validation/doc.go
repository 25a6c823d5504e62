// Package validation decodes JSON request bodies and request parameters and
// validates them with go-playground/validator v10, turning every failure
// into a [problem.Error] that the pipeline
// ([github.com/problemkit/problemkit/problemhttp]) renders as an RFC 9457
// problem. The package's codes and messages are its [Feature]: include it
// in the application's catalog ([problem.Catalog.Include]).
//
// One call does it all in a handler:
//
//	var in CreateUser
//	if err := validation.Decode(r, &in); err != nil {
//		return err
//	}
//
// # Which to use when
//
//   - A JSON request body: [Decode] (or [Decoder.Decode]). It reads, decodes
//     and validates in one call; do not decode the body yourself first.
//   - Query, path and header parameters: [Params] (or [Decoder.Params]).
//   - A value decoded some other way (a message from a queue, a form, a
//     file): [Decoder.Validate], which validates only.
//
// The package-level Decode and Params use a [Decoder] of default
// [Options], built on first use. Build your own with [New], once at
// start-up, to change the body limit ([Options.MaxBytes]), allow unknown
// fields ([Options.AllowUnknownFields]), echo rejected values
// ([Options.EchoValues]), add messages ([Options.Messages]) or register
// rules of your own ([Options.Rules]). A Decoder is safe for concurrent
// use; the package holds no mutable settings.
//
// # What is checked, and the status of each failure
//
// In order, [Decoder.Decode] answers with:
//
//   - [EmptyBody] (EMPTY_BODY, 400): no body, or only white space;
//   - [problem.UnsupportedMediaType] (415): a Content-Type other than
//     application/json or application/*+json (UTF-8 only), with an
//     "accepted" member and, for POST and PATCH, Accept-Post or Accept-Patch;
//   - [problem.PayloadTooLarge] (413): a body over [Options.MaxBytes]
//     ([DefaultMaxBytes], 1 MiB, by default), with a "limit" member;
//   - [problem.MalformedRequest] (400): a body that cannot be read;
//   - [MalformedJSON] (MALFORMED_JSON, 400): a syntax error or a truncated
//     document, with "line" and "column" (from 1, in bytes) and "offset"
//     (from 0) members;
//   - [TrailingData] (TRAILING_DATA, 400): anything but white space after
//     the JSON value, with an "offset" member;
//   - [InvalidFieldType] (INVALID_FIELD_TYPE, 422): a value of the wrong
//     JSON type, such as a string for an int field, with one field detail
//     (rule "type", param the expected JSON type: string, number, integer,
//     boolean, object or array); also a value a type's own UnmarshalJSON or
//     UnmarshalText refused (a malformed time), with a field detail when
//     encoding/json says where;
//   - [UnknownField] (UNKNOWN_FIELD, 422): a member no struct field takes
//     (rule "unknown"), unless [Options.AllowUnknownFields];
//   - [Failed] (VALIDATION_ERROR, 422): every field that breaks a validate
//     rule, at once, in struct order (slice elements by index, map entries
//     by key), with a "count" member; its cause is a [RulesError].
//
// [BodyCodes] lists these codes, for the documentation of an operation that
// takes a JSON body.
//
// The line between 400 and 422 follows RFC 9110: a body that cannot be
// parsed as JSON is a malformed request (400); a well-formed document whose
// content is wrong — a value of the wrong type included, since the syntax
// is valid — is unprocessable content (422). A leading UTF-8 byte order
// mark is ignored, as RFC 8259 allows. encoding/json reports only the first
// type error or unknown field; validation errors are all reported.
//
// Errors of the calling code, not of the client — a non-pointer passed to
// Decode, a value validator cannot validate (validator's
// InvalidValidationError), a type encoding/json cannot fill (an embedded
// pointer to an unexported struct type with exported fields, refused for
// every body, not only when a client sends one of those fields) — are
// [problem.InternalError] (500) wrapping the cause, so the pipeline logs it
// and shows nothing.
//
// # Field details
//
// Each [problem.FieldError] names the JSON field the client sent, never a
// Go field name: Pointer is an RFC 6901 JSON Pointer in URI fragment form
// ("#/items/0/qty", map keys escaped "~0" and "~1", bytes not allowed in a
// fragment percent-encoded), Field the dotted path ("items[0].qty",
// "meta[key]"). Fields of embedded structs are promoted, as encoding/json
// does. Rule is the validator tag (for "dive" elements, the element's tag),
// Param its parameter with Go field names of cross-field rules (eqfield,
// required_with, …) replaced by JSON names. Detail is left empty: the
// pipeline translates Message into it for each request, in the client's
// language, so it is rendered once. Outside the pipeline, render it with
// any [problem.Translator], or with [problem.Message.String] for English.
//
// The names come from the Decoder's own validator: New registers a tag
// name function (RegisterTagNameFunc) that gives each field its JSON name,
// no name to an embedded struct whose fields encoding/json promotes
// (validator.WithTagNameFuncBlankOmit leaves it out of namespaces), and its
// Go name to a json:"-" field, which keeps being validated. Field is
// validator's Namespace without the root type's name; the types of the
// value (cached per struct type, never the values) split it into the steps
// of Pointer and tell a map key from a struct field. A map key holding "]"
// followed by "[" or "." can make a namespace of nested maps read two ways;
// the shorter first key wins. Errors come in the order validator walks the
// value — fields in struct order, slice elements by index — with map
// entries sorted by key (integer keys as numbers).
//
// # Reading encoding/json's failures
//
// No code here reads the text of another library's errors, which changes
// between releases (encoding/json v2, GOEXPERIMENT=jsonv2, rewords it).
// Syntax and type errors are read from their types and fields. Their
// offsets mean different things in v1 and v2 (v1 counts the bad byte, and
// points at the end of a wrong value; v2 points at the bad byte and the
// start of the value): the Decoder asks the encoding/json it is linked with
// once, on two documents whose answers are known, rather than trusting a
// build tag that would pick wrong the day v2 is the only implementation.
//
// encoding/json names an unknown member only in its error text, and which
// member a key decodes into (exact name, other cases, promoted fields) is
// its own business, which v1 and v2 do not do alike. So when a body fails
// with DisallowUnknownFields but decodes without it, the Decoder asks
// encoding/json about pieces of the body — each member, or element, on the
// way down, alone with the path above it — and reports the first member in
// document order that it refuses. The pieces add up to a few times the
// body's size; past that (a document nested thousands deep), the problem
// says that there is an unknown member but not where. encoding/json checks
// types whether or not unknown members are allowed, so a value of the
// wrong type is reported before an unknown member.
//
// # Messages
//
// Message holds the localizable form of Detail. Its ID is
// "validation.<rule>" ([MessagePrefix]), with a suffix where the wording
// depends on the value: ".string" (length in characters), ".number",
// ".slice" (items of a slice, array or map) or ".time"; ".multi" for
// cross-field rules naming several fields; "validation.type.<json type>" for
// wrong types. Rules such as uuid4 share the message of a more general rule
// (validation.uuid); rules without one use "validation.generic". [Messages]
// lists every ID with its English text; [Options.Messages] adds or replaces
// them, keyed by the ID without the prefix, and [Decoder.Messages] lists a
// Decoder's. The translations ship in the package, and come with [Feature].
//
// Template data, all lower camel case: field — the field's label, a
// [problem.Label] with ID "field.<dotted path without indexes>"
// ("field.items.qty"), shown as the dotted path, verbatim, when no message
// file has it —, rule, param, and
// for some rules otherField (a label), otherFields (JSON names joined by
// ", "), value (required_if) and values (oneof, joined by ", "). Messages
// of min, max, len, eq, ne, gt, gte, lt and lte on strings and collections
// set Count to the number, and have a One form. Parameters are labelled
// "param.<name>".
//
// # Client text in field details
//
// Member names and map keys are the client's text: they reach a field
// detail only as its label, printed as text and never parsed as a
// template, and cut to 256 bytes (marked "…"), as the Field member is by
// the pipeline. The body is read as it arrives, never into a buffer sized
// by the declared Content-Length, and never beyond [Options.MaxBytes].
//
// # Secrets and echoed values
//
// Rejected values are not sent back unless [Options.EchoValues] is set, and
// never for a field tagged problem:"secret" ([TagSecret]) or anything below
// it. [SecretFields] lists those fields so loggers can redact them.
//
// # Parameters
//
// [Decoder.Params] binds query, path and header parameters into a struct by
// its query, path and header tags ([TagQuery], [TagPath], [TagHeader]),
// then validates it; failures are [InvalidParameter] (INVALID_PARAMETER,
// 400) with field details naming the parameter and where it lives (In),
// without a Pointer.
//
// # Rules of your own
//
// [Options.Rules] configures the Decoder's validator: RegisterValidation and
// RegisterValidationCtx (which Decode and Params call with the request's
// context), RegisterAlias, RegisterStructValidation, RegisterCustomTypeFunc.
// A struct-level rule reports a field under its JSON name (its Go name is
// understood too). A rule without a message of its own is rendered with
// "validation.generic"; give it one in [Options.Messages].
package validation
