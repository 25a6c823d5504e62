package idempotency

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
)

// Defaults of Options.
const (
	DefaultTTL                    = 24 * time.Hour
	DefaultTimeout                = time.Minute
	DefaultMaxBodyBytes     int64 = 1 << 20
	DefaultMaxResponseBytes int64 = 64 << 10
	DefaultRetryAfter             = time.Second
	DefaultStoreTimeout           = 2 * time.Second
)

// ReplayedHeader is the response header that marks a replayed response.
const ReplayedHeader = "Idempotent-Replayed"

// replayHeaders are the response headers a replay carries: those that
// describe the body and the resource it created. Never Set-Cookie, nor the
// request ID, which is the retry's own.
var replayHeaders = []string{
	"Content-Type", "Content-Language", "Content-Location", "Content-Disposition",
	"Location", "Etag", "Last-Modified", "Cache-Control", "Link", "Preference-Applied",
}

// Options configures the middleware. The zero value means the defaults.
type Options struct {
	// Store keeps the keys. Nil means a MemoryStore with the default
	// bounds, for a single instance; instances that share their clients
	// share a store (package problemredis, a module of its own).
	Store Store
	// TTL is how long a completed request is kept: its retries are
	// answered from it until then. Zero means DefaultTTL (24 hours).
	TTL time.Duration
	// Timeout bounds a request the middleware runs: its context ends after
	// Timeout, and its claim on the key lasts 1.5 × Timeout, so a handler
	// that stops when its context ends is done before another request can
	// claim the key. A claim left behind by an instance that stopped
	// mid-request is free after that too. Zero means DefaultTimeout (1
	// minute).
	Timeout time.Duration
	// RefuseDuplicates answers a retry of a completed request with 409
	// DUPLICATE_REQUEST (members originalRequestId and completedAt)
	// instead of replaying the stored response; no response body is then
	// stored.
	RefuseDuplicates bool
	// KeyOptional runs requests without an Idempotency-Key unprotected. By
	// default they are answered 400 IDEMPOTENCY_KEY_MISSING.
	KeyOptional bool
	// Methods are the methods the middleware guards; others pass through.
	// Nil means POST and PATCH, the methods that are not idempotent.
	Methods []string
	// MaxBodyBytes bounds the request body read for the fingerprint; a
	// larger one is answered 413 PAYLOAD_TOO_LARGE. Zero means
	// DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64
	// MaxResponseBytes bounds a stored response, headers and body: a
	// larger one is not stored, its key is kept as completed, and retries
	// are answered 409 DUPLICATE_REQUEST. Zero means
	// DefaultMaxResponseBytes (64 KiB).
	MaxResponseBytes int64
	// ReplayHeaders names response headers a replay carries beside
	// Content-Type, Content-Language, Content-Location,
	// Content-Disposition, Location, ETag, Last-Modified, Cache-Control,
	// Link and Preference-Applied.
	ReplayHeaders []string
	// Scope returns the client a request comes from, such as the
	// authenticated account: keys are scoped by it, so two clients that
	// choose the same key never see each other's responses. Nil means one
	// scope for every request: set it whenever clients are distinct
	// principals.
	Scope func(*http.Request) string
	// RetryAfter is the Retry-After of the answers that ask the client to
	// retry: REQUEST_IN_PROGRESS and IDEMPOTENCY_UNAVAILABLE. Zero means
	// DefaultRetryAfter (1 second).
	RetryAfter time.Duration
	// StoreTimeout bounds each call to the store. Zero means
	// DefaultStoreTimeout (2 seconds).
	StoreTimeout time.Duration
	// Logger receives the records of what the middleware could not store
	// or release after a request ran. Nil means slog.Default(); failures
	// it answers are logged by the pipeline.
	Logger *slog.Logger
	// Now returns the current time, for completedAt. Nil means time.Now.
	Now func() time.Time
}

// Codes returns the codes the middleware configured by o answers with,
// for an operation's declaration in problemdocs: the key's problems, a
// retry in progress or completed (DUPLICATE_REQUEST also answers a retry
// whose response could not be stored), a body over MaxBodyBytes and a
// store that fails.
func (o Options) Codes() []*problem.Code {
	codes := make([]*problem.Code, 0, 7)
	if !o.KeyOptional {
		codes = append(codes, KeyMissing)
	}
	return append(codes, KeyInvalid, KeyReused,
		RequestInProgress, DuplicateRequest, problem.PayloadTooLarge,
		Unavailable)
}

