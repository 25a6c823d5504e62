package problemhttp_test

import "github.com/go-chi/chi/v5"

type chiRouter = chi.Router
