package bench

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/go-playground/validator/v10"
)

// okHandler is GET /healthz for problemkit and the chi stacks.
func okHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// newBareChi is chi with no middleware: the floor of the 200 path.
func newBareChi() http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", okHandler)
	return r
}

// newHandChi is what a team writes without a library: chi's RequestID and
// Recoverer, the problem document marshalled by hand, validator/v10 called
// directly and its errors turned into the errors array by hand. logger nil
// means failures are not logged; otherwise each problem is logged once, by
// the helper that writes it (logFailure).
//
// chi's RequestID makes "host/random-000042" IDs from a counter, cheaper
// than problemkit's UUIDv7; it does not echo the ID on the response, so the
// problem writer sets X-Request-Id itself.
func newHandChi(logger *slog.Logger) http.Handler {
	validate := newValidator()
	fail := func(w http.ResponseWriter, r *http.Request, p *Problem) {
		p.Instance = r.URL.Path
		p.RequestID = chimw.GetReqID(r.Context())
		p.Timestamp = timestamp()
		writeProblem(w, p)
		logFailure(logger, r, chi.RouteContext(r.Context()).RoutePattern(), p)
	}

	r := chi.NewRouter()
	r.Use(chimw.RequestID, chimw.Recoverer)
	r.Get("/healthz", okHandler)
	r.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(chi.URLParam(r, "id"))
		if err != nil {
			http.Error(w, "id must be an integer", http.StatusBadRequest)
			return
		}
		u, ok := findUser(id)
		if !ok {
			fail(w, r, userNotFound(id))
			return
		}
		_ = writeJSON(w, http.StatusOK, u)
	})
	r.Post("/users", func(w http.ResponseWriter, r *http.Request) {
		// Decoding failures (415, 400, 413) are outside the compared path;
		// a careful team would answer them with problems too.
		var in SignUp
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			http.Error(w, "malformed JSON", http.StatusBadRequest)
			return
		}
		var ve validator.ValidationErrors
		if err := validate.Struct(in); errors.As(err, &ve) {
			fail(w, r, validationFailed(fieldErrors(ve)))
			return
		} else if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		_ = writeJSON(w, http.StatusCreated, User{ID: 2, Username: in.Username})
	})
	return r
}
