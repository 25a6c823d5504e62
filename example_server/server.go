package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/upstream"
	"github.com/problemkit/problemkit/validation"
)

// messages are the demo's own translations: its codes, field labels and
// parameter labels, merged over problemkit's.
//
//go:embed locales/*.json
var messages embed.FS

// config is what main reads from its flags.
type config struct {
	production bool
	baseURL    string // type URIs live under baseURL + "/problems/"
	logger     *slog.Logger
	// upstreamURL is the fake embeddings API; empty means start one.
	upstreamURL string
	// mux is the router: "chi" (the zero value) or "std" (http.ServeMux).
	mux string
	// redisURL puts idempotency keys and rate limits on Redis (-redis);
	// empty means in memory.
	redisURL string
	// transferDelay is how long a transfer takes (-transfer-delay).
	transferDelay time.Duration
	// otel is the OpenTelemetry SDK (-otel); nil means none.
	otel *telemetry
}

// app holds what the handlers share.
type app struct {
	users       *userStore
	bank        *bank
	embeddings  *upstream.Client
	upstream    string
	decoder     *validation.Decoder
	idempotency idempotency.Options // of POST /transfers
	limit       []httprate.Option   // the counter of /limited: memory or Redis
	demos       *upstreamDemos
}

// newBundle loads problemkit's messages, those of the catalog's features,
// and the demo's.
func newBundle(catalog *problem.Catalog) (*i18n.Bundle, error) {
	own, err := fs.Sub(messages, "locales")
	if err != nil {
		return nil, err
	}
	return i18n.New(i18n.Options{Catalog: catalog, Files: []fs.FS{own}})
}

// newServer wires the demo: the pipeline first, then the routes. The
// returned func stops what it started.
func newServer(cfg config) (http.Handler, func(), error) {
	catalog, err := newCatalog(cfg.baseURL + "/problems/")
	if err != nil {
		return nil, nil, err
	}
	bundle, err := newBundle(catalog)
	if err != nil {
		return nil, nil, err
	}
	pl := problemhttp.New(problemhttp.Options{
		Logger:      cfg.logger,
		Development: !cfg.production,
		Catalog:     catalog,
		Localizer:   bundle,
		OnFailure:   cfg.otel.onFailure(),
	})
	sh, err := newShared(cfg.redisURL)
	if err != nil {
		return nil, nil, err
	}
	stop := sh.close
	if cfg.upstreamURL == "" {
		fake, err := startFakeEmbeddings()
		if err != nil {
			stop()
			return nil, nil, err
		}
		cfg.upstreamURL, stop = fake.url, func() { fake.close(); sh.close() }
	}
	demos, err := newUpstreamDemos(cfg.logger, catalog) // upstream_demos.go
	if err != nil {
		stop()
		return nil, nil, err
	}
	stopEmbeddings := stop
	stop = func() { stopEmbeddings(); demos.close() }
	routes, err := newApp(cfg.upstreamURL, cfg.transferDelay, sh, demos).routes(pl, catalog, bundle)
	if err != nil {
		stop()
		return nil, nil, err
	}
	if cfg.mux == "std" {
		return cfg.otel.wrap(stdRouter(pl, routes, cfg.otel.routeSpan())), stop, nil
	}
	return cfg.otel.wrap(chiRouter(pl, routes, cfg.otel.routeSpan())), stop, nil
}

// newApp returns the handlers' shared state: upstreamURL is the base URL
// of the embeddings API, delay how long a transfer takes, sh the stores
// of idempotency keys and rate limits, demos the upstream demos.
func newApp(upstreamURL string, delay time.Duration, sh *shared, demos *upstreamDemos) *app {
	return &app{
		users: newUserStore(),
		bank:  newBank(delay),
		embeddings: upstream.New("openai-embeddings", upstream.Options{
			Label:   "embeddings", // the name clients may see; the URL never
			Timeout: 300 * time.Millisecond,
			Retry:   upstream.RetryOptions{MaxAttempts: 2, WaitMin: 20 * time.Millisecond, WaitMax: 100 * time.Millisecond, MaxElapsed: 2 * time.Second},
		}),
		upstream: upstreamURL,
		// The demo's bodies are small: a 64 KiB limit keeps what one
		// request can cost (decoding, validating, the answer) small too.
		decoder: validation.New(validation.Options{MaxBytes: 64 << 10}),
		// Every transfer carries an Idempotency-Key, and runs once per
		// key: a retry of a completed one is refused with 409
		// DUPLICATE_REQUEST, naming the request that did it. The demo has
		// no accounts of clients; an API that has them sets Options.Scope.
		idempotency: idempotency.Options{Store: sh.store, RefuseDuplicates: true, MaxBodyBytes: 64 << 10},
		limit:       sh.limit,
		demos:       demos,
	}
}

