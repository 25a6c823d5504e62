package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/middleware"
	"github.com/problemkit/problemkit/problemdocs"
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
}

// app holds what the handlers share.
type app struct {
	users      *userStore
	bank       *bank
	embeddings *upstream.Client
	upstream   string
	decoder    *validation.Decoder
}

// newBundle loads problemkit's messages and the demo's.
func newBundle() (*i18n.Bundle, error) {
	own, err := fs.Sub(messages, "locales")
	if err != nil {
		return nil, err
	}
	return i18n.New(i18n.Options{Files: []fs.FS{own}})
}

// newServer wires the demo: the pipeline first, then the routes. The
// returned func stops what it started.
func newServer(cfg config) (http.Handler, func(), error) {
	catalog, err := newCatalog(cfg.baseURL + "/problems/")
	if err != nil {
		return nil, nil, err
	}
	bundle, err := newBundle()
	if err != nil {
		return nil, nil, err
	}
	pl := middleware.New(middleware.Options{
		Logger:      cfg.logger,
		Development: !cfg.production,
		Catalog:     catalog,
		Localizer:   bundle,
	})

	sh, err := newShared(cfg.redisURL)
	if err != nil {
		return nil, nil, err
	}
	stop := sh.close
	if cfg.upstreamURL == "" {
		fake, err := startFakeEmbeddings()
		if err != nil {
			sh.close()
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
	a := &app{
		users: newUserStore(),
		bank:  newBank(cfg.transferDelay),
		embeddings: upstream.New("openai-embeddings", upstream.Options{
			Label:   "embeddings", // the name clients may see; the URL never
			Timeout: 300 * time.Millisecond,
			Retry:   upstream.RetryOptions{MaxAttempts: 2, WaitMin: 20 * time.Millisecond, WaitMax: 100 * time.Millisecond, MaxElapsed: 2 * time.Second},
		}),
		upstream: cfg.upstreamURL,
		// The demo's bodies are small: a 64 KiB limit keeps what one
		// request can cost (decoding, validating, the answer) small too.
		decoder: validation.New(validation.Options{MaxBytes: 64 << 10}),
	}

	rl := pl.RateLimit(time.Minute)
	// Every transfer carries an Idempotency-Key, and runs once per key:
	// a retry of a completed one is refused with 409 DUPLICATE_REQUEST,
	// naming the request that did it. The demo has no accounts of
	// clients; an API that has them sets Options.Scope.
	idem := idempotency.New(idempotency.Options{Store: sh.store, RefuseDuplicates: true, MaxBodyBytes: 64 << 10})
	routes := []route{
		{"GET", "/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{"POST", "/users", middleware.Handle(a.createUser)},
		{"GET", "/users/{id}", middleware.Handle(a.getUser)},
		{"POST", "/transfers", idem(middleware.Handle(a.createTransfer))},
		{"GET", "/accounts/{id}", middleware.Handle(a.getAccount)},
		{"GET", "/upstream/embeddings", demos.expired(middleware.Handle(a.embed))},
		// 5 a minute per client, with the RateLimit fields on every
		// answer and a 429 problem beyond.
		{"GET", "/limited", httprate.LimitBy(5, time.Minute, clientIP, append(sh.limit, httprate.WithLimitHandler(rl.Limited))...)(
			rl.Fields(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
			})))},
		{"GET", "/panic", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A bug with a secret in its message: production clients see a
			// generic 500; the log keeps the value for the operator.
			panic("connect to db: db password=hunter2 refused")
		})},
		{"GET", "/slow", middleware.Handle(slowReport)},
		// An auth middleware written the way third-party ones are: it
		// answers with http.Error, and the pipeline makes that a problem.
		{"GET", "/admin", requireBearer(adminToken, http.HandlerFunc(adminHome))},
		// Failures of net/http's own helpers, which write text/plain: the
		// pipeline answers problems for them.
		{"POST", "/upload", http.HandlerFunc(upload)},
		{"GET", "/export", http.TimeoutHandler(http.HandlerFunc(slowExport), 50*time.Millisecond, "export timed out")},
		{"GET", "/problems/", middleware.Handle(problemdocs.Pages(catalog, bundle))},
	}
	routes = append(routes, demos.routes()...)
	if cfg.mux == "std" {
		return stdRouter(pl, routes), stop, nil
	}
	return chiRouter(pl, routes), stop, nil
}

// route is one route of the demo, in the syntax chi and ServeMux share;
// a pattern ending in "/" is a subtree.
type route struct {
	method, pattern string
	h               http.Handler
}

// chiRouter mounts the pipeline and the routes on chi. The pipeline goes
// in the router with Use, so that it answers HEAD on every GET route and
// can tell a path no route matches.
func chiRouter(pl *middleware.Pipeline, routes []route) http.Handler {
	r := chi.NewRouter()
	r.Use(pl.Handler) // request IDs, panics, problems: before anything else
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	for _, rt := range routes {
		if strings.HasSuffix(rt.pattern, "/") {
			r.Mount(strings.TrimSuffix(rt.pattern, "/"), rt.h)
			continue
		}
		r.Method(rt.method, rt.pattern, rt.h)
	}
	return r
}

// stdRouter registers the routes on http.ServeMux with method patterns,
// and no catch-all: the pipeline around it turns ServeMux's own 404 and
// 405 into problems, and ServeMux answers HEAD on GET routes itself.
func stdRouter(pl *middleware.Pipeline, routes []route) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, rt.h)
		if strings.HasSuffix(rt.pattern, "/") {
			mux.Handle(rt.method+" "+strings.TrimSuffix(rt.pattern, "/"), rt.h)
		}
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
