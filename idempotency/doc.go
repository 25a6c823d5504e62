// Package idempotency is the Idempotency-Key middleware of the IETF draft
// "The Idempotency-Key HTTP Header Field"
// (draft-ietf-httpapi-idempotency-key-header): a request retried with the
// same key is carried out once, whatever the network did to the first
// answer.
//
// # Setting up
//
// Build it with [New] and its [Options], and mount it below the pipeline
// ([problemhttp.Pipeline.Handler]), on the routes whose effects must
// happen once:
//
//	idem := idempotency.New(idempotency.Options{})
//	r.Use(pl.Handler)
//	r.With(idem).Post("/transfers", problemhttp.Handle(createTransfer))
//
//	mux.Handle("POST /transfers", idem(problemhttp.Handle(createTransfer)))
//
// It answers its failures through [problemhttp.WriteError], so they are
// problems like every other, documented, translated and logged once. Its
// codes ([KeyMissing], [KeyInvalid], [KeyReused], [RequestInProgress],
// [DuplicateRequest], [Unavailable]) and their messages are [Feature]:
// include it in the application's catalog ([problem.Catalog.Include]).
// [Options.Codes] lists the codes a configured middleware answers with, for
// an operation's documentation.
//
// The default [Store] is a [MemoryStore], for one instance. Instances
// behind one load balancer share a store:
// [github.com/problemkit/problemkit/problemredis.Store], in a module of its
// own, keeps the keys on Redis. Package
// [github.com/problemkit/problemkit/idempotency/storetest] checks a store
// of your own against the Store contract.
//
// # What it answers
//
// For POST and PATCH ([Options.Methods]), with the key of the
// Idempotency-Key header ([HeaderName]) read as a Structured Field String
// or a bare value ([ParseKey], [FormatKey]), at most [MaxKeyLength] (255)
// characters:
//
//	no key                               400 IDEMPOTENCY_KEY_MISSING (unless Options.KeyOptional)
//	a malformed key, or two of them      400 IDEMPOTENCY_KEY_INVALID
//	a new key                            the request runs
//	the key of another request           422 IDEMPOTENCY_KEY_REUSED
//	the key of a request still running   409 REQUEST_IN_PROGRESS, with Retry-After
//	the key of a completed request       its stored response, with Idempotent-Replayed: true;
//	                                     409 DUPLICATE_REQUEST with Options.RefuseDuplicates
//	a store it cannot use                503 IDEMPOTENCY_UNAVAILABLE, with Retry-After
//
// "Another request" is another fingerprint: the SHA-256 of the method, the
// request target (path and query) and the body. A stored response is
// replayed with its status, an allow-list of its headers (never Set-Cookie;
// see [Options.ReplayHeaders]) and its body, marked with the
// [ReplayedHeader]; the retry keeps its own request ID. A retry with a key
// whose request completed but whose response was not stored gets 409
// DUPLICATE_REQUEST.
//
// # What is stored
//
// A key is claimed atomically ([Store]) before its request runs: of
// concurrent requests with one key, on every instance that shares the
// store, one runs and the others are answered 409. When the request is done, what it
// became decides the key's fate ([Options.TTL], [Options.MaxResponseBytes]):
//
//	a 2xx or 3xx                                    completed: kept for Options.TTL (24 hours),
//	                                                its response too when it fits (Options.MaxResponseBytes)
//	a 4xx or 5xx, a panic before the response       released: a retry runs the request again
//	started, a client that went away (499)
//	a panic or abort after a 2xx or 3xx started,    completed without a response: its work may be
//	a hijacked connection                           done, so retries get 409 DUPLICATE_REQUEST
//
// A failure is never stored, so a client may correct what its problem
// names and retry with the same key; a 5xx is never replayed, and a
// replay is always a stored success. A client that goes away does not stop
// the request: when it completes, its response is stored for the retry.
//
// The request's context ends after [Options.Timeout] (1 minute), and its
// claim lasts 1.5 times as long, so that a handler that stops with its
// context is done before another request can claim its key. A claim left
// behind by an instance that stopped mid-request is free when it expires.
// A handler that ignores its context past the claim can run twice.
//
// # Failing closed
//
// A request the middleware cannot claim is never run: when the store fails,
// is too slow ([Options.StoreTimeout], 2 seconds) or is full of requests in
// progress ([ErrFull]), the answer is 503 IDEMPOTENCY_UNAVAILABLE with
// Retry-After, which tells the client that nothing was carried out. When the
// store fails after the request ran, the answer is sent as the handler wrote
// it and the failure is logged at error level ([Options.Logger]): until its
// claim expires, retries are answered 409.
//
// # Bounds
//
// A client cannot choose how much is held: the key is at most 255
// characters and is stored only as a hash (with [Options.Scope], which
// keeps two clients' keys apart); the body read for the fingerprint is at
// most [Options.MaxBodyBytes] (1 MiB, [problem.PayloadTooLarge] beyond),
// grows as it arrives and is handed on intact; a stored response is at
// most [Options.MaxResponseBytes] (64 KiB) of headers and body; the
// MemoryStore holds at most [MemoryOptions.MaxEntries] keys and
// [MemoryOptions.MaxBytes] bytes, evicting the oldest completed requests
// first and never one in progress.
package idempotency
