package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/problemkit/problemkit/middleware"
	"github.com/problemkit/problemkit/problem"
)

// config is what main reads from its flags.
type config struct {
	production bool
	baseURL    string // type URIs live under baseURL + "/problems/"
	logger     *slog.Logger
}

// user is the demo's resource. It never carries a password out.
type user struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email"`
}

// store is the demo's in-memory data.
type store struct {
	mu    sync.Mutex
	users map[int]user
}

func newStore() *store {
	return &store{users: map[int]user{1: {ID: 1, Username: "alice", Email: "alice@example.com"}}}
}

// newServer wires the whole demo: the pipeline first, then the routes.
func newServer(cfg config) (http.Handler, error) {
	catalog, err := newCatalog(cfg.baseURL + "/problems/")
	if err != nil {
		return nil, err
	}
	pl := middleware.New(middleware.Options{
		Logger:     cfg.logger,
		Production: cfg.production,
		Catalog:    catalog,
	})
	db := newStore()

	r := chi.NewRouter()
	r.Use(pl.Handler) // request IDs, panics, problems: before anything else
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)

	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/users/{id}", middleware.Handle(db.getUser))
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) {
		// A bug with a secret in its message: production clients see a
		// generic 500, the log keeps the value.
		panic("connect to db: db password=hunter2 refused")
	})
	return r, nil
}

// getUser shows a typed domain error with an extension member, and a
// path parameter that is not a number.
func (s *store) getUser(w http.ResponseWriter, r *http.Request) error {
	raw := chi.URLParam(r, "id")
	id, err := strconv.Atoi(raw)
	if err != nil {
		return problem.InvalidParameter.New().WithFields(problem.FieldError{
			Field: "id", In: "path", Rule: "numeric",
			Message: problem.Message{ID: "validation.numeric", Default: "{{.field}} must be a number", Data: map[string]any{"field": "id"}},
		})
	}
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		return errUserNotFound.New().With("userId", id)
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
