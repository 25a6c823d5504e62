package bench

// This is the one file that uses problemkit's API: when the API changes,
// only this file changes. It builds the stack the README shows: a catalog
// with the application's code, an i18n bundle with the application's
// message files, a Pipeline mounted first on chi, handlers adapted with
// problemhttp.Handle, and bodies decoded and validated by a
// validation.Decoder.

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"testing/fstest"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

var pkUserNotFound = &problem.Code{
	Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
	Title:       userNotFoundTitle,
	Detail:      "No user has the ID {{.userId}}.",
	Description: "The user the request names does not exist.",
	Members:     []problem.Member{{Name: "userId", Type: "integer", Description: "The ID that was looked up."}},
}

// pkMessages are the application's message files, as an application's
// locales/ folder would hold them (README, "Speaking the client's language").
var pkMessages = fstest.MapFS{
	"en.json": {Data: []byte(`{"USER_NOT_FOUND.title": "User not found", "USER_NOT_FOUND.detail": "No user has the ID {{.userId}}."}`)},
	"ko.json": {Data: []byte(`{
		"USER_NOT_FOUND.title": "사용자를 찾을 수 없습니다",
		"USER_NOT_FOUND.detail": "ID가 {{.userId}}인 사용자가 없습니다.",
		"field.username": "사용자 이름", "field.email": "이메일", "field.password": "비밀번호",
		"field.age": "나이", "field.city": "도시", "field.zip": "우편번호"
	}`)},
}

// newProblemkit builds problemkit's stack. With logClientErrors false, 4xx
// problems are logged at slog.LevelDebug (Options.ClientErrorLevel), below
// the logger's Info level, so no record is written: how a service that does
// not log client errors runs it.
func newProblemkit(logger *slog.Logger, logClientErrors bool) (http.Handler, error) {
	catalog := problem.NewCatalog(TypeBase)
	if err := catalog.Include(validation.Feature); err != nil {
		return nil, err
	}
	if err := catalog.Register(pkUserNotFound); err != nil {
		return nil, err
	}
	bundle, err := i18n.New(i18n.Options{Catalog: catalog, Files: []fs.FS{pkMessages}})
	if err != nil {
		return nil, err
	}
	opts := problemhttp.Options{Catalog: catalog, Localizer: bundle, Logger: logger}
	if !logClientErrors {
		opts.ClientErrorLevel = slog.LevelDebug
	}
	pl := problemhttp.New(opts)
	dec := validation.New(validation.Options{})

	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Get("/healthz", okHandler)
	r.Get("/users/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.Atoi(chi.URLParam(r, "id"))
		if err != nil {
			return validation.InvalidParameter.New().WithDetail("id must be an integer")
		}
		u, ok := findUser(id)
		if !ok {
			return pkUserNotFound.New().With("userId", id)
		}
		return writeJSON(w, http.StatusOK, u)
	}))
	r.Post("/users", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in SignUp
		if err := dec.Decode(r, &in); err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, User{ID: 2, Username: in.Username})
	}))
	return r, nil
}
