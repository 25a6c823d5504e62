// Command quickstart is the README's quick start, compiled and tested so
// that it cannot rot: TestREADME keeps the README's copy equal to this
// file and runs its answers.
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// UserNotFound is declared once: the response, the docs and the message
// IDs all come from it. The problem's members are its template's data.
var UserNotFound = &problem.Code{
	Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
	Title:       "User not found",
	Detail:      "No user has the ID {{.userId}}.",
	Description: "The user the request names does not exist.",
	When:        "GET /users/{id} with an ID no user has.",
	Action:      "Check the user ID.",
	Members:     []problem.Member{{Name: "userId", Type: "string", Description: "The ID that was looked up.", Example: "42"}},
}

type signUp struct {
	Email string `json:"email" validate:"required,email"`
	Age   int    `json:"age" validate:"gte=18"`
}

func getUser(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if id != "1" {
		return UserNotFound.New().With("userId", id)
	}
	_, err := w.Write([]byte(`{"id":"1","email":"ada@example.com"}`))
	return err
}

func createUser(w http.ResponseWriter, r *http.Request) error {
	var in signUp
	if err := validation.Decode(r, &in); err != nil {
		return err // 400, 413, 415 or 422, with an entry per broken rule
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func newHandler() (http.Handler, error) {
	catalog := problem.NewCatalog("https://api.example.com/problems/").
		MustInclude(validation.Feature). // the codes and messages of request decoding
		MustRegister(UserNotFound)
	bundle, err := i18n.New(i18n.Options{Catalog: catalog}) // English and Korean
	if err != nil {
		return nil, err
	}
	pl := problemhttp.New(problemhttp.Options{Catalog: catalog, Localizer: bundle})

	r := chi.NewRouter()
	r.Use(pl.Handler)                       // request IDs, panics, problems
	r.NotFound(pl.NotFound)                 // 404 problem
	r.MethodNotAllowed(pl.MethodNotAllowed) // 405 problem with Allow
	r.Get("/users/{id}", problemhttp.Handle(getUser))
	r.Post("/users", problemhttp.Handle(createUser))
	return r, nil
}

func main() {
	h, err := newHandler()
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: "localhost:8080", Handler: h,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
