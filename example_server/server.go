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
	// otel is the OpenTelemetry SDK (-otel); nil means none.
	otel *telemetry
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
		OnFailure:   cfg.otel.onFailure(),
	})

	stop := func() {}
	if cfg.upstreamURL == "" {
		fake, err := startFakeEmbeddings()
		if err != nil {
			return nil, nil, err
		}
		cfg.upstreamURL, stop = fake.url, fake.close
	}
	a := &app{
		users: newUserStore(),
		bank:  newBank(),
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
	routes := []route{
		{"GET", "/healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{"POST", "/users", middleware.Handle(a.createUser)},
		{"GET", "/users/{id}", middleware.Handle(a.getUser)},
		{"POST", "/transfers", middleware.Handle(a.createTransfer)},
		{"GET", "/upstream/embeddings", middleware.Handle(a.embed)},
		// 5 a minute per client, with the RateLimit fields on every
		// answer and a 429 problem beyond.
		{"GET", "/limited", httprate.LimitBy(5, time.Minute, clientIP, httprate.WithLimitHandler(rl.Limited))(
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
	if cfg.mux == "std" {
		return cfg.otel.wrap(stdRouter(pl, routes, cfg.otel.routeSpan())), stop, nil
	}
	return cfg.otel.wrap(chiRouter(pl, routes, cfg.otel.routeSpan())), stop, nil
}

// route is one route of the demo, in the syntax chi and ServeMux share;
// a pattern ending in "/" is a subtree.
type route struct {
	method, pattern string
	h               http.Handler
}

// chiRouter mounts the pipeline and the routes on chi. The pipeline goes
// in the router with Use, so that it answers HEAD on every GET route and
// can tell a path no route matches. inner, when set, is mounted after it.
func chiRouter(pl *middleware.Pipeline, routes []route, inner func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(pl.Handler) // request IDs, panics, problems: before anything else
	if inner != nil {
		r.Use(inner)
	}
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
// inner, when set, goes between the pipeline and the mux.
func stdRouter(pl *middleware.Pipeline, routes []route, inner func(http.Handler) http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, rt.h)
		if strings.HasSuffix(rt.pattern, "/") {
			mux.Handle(rt.method+" "+strings.TrimSuffix(rt.pattern, "/"), rt.h)
		}
	}
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