// guard is the configured middleware.
type guard struct {
	store       Store
	ttl, lease  time.Duration
	timeout     time.Duration
	refuse      bool
	optional    bool
	methods     map[string]bool
	maxBody     int64
	maxResponse int64
	keep        map[string]bool
	scope       func(*http.Request) string
	retryAfter  int
	storeWait   time.Duration
	log         *slog.Logger
	now         func() time.Time
}

// New returns the Idempotency-Key middleware (IETF draft "The
// Idempotency-Key HTTP Header Field"). Mount it below the pipeline's
// Handler, on the routes it guards:
//
//	r.With(idempotency.New(idempotency.Options{})).Post("/transfers", problemhttp.Handle(createTransfer))
//
// See the package documentation for what it answers.
func New(opts Options) func(http.Handler) http.Handler {
	g := &guard{
		store: opts.Store, ttl: opts.TTL, timeout: opts.Timeout,
		refuse: opts.RefuseDuplicates, optional: opts.KeyOptional,
		maxBody: opts.MaxBodyBytes, maxResponse: opts.MaxResponseBytes,
		scope: opts.Scope, storeWait: opts.StoreTimeout, log: opts.Logger, now: opts.Now,
	}
	if g.store == nil {
		g.store = NewMemoryStore(MemoryOptions{})
	}
	if g.ttl <= 0 {
		g.ttl = DefaultTTL
	}
	if g.timeout <= 0 {
		g.timeout = DefaultTimeout
	}
	g.lease = g.timeout + g.timeout/2
	methods := opts.Methods
	if methods == nil {
		methods = []string{http.MethodPost, http.MethodPatch}
	}
	g.methods = make(map[string]bool, len(methods))
	for _, m := range methods {
		g.methods[m] = true
	}
	if g.maxBody <= 0 {
		g.maxBody = DefaultMaxBodyBytes
	}
	if g.maxResponse <= 0 {
		g.maxResponse = DefaultMaxResponseBytes
	}
	g.keep = make(map[string]bool, len(replayHeaders)+len(opts.ReplayHeaders))
	for _, h := range slices.Concat(replayHeaders, opts.ReplayHeaders) {
		g.keep[http.CanonicalHeaderKey(h)] = true
	}
	retry := opts.RetryAfter
	if retry <= 0 {
		retry = DefaultRetryAfter
	}
	g.retryAfter = max(int((retry+time.Second-1)/time.Second), 1)
	if g.storeWait <= 0 {
		g.storeWait = DefaultStoreTimeout
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.now == nil {
		g.now = time.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { g.serve(w, r, next) })
	}
}

func (g *guard) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if !g.methods[r.Method] {
		next.ServeHTTP(w, r)
		return
	}
	values := r.Header.Values(HeaderName)
	if len(values) == 0 {
		if g.optional {
			next.ServeHTTP(w, r)
			return
		}
		problemhttp.WriteError(w, r, KeyMissing.New())
		return
	}
	key, err := ParseKey(values[0])
	if err == nil && len(values) > 1 {
		err = errors.New("idempotency: more than one Idempotency-Key header")
	}
	if err != nil {
		problemhttp.WriteError(w, r, KeyInvalid.New().With("maxLength", MaxKeyLength).Wrap(err))
		return
	}
	body, err := g.readBody(r)
	if err != nil {
		problemhttp.WriteError(w, r, err)
		return
	}
	scope := ""
	if g.scope != nil {
		scope = g.scope(r)
	}
	skey := hashOf([]byte(scope), []byte(key))
	id, _ := problemhttp.RequestIDFromContext(r.Context())
	claim := &Record{Token: newToken(), Fingerprint: hashOf([]byte(r.Method), []byte(r.URL.RequestURI()), body), RequestID: id}

	ctx, cancel := context.WithTimeout(r.Context(), g.storeWait)
	prev, err := g.store.Claim(ctx, skey, claim, g.lease)
	cancel()
	switch {
	case err != nil:
		problemhttp.WriteError(w, r, Unavailable.New().
			With("retryAfter", g.retryAfter).
			WithHeader("Retry-After", strconv.Itoa(g.retryAfter)).
			Wrap(err))
	case prev == nil:
		g.run(w, r, next, skey, claim)
	default:
		g.answer(w, r, prev, claim.Fingerprint)
	}
}