// routes is the demo's route table. Each route carries its declaration
// for the OpenAPI document (GET /openapi.json): what it answers when it
// succeeds and the problems its handler returns; problemdocs adds the
// ones the pipeline answers by itself. Method and pattern are the
// route's.
func (a *app) routes(pl *problemhttp.Pipeline, catalog *problem.Catalog, bundle *i18n.Bundle) ([]route, error) {
	var openapi []byte // this very table's document, rendered below
	rl := pl.RateLimit(time.Minute)
	pages := problemhttp.Handle(problemdocs.Pages(catalog, bundle))
	routes := []route{
		{"GET", "/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
		}), problemdocs.Operation{Summary: "Tell that the server is up", Tags: []string{"health"}, Responses: ok(200, statusBody{})}},
		{"POST", "/users", problemhttp.Handle(a.createUser), problemdocs.Operation{Summary: "Sign up a user",
			Body:      &problemdocs.Body{Schema: problemdocs.SchemaOf(createUserRequest{})},
			Responses: ok(201, user{}), Problems: []*problem.Code{errUsernameTaken}}},
		{"GET", "/users/{id}", problemhttp.Handle(a.getUser), problemdocs.Operation{Summary: "Get a user",
			Params:    []problemdocs.Param{{Name: "id", In: "path", Schema: problemdocs.Schema{"type": "integer", "format": "int64", "minimum": 1, "example": 42}}},
			Responses: ok(200, user{}), Problems: []*problem.Code{errUserNotFound}}},
		{"POST", "/transfers", idempotency.New(a.idempotency)(problemhttp.Handle(a.createTransfer)), problemdocs.Operation{Summary: "Transfer money between two accounts",
			Params: []problemdocs.Param{{Name: "Idempotency-Key", In: "header", Required: true, Lenient: true, // the middleware's own codes
				Description: "Makes a retried transfer safe: a key already used is answered DUPLICATE_REQUEST, a retry while the first runs REQUEST_IN_PROGRESS.",
				Schema:      problemdocs.Schema{"type": "string", "maxLength": idempotency.MaxKeyLength}}},
			Body:      &problemdocs.Body{Schema: problemdocs.SchemaOf(transferRequest{})},
			Responses: ok(201, transfer{}), Problems: append([]*problem.Code{errAccountNotFound, errInsufficientFunds, errCurrencyMismatch}, a.idempotency.Codes()...)}},
		{"GET", "/accounts/{id}", problemhttp.Handle(a.getAccount), problemdocs.Operation{Summary: "Get an account's balance", Tags: []string{"transfers"},
			Params:    []problemdocs.Param{{Name: "id", In: "path", Schema: problemdocs.Schema{"type": "integer", "format": "int64", "minimum": 1, "example": 1}}},
			Responses: ok(200, accountBody{}), Problems: []*problem.Code{errAccountNotFound}}},
		{"GET", "/upstream/embeddings", a.demos.expired(problemhttp.Handle(a.embed)), problemdocs.Operation{Summary: "Call the embeddings API",
			Params:    []problemdocs.Param{{Name: "fail", In: "query", Description: "Makes the fake upstream fail: 500, 502, timeout, 429 or 401; expired makes it reject the client's first token."}},
			Responses: ok(200, embeddingList{}), Problems: upstream.Feature.Codes}},
		// 5 a minute per client, with the RateLimit fields on every
		// answer and a 429 problem beyond.
		{"GET", "/limited", httprate.LimitBy(5, time.Minute, clientIP, append(slices.Clip(a.limit), httprate.WithLimitHandler(rl.Limited))...)(
			rl.Fields(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
			}))), problemdocs.Operation{Summary: "A route limited to 5 requests a minute", Tags: []string{"failures"}, RateLimited: true, Responses: ok(200, statusBody{})}},
		{"GET", "/panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A bug with a secret in its message: production clients see a
			// generic 500; the log keeps the value for the operator.
			panic("connect to db: db password=hunter2 refused")
		}), problemdocs.Operation{Summary: "A handler that panics: it never succeeds", Tags: []string{"failures"}}},
		{"GET", "/slow", problemhttp.Handle(slowReport), problemdocs.Operation{Summary: "A handler that misses its own deadline",
			Tags: []string{"failures"}, Responses: ok(200, struct {
				Report string `json:"report"`
			}{}), Problems: []*problem.Code{problem.Timeout}}},
		// An auth middleware written the way third-party ones are: it
		// answers with http.Error, and the pipeline makes that a problem.
		{"GET", "/admin", requireBearer(adminToken, http.HandlerFunc(adminHome)), problemdocs.Operation{Summary: "A route behind a bearer token",
			Tags: []string{"failures"}, Security: []string{"bearer"}, Responses: ok(200, adminBody{}), Problems: []*problem.Code{problem.Unauthorized}}},
		// Failures of net/http's own helpers, which write text/plain: the
		// pipeline answers problems for them.
		{"POST", "/upload", http.HandlerFunc(upload), problemdocs.Operation{Summary: "Upload at most 1 KiB",
			Tags: []string{"failures"}, Body: &problemdocs.Body{ContentType: "application/octet-stream", Schema: problemdocs.Schema{"type": "string", "format": "binary"}},
			Responses: ok(200, struct {
				Bytes int64 `json:"bytes"`
			}{}), Problems: []*problem.Code{problem.PayloadTooLarge}}},
		{"GET", "/export", http.TimeoutHandler(http.HandlerFunc(slowExport), 50*time.Millisecond, "export timed out"), problemdocs.Operation{
			Summary: "An export cut short by http.TimeoutHandler", Tags: []string{"failures"}, Responses: ok(200, struct {
				Export string `json:"export"`
			}{}), Problems: []*problem.Code{problem.ServiceUnavailable}}},
		{"GET", "/problems", pages, problemdocs.Operation{Summary: "The error catalog", Tags: []string{"docs"},
			Params: []problemdocs.Param{langParam}, Responses: docPage(problemdocs.Index{})}},
		{"GET", "/problems/{slug}", pages, problemdocs.Operation{Summary: "The page of one error code: its type URI", Tags: []string{"docs"},
			Params:    []problemdocs.Param{{Name: "slug", In: "path", Lenient: true, Description: "The code in kebab case, as its type URI ends; .json asks for JSON.", Schema: problemdocs.Schema{"type": "string", "example": "user-not-found"}}, langParam},
			Responses: docPage(problemdocs.Entry{}), Problems: []*problem.Code{problem.RouteNotFound}}},
		{"GET", "/openapi.json", serveJSON(&openapi), problemdocs.Operation{Summary: "This API's OpenAPI document", Tags: []string{"docs"},
			Responses: []problemdocs.Response{{Status: 200, Description: "The OpenAPI 3.1 document.", Schema: problemdocs.Schema{"type": "object"}}}}},
	}
	routes = append(routes, a.demos.routes()...)
	var err error
	openapi, err = apiDocument(catalog, bundle, routes)
	return routes, err
}

