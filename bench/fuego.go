package bench

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/go-fuego/fuego"
	"github.com/go-playground/validator/v10"
)

type fuegoHealth struct {
	Status string `json:"status"`
}

// newFuego builds a fuego server and returns its http.ServeMux, the
// handler fuego's Run serves (fuego runs on net/http's ServeMux, not chi).
//
//   - Request IDs and panic recovery: chi's RequestID and Recoverer as fuego
//     route middlewares (fuego.Use), like the other peers; fuego's default
//     logging middleware, which would make a UUIDv4 X-Request-ID and log
//     every response, 200s included, is turned off.
//   - Errors: an engine error handler (fuego.WithErrorHandler) turns the
//     typed 404 and fuego's validation error into *Problem and, when logger
//     is not nil, logs it once: it is where fuego's default handler logs
//     failures (with slog.Default). An error serializer
//     (fuego.WithErrorSerializer) writes it, since fuego.HTTPError has no
//     room for code, requestId or userId.
//   - Validation: fuego decodes and runs validator/v10 itself (c.Body());
//     its error is a 400 fuego.HTTPError wrapping validator's errors, which
//     the error handler answers as a 422 with the same errors array as the
//     hand-written stack.
//   - Every fuego response also carries X-Powered-By, Trailer and
//     Server-Timing headers (fuego.Flow sets them unconditionally).
func newFuego(logger *slog.Logger) http.Handler {
	s := fuego.NewServer(
		fuego.WithoutStartupMessages(),
		fuego.WithLoggingMiddleware(fuego.LoggingConfig{DisableRequest: true, DisableResponse: true}),
		// fuego's validator is a package variable: the same one for both
		// fuego servers of this process.
		fuego.WithValidator(newValidator()),
		fuego.WithEngineOptions(
			fuego.WithOpenAPIConfig(fuego.OpenAPIConfig{DisableLocalSave: true, DisableSwaggerUI: true}),
			fuego.WithErrorHandler(func(ctx context.Context, err error) error {
				var p *Problem
				var ve validator.ValidationErrors
				switch {
				case errors.As(err, &p):
				case errors.As(err, &ve):
					p = validationFailed(fieldErrors(ve))
				default:
					return fuego.HandleHTTPError(ctx, err)
				}
				c, ok := ctx.(interface{ Request() *http.Request })
				if !ok {
					return p
				}
				r := c.Request()
				p.Instance = r.URL.Path
				p.RequestID = chimw.GetReqID(r.Context())
				p.Timestamp = timestamp()
				logFailure(logger, r, r.Pattern, p)
				return p
			}),
		),
		fuego.WithErrorSerializer(func(w http.ResponseWriter, r *http.Request, err error) {
			var p *Problem
			if errors.As(err, &p) {
				writeProblem(w, p)
				return
			}
			fuego.SendError(w, r, err)
		}),
	)
	fuego.Use(s, chimw.RequestID, chimw.Recoverer)

	fuego.Get(s, "/healthz", func(fuego.ContextNoBody) (fuegoHealth, error) {
		return fuegoHealth{Status: "ok"}, nil
	})
	fuego.Get(s, "/users/{id}", func(c fuego.ContextNoBody) (*User, error) {
		id, err := c.PathParamIntErr("id")
		if err != nil {
			return nil, fuego.BadRequestError{Detail: "id must be an integer", Err: err}
		}
		u, ok := findUser(id)
		if !ok {
			return nil, userNotFound(id)
		}
		return &u, nil
	})
	fuego.Post(s, "/users", func(c fuego.ContextWithBody[SignUp]) (*User, error) {
		in, err := c.Body()
		if err != nil {
			return nil, err
		}
		c.SetStatus(http.StatusCreated)
		return &User{ID: 2, Username: in.Username}, nil
	})
	return s.Mux
}
