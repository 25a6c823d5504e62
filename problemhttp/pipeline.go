package problemhttp

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// DefaultRequestIDHeader is the header request IDs are read from and written
// to unless Options.RequestIDHeader says otherwise.
const DefaultRequestIDHeader = "X-Request-ID"

// Localizer chooses the language of a request's problems. *i18n.Bundle
// implements it; without one, problems are written in English.
type Localizer interface {
	// Translator returns the translator for r, negotiated from its
	// Accept-Language header. It must be safe for concurrent use.
	Translator(r *http.Request) problem.Translator
}

// Options configures a Pipeline. The zero value means the defaults, so a
// Pipeline can be built with problemhttp.New(problemhttp.Options{}).
type Options struct {
	// Logger receives one record per failure. Nil means slog.Default().
	Logger *slog.Logger
	// Development adds a "debug" member to every problem (the error, its
	// chain, the panic stack) and shows the texts of 5xx problems as
	// written. The zero value, false, is production mode: 5xx and unmapped
	// errors are reduced to their declared or generic texts. Never enable
	// it where clients can see the responses.
	Development bool
	// Catalog holds the application's codes, the base of their type URIs,
	// and the mappings of other errors to codes: it decides what every
	// error becomes (see problem.Catalog.Map). Nil means
	// problem.NewCatalog(""): the built-in codes, with type URIs under
	// problem.DefaultTypeBase.
	Catalog *problem.Catalog
	// Localizer translates titles, details and field messages. Nil means
	// English from the code declarations.
	Localizer Localizer
	// MessageKeys adds each field error's message ID as "messageKey", for
	// clients that translate with their own catalog.
	MessageKeys bool
	// RequestIDHeader is the request and response header of the request ID.
	// Empty means DefaultRequestIDHeader.
	RequestIDHeader string
	// ClientErrorLevel is the log level of 4xx problems. The zero value is
	// slog.LevelInfo; 5xx problems are always logged at slog.LevelError.
	ClientErrorLevel slog.Level
	// Now returns the current time, for the timestamp member. Nil means
	// time.Now.
	Now func() time.Time

	// KeepForeignErrors leaves the error responses that code below the
	// pipeline writes without a problem body — http.Error in a middleware,
	// ServeMux's own 404 and 405 — as they are. By default each is
	// replaced with the problem for its status (see KeepErrorResponses for
	// one route).
	KeepForeignErrors bool
	// ConvertResponse decides which of those error responses are replaced,
	// from their status and headers; it is never asked about a problem.
	// Nil means those with no Content-Type or text/plain.
	ConvertResponse func(status int, header http.Header) bool
	// OnFailure, when set, is called once per failure, after the problem is
	// built and before it is written: see Failure. It is the pipeline's
	// one extension point, for OpenTelemetry (package problemotel) and for
	// applications; to run several, call them from one function. It must be
	// safe for concurrent use, and should be quick: it runs on every
	// failure.
	OnFailure func(*Failure)

	// KeepHeaders names headers a replaced response keeps beside the
	// default ones: Allow, Retry-After, WWW-Authenticate,
	// Proxy-Authenticate, Vary, Access-Control-*, the RateLimit fields,
	// the site-wide policies (Strict-Transport-Security,
	// Content-Security-Policy, X-Frame-Options, Referrer-Policy,
	// Permissions-Policy, Cross-Origin-*) and the request ID.
	KeepHeaders []string
}

// Pipeline is the configured failure pipeline: request IDs, panic recovery,
// mapping errors to problems, localizing, redacting, rendering and logging.
// Build one per application with New and share it; it is safe for
// concurrent use.
type Pipeline struct {
	log         *slog.Logger
	production  bool
	catalog     *problem.Catalog
	localizer   Localizer
	messageKeys bool
	idHeader    string
	clientLevel slog.Level
	now         func() time.Time
	keepForeign bool
	convert     func(int, http.Header) bool
	keepHeaders map[string]bool
	onFailure   func(*Failure)
}

// New returns a Pipeline with opts, filling in the defaults.
func New(opts Options) *Pipeline {
	p := &Pipeline{
		log:         opts.Logger,
		production:  !opts.Development,
		catalog:     opts.Catalog,
		localizer:   opts.Localizer,
		messageKeys: opts.MessageKeys,
		idHeader:    http.CanonicalHeaderKey(cmp.Or(opts.RequestIDHeader, DefaultRequestIDHeader)),
		clientLevel: opts.ClientErrorLevel,
		now:         opts.Now,
		keepForeign: opts.KeepForeignErrors,
		convert:     opts.ConvertResponse,
		onFailure:   opts.OnFailure,
	}
	for _, h := range opts.KeepHeaders {
		if p.keepHeaders == nil {
			p.keepHeaders = make(map[string]bool, len(opts.KeepHeaders))
		}
		p.keepHeaders[http.CanonicalHeaderKey(h)] = true
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.catalog == nil {
		p.catalog = problem.NewCatalog("")
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p
}

// Handler is the pipeline as a middleware. For each request it assigns the
// request ID (the inbound one when it is safe, at most 128 bytes of
// [A-Za-z0-9._:-], otherwise a new time-ordered UUIDv7), sets it on the
// response and in the context (RequestIDFromContext), tracks whether the
// response has started, and turns a panic into a 500 problem; handlers
// below it answer their failures through it with Handle or WriteError. Use
// it first, before any middleware that can fail:
//
//	r := chi.NewRouter()
//	r.Use(pl.Handler)
//
// A panic with http.ErrAbortHandler, which net/http uses to abort a
// response on purpose, is passed on. A panic after the response started is
// logged and aborts the connection. Mounted twice (on a router and a
// sub-router), it keeps the request's one ID.
func (p *Pipeline) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := p.begin(w, r)
		r = r.WithContext(s)
		s.req = r
		if r.Method == http.MethodHead {
			headAsGet(r)
		}
		defer p.recoverPanic(s.w, r)
		next.ServeHTTP(s.w, r)
		if s.w.held != 0 {
			p.replaceForeign(s.w) // an error response from below, held back until it was done
		}
	})
}

// Catalog returns the pipeline's catalog.
func (p *Pipeline) Catalog() *problem.Catalog { return p.catalog }