// route is one route of the demo, in the syntax chi and ServeMux share.
type route struct {
	method, pattern string
	h               http.Handler
	doc             problemdocs.Operation // for /openapi.json: write it with the route
}

// chiRouter mounts the pipeline and the routes on chi. The pipeline goes
// in the router with Use, so that it answers HEAD on every GET route and
// can tell a path no route matches. inner, when set, is mounted after it.
func chiRouter(pl *problemhttp.Pipeline, routes []route, inner func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(pl.Handler) // request IDs, panics, problems: before anything else
	if inner != nil {
		r.Use(inner)
	}
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	for _, rt := range routes {
		r.Method(rt.method, rt.pattern, rt.h)
	}
	r.Method(http.MethodGet, indexAlias, redirectTo("/problems"))
	return r
}

// indexAlias is the error catalog's address in the first version, kept
// as a redirect to the documented /problems: a person who cuts a type URI
// (/problems/user-not-found) back to its folder finds the index.
const indexAlias = "/problems/"

// redirectTo answers 308 Permanent Redirect to path, keeping the pages'
// language switch (?lang=ko), escaped; the rest of the query is dropped.
func redirectTo(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := path
		if lang := r.URL.Query().Get("lang"); lang != "" {
			to += "?" + url.Values{"lang": {lang}}.Encode()
		}
		http.Redirect(w, r, to, http.StatusPermanentRedirect)
	})
}

// stdRouter registers the routes on http.ServeMux with method patterns,
// and no catch-all: the pipeline around it turns ServeMux's own 404 and
// 405 into problems, and ServeMux answers HEAD on GET routes itself.
// inner, when set, goes between the pipeline and the mux.
func stdRouter(pl *problemhttp.Pipeline, routes []route, inner func(http.Handler) http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, rt.h)
	}
	mux.Handle(http.MethodGet+" "+indexAlias+"{$}", redirectTo("/problems")) // the path itself, not a subtree
	if inner != nil {
		return pl.Handler(inner(mux))
	}
	return pl.Handler(mux)
}

// clientIP keys the rate limit by the connection's peer address. Behind a
// proxy, key by a client IP the proxy sets and you trust instead.
func clientIP(r *http.Request) (string, error) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return "", err
	}
	return httprate.CanonicalizeIP(host), nil
}

// slowReport has a 100 ms budget and needs more: its deadline error becomes
// a 503 TIMEOUT problem.
func slowReport(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := contextWithTimeout(r, 100*time.Millisecond)
	defer cancel()
	select {
	case <-time.After(2 * time.Second): // the "report" it never finishes
		writeJSON(w, http.StatusOK, map[string]string{"report": "done"})
		return nil
	case <-ctx.Done():
		return fmt.Errorf("build report: %w", ctx.Err())
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
