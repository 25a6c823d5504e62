// Package validation decodes JSON request bodies and request parameters and
// validates them with go-playground/validator v10, turning every failure
// into a *problem.Error that the middleware renders as an RFC 9457 problem.
//
// One call does it all in a handler:
//
//	var in CreateUser
//	if err := validation.Decode(r, &in); err != nil {
//		return err
//	}
//
// Decode uses a Decoder of default Options; build your own with New to
// change the body limit, allow unknown fields, echo rejected values, add
// messages or bring a configured validator. A Decoder is built once and is
// safe for concurrent use; the package holds no mutable settings.
//
// # What is checked, and the status of each failure
//
// In order, Decoder.Decode answers with:
//
//   - EMPTY_BODY (400): no body, or only white space;
//   - UNSUPPORTED_MEDIA_TYPE (415): a Content-Type other than
//     application/json or application/*+json (UTF-8 only), with an
//     "accepted" member and, for POST and PATCH, Accept-Post or Accept-Patch;
//   - PAYLOAD_TOO_LARGE (413): a body over Options.MaxBytes (1 MiB by
//     default), with a "limit" member;
//   - MALFORMED_JSON (400): a syntax error or a truncated document, with
//     "line" and "column" (from 1, in bytes) and "offset" (from 0) members;
//   - TRAILING_DATA (400): anything but white space after the JSON value,
//     with an "offset" member;
//   - INVALID_FIELD_TYPE (422): a value of the wrong JSON type, such as a
//     string for an int field, with one field detail (rule "type", param the
//     expected JSON type: string, number, integer, boolean, object or array);
//   - UNKNOWN_FIELD (422): a member no struct field takes (rule "unknown"),
//     unless Options.AllowUnknownFields;
//   - VALIDATION_ERROR (422): every field that breaks a validate rule, at
//     once, in struct order (slice elements by index, map entries by key),
//     with a "count" member.
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
// InvalidValidationError) — are INTERNAL_ERROR (500) wrapping the cause, so
// the middleware logs it and shows nothing.
//
// # Field details
//
// Each problem.FieldError names the JSON field the client sent, never a Go
// field name: Pointer is an RFC 6901 JSON Pointer in URI fragment form
// ("#/items/0/qty", map keys escaped "~0" and "~1", bytes not allowed in a
// fragment percent-encoded), Field the dotted path ("items[0].qty",
// "meta[key]"). Fields of embedded structs are promoted, as encoding/json
// does. Rule is the validator tag (for "dive" elements, the element's tag),
// Param its parameter with Go field names of cross-field rules (eqfield,
// required_with, …) replaced by JSON names. Detail is left empty: the
// middleware translates Message into it for each request, in the client's
// language, so it is rendered once. Outside the middleware, render it with
// any problem.Translator, such as f.Message.String()
// for English.
//
// Paths are resolved from validator's StructNamespace (Go names, which are
// unambiguous) and the json tags, so the Decoder needs no tag name function
// and never modifies a validator passed in Options.Validator.
//
// # Messages
//
// Message holds the localizable form of Detail. Its ID is
// "validation.<rule>", with a suffix where the wording depends on the value:
// ".string" (length in characters), ".number", ".slice" (items of a slice,
// array or map) or ".time"; ".multi" for cross-field rules naming several
// fields; "validation.type.<json type>" for wrong types. Rules such as uuid4
// share the message of a more general rule (validation.uuid); rules without
// one use "validation.generic". Messages lists every ID with its English
// text; Options.Messages adds or replaces them, keyed by the ID without the
// prefix.
//
// Template data, all lower camel case: field — the field's label, a
// problem.Label with ID "field.<dotted path without indexes>"
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
// the middleware. The body is read as it arrives, never into a buffer sized
// by the declared Content-Length, and never beyond Options.MaxBytes.
//
// # Secrets and echoed values
//
// Rejected values are not sent back unless Options.EchoValues is set, and
// never for a field tagged problem:"secret" (TagSecret) or anything below
// it. SecretFields lists those fields so loggers can redact them.
//
// # Parameters
//
// Decoder.Params binds query, path and header parameters into a struct by
// its query, path and header tags, then validates it; failures are
// INVALID_PARAMETER (400) with field details naming the parameter and where
// it lives (In), without a Pointer.
package validation
