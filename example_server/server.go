package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
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
		decoder:  validation.New(validation.Options{}),
	}

	r := chi.NewRouter()
	r.Use(pl.Handler) // request IDs, panics, problems: before anything else
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Post("/users", middleware.Handle(a.createUser))
	r.Get("/users/{id}", middleware.Handle(a.getUser))
	r.Post("/transfers", middleware.Handle(a.createTransfer))
	r.Get("/upstream/embeddings", middleware.Handle(a.embed))
	r.With(httprate.LimitBy(5, time.Minute, clientIP,
		httprate.WithLimitHandler(pl.RateLimited), // a 429 problem
		httprate.WithResponseHeaders(httprate.ResponseHeaders{
			Limit: "RateLimit-Limit", Remaining: "RateLimit-Remaining",
			Reset: "RateLimit-Reset", RetryAfter: "Retry-After",
		}),
	)).Get("/limited", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) {
		// A bug with a secret in its message: production clients see a
		// generic 500; the log keeps the value for the operator.
		panic("connect to db: db password=hunter2 refused")
	})
	r.Get("/slow", middleware.Handle(slowReport))
	r.Mount("/problems", middleware.Handle(problemdocs.Pages(catalog, bundle)))
	return r, stop, nil
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
