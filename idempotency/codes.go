package idempotency

import (
	"embed"
	"net/http"

	"github.com/problemkit/problemkit/problem"
)

// Feature is the package's codes and their messages: include it in the
// application's catalog, and the bundle built from that catalog
// translates them (see problem.Catalog.Include).
var Feature = &problem.Feature{
	Name:  "idempotency",
	Codes: []*problem.Code{KeyMissing, KeyInvalid, KeyReused, RequestInProgress, DuplicateRequest, Unavailable},
	Files: locales,
}

// locales holds the translations of the codes, one go-i18n file per
// language.
//
//go:embed locales/*.json
var locales embed.FS

// The codes the middleware answers with, those of the IETF draft "The
// Idempotency-Key HTTP Header Field" and its own.
var (
	// KeyMissing is a request without the Idempotency-Key
	// header on an endpoint that requires one.
	KeyMissing = &problem.Code{
		Code: "IDEMPOTENCY_KEY_MISSING", Status: http.StatusBadRequest,
		Title:       "Idempotency-Key missing",
		Detail:      "This endpoint needs an Idempotency-Key header, so that a retry is never carried out twice.",
		Description: "The endpoint carries out each request once per Idempotency-Key, and the request had none.",
		When:        "A POST or PATCH to an endpoint that requires the header, sent without it.",
		Action:      "Send a new unique key, such as a UUID, in the Idempotency-Key header, and send the same key again when you retry.",
	}
	// KeyInvalid is an Idempotency-Key header that is not a
	// string of 1 to 255 characters.
	KeyInvalid = &problem.Code{
		Code: "IDEMPOTENCY_KEY_INVALID", Status: http.StatusBadRequest,
		Title:       "Idempotency-Key invalid",
		Detail:      "The Idempotency-Key header must be one string of 1 to {{.maxLength}} printable ASCII characters.",
		Description: "The Idempotency-Key header is empty, too long, sent more than once, or not a Structured Field String (a quoted string, or a bare value without spaces and quotes).",
		When:        "A key longer than maxLength, a key with spaces or non-ASCII characters, or two Idempotency-Key headers.",
		Action:      "Send one key of at most maxLength characters, such as a UUID: Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\".",
		Members: []problem.Member{
			{Name: "maxLength", Type: "integer", Description: "The longest key accepted, in characters.", Example: 255},
		},
	}
	// KeyReused is a key sent again with a different request:
	// another method, path or body than the request that first used it.
	KeyReused = &problem.Code{
		Code: "IDEMPOTENCY_KEY_REUSED", Status: http.StatusUnprocessableEntity,
		Title:       "Idempotency-Key reused",
		Detail:      "This Idempotency-Key was already used for a different request.",
		Description: "A request with the same Idempotency-Key but another method, path or body is in progress or completed; this one was not carried out.",
		When:        "A key reused for a new request, or a retry whose body changed.",
		Action:      "Retry with exactly the original request, or use a new key for a new request.",
	}
	// RequestInProgress is a retry that arrived while the request that
	// first used its key is still being processed.
	RequestInProgress = &problem.Code{
		Code: "REQUEST_IN_PROGRESS", Status: http.StatusConflict,
		Title:       "Request in progress",
		Detail:      "A request with this Idempotency-Key is still being processed. Retry shortly, with the same key.",
		Description: "The request that first used the Idempotency-Key has not finished; this one was not carried out.",
		When:        "A retry sent before the original request was answered, such as after a client timeout.",
		Action:      "Wait for the number of seconds in Retry-After, then retry with the same key and the same request.",
		Retryable:   true,
		Headers:     []string{"Retry-After"},
		Members: []problem.Member{
			{Name: "retryAfter", Type: "integer", Description: "Seconds to wait before retrying.", Example: 1},
		},
	}
	// DuplicateRequest is a retry of a request that completed, answered
	// with a refusal instead of the stored response (see
	// Options.RefuseDuplicates), or whose response was too large
	// to keep.
	DuplicateRequest = &problem.Code{
		Code: "DUPLICATE_REQUEST", Status: http.StatusConflict,
		Title:       "Duplicate request",
		Detail:      "A request with this Idempotency-Key was already completed.",
		Description: "The Idempotency-Key of the request was used by a request that completed; it was not carried out again.",
		When:        "A retry of a request that had in fact succeeded, or a key reused by mistake.",
		Action:      "Treat the original request as done; use a new Idempotency-Key for a new request.",
		Members: []problem.Member{
			{Name: "originalRequestId", Type: "string", Description: "The request ID of the request that used the key first.", Example: "0193b0c4-6f1e-7c2a-9d4e-2b1f0a9c8e77"},
			{Name: "completedAt", Type: "string", Description: "When the original request completed (RFC 3339).", Example: "2026-11-22T01:02:03Z"},
		},
	}
	// Unavailable is a request that could not be checked for
	// duplicates, because the store of keys could not be reached or is
	// full: it was not carried out (the middleware fails closed).
	Unavailable = &problem.Code{
		Code: "IDEMPOTENCY_UNAVAILABLE", Status: http.StatusServiceUnavailable,
		Title:       "Duplicate check unavailable",
		Detail:      "The request could not be checked for duplicates, so it was not carried out. Retry shortly, with the same key.",
		Description: "The server keeps every Idempotency-Key in a store it could not use just now, and it never carries out a request it cannot protect from running twice.",
		When:        "The key store is unreachable, too slow, or full.",
		Action:      "Retry after the number of seconds in Retry-After, with the same key.",
		Retryable:   true,
		Headers:     []string{"Retry-After"},
		Members: []problem.Member{
			{Name: "retryAfter", Type: "integer", Description: "Seconds to wait before retrying.", Example: 1},
		},
	}
)