// readBody reads the request body, at most g.maxBody of it, and hands it
// on to the handler intact. The buffer grows as bytes arrive, never from
// Content-Length.
func (g *guard) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > g.maxBody {
		return nil, problem.PayloadTooLarge.New().With("limit", g.maxBody)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, g.maxBody)); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, problem.PayloadTooLarge.New().With("limit", g.maxBody).Wrap(err)
		}
		return nil, problem.MalformedRequest.New().Wrap(err)
	}
	_ = r.Body.Close()
	body := buf.Bytes()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, nil
}

// answer answers a request whose key already has a record, without
// running it: 422 for another request under the same key, 409 while the
// first one runs, and for a completed one its stored response or 409
// DUPLICATE_REQUEST.
func (g *guard) answer(w http.ResponseWriter, r *http.Request, prev *Record, fingerprint string) {
	switch {
	case prev.Fingerprint != fingerprint:
		problemhttp.WriteError(w, r, KeyReused.New())
	case !prev.Done:
		problemhttp.WriteError(w, r, RequestInProgress.New().
			With("retryAfter", g.retryAfter).
			WithHeader("Retry-After", strconv.Itoa(g.retryAfter)))
	case g.refuse || prev.Response == nil:
		problemhttp.WriteError(w, r, DuplicateRequest.New().
			With("originalRequestId", prev.RequestID).
			With("completedAt", prev.CompletedAt.UTC().Format(time.RFC3339)))
	default:
		resp := prev.Response
		h := w.Header()
		for k, vs := range resp.Header {
			if g.keep[k] {
				h[k] = append([]string(nil), vs...)
			}
		}
		h.Set(ReplayedHeader, "true")
		w.WriteHeader(resp.Status)
		_, _ = w.Write(resp.Body)
	}
}

// run runs the request that claimed the key and settles the claim when it
// returns or panics.
func (g *guard) run(w http.ResponseWriter, r *http.Request, next http.Handler, skey string, claim *Record) {
	rec := &recorder{ResponseWriter: w, keep: g.keep, max: g.maxResponse, store: !g.refuse}
	ctx, cancel := context.WithTimeout(r.Context(), g.timeout)
	defer cancel()
	returned := false
	defer func() { g.settle(r, skey, claim, rec, returned) }()
	next.ServeHTTP(rec, r.WithContext(ctx))
	returned = true
}

// settle stores what a request that ran became, or frees its key:
//
//   - it returned with a 2xx or 3xx: completed, its response kept when it
//     fits (and duplicates are replayed);
//   - it returned with a 4xx or 5xx (a client that went away included), or
//     panicked before a 2xx or 3xx started: released, so a retry may run;
//   - it panicked or was aborted after a 2xx or 3xx started, or hijacked
//     the connection: completed without a response, since its work may be
//     done; retries get 409 DUPLICATE_REQUEST.
//
// It runs after the request, so it neither waits for a client that went
// away nor stops with its context.
func (g *guard) settle(r *http.Request, skey string, claim *Record, rec *recorder, returned bool) {
	status := rec.status
	if status == 0 && returned && !rec.hijacked {
		status = http.StatusOK // nothing written: net/http sends a 200
	}
	success := status >= 200 && status < 400
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), g.storeWait)
	defer cancel()
	if !success {
		if err := g.store.Release(ctx, skey, claim.Token); err != nil {
			g.log.LogAttrs(ctx, slog.LevelWarn, "idempotency: cannot release the key of a failed request; retries get 409 until its claim expires",
				slog.String("requestId", claim.RequestID), slog.String("error", err.Error()))
		}
		return
	}
	done := *claim
	done.Done, done.CompletedAt = true, g.now()
	if returned && !rec.hijacked && !rec.over && !g.refuse {
		done.Response = &Response{Status: status, Header: rec.header, Body: rec.body}
	}
	if err := g.store.Complete(ctx, skey, claim.Token, &done, g.ttl); err != nil {
		g.log.LogAttrs(ctx, slog.LevelError, "idempotency: cannot record a completed request; a retry after its claim expires runs it again",
			slog.String("requestId", claim.RequestID), slog.String("error", err.Error()))
	}
}

// hashOf returns the hexadecimal SHA-256 of parts, each length-prefixed,
// so that no two lists of parts hash alike.
func hashOf(parts ...[]byte) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		l := uint64(len(p))
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// newToken returns 128 random bits in hexadecimal: the claim's owner.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail since Go 1.24
	return hex.EncodeToString(b[:])
}
