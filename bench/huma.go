package bench

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// humaSignUp is SignUp in huma's validation tags (JSON Schema keywords):
// huma validates bodies against the schema it generates, not with
// validator/v10. Fields without omitempty are required.
type humaSignUp struct {
	Username string `json:"username" minLength:"3" maxLength:"32" pattern:"^[a-zA-Z0-9]+$"`
	Email    string `json:"email" format:"email"`
	Password string `json:"password" minLength:"8"`
	Age      int    `json:"age" minimum:"1" maximum:"150"`
	City     string `json:"city" minLength:"1"`
	Zip      string `json:"zip" minLength:"5" maxLength:"5"`
}

type humaHealth struct {
	Body struct {
		Status string `json:"status"`
	}
}

type humaUser struct{ Body User }

// GetStatus, ContentType and the transformer below make *Problem huma's
// error type: huma writes a returned StatusError with its status, and
// ContentTypeFilter turns application/json into application/problem+json.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType is huma's ContentTypeFilter.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

var humaErrorsOnce sync.Once

// useProblemForHumaErrors makes huma's own errors (its 422 "validation
// failed" and the rest) *Problem values. huma.NewErrorWithContext is a
// package variable, so this holds for every huma API in the process.
//
// huma's validation reports a location ("body.username") and an English
// message ("expected length >= 3"), not a rule name or parameter: the
// errors array of huma's 422 has pointer, field and detail but no rule or
// param, and its messages are huma's.
func useProblemForHumaErrors() {
	humaErrorsOnce.Do(func() {
		huma.NewErrorWithContext = func(_ huma.Context, status int, msg string, errs ...error) huma.StatusError {
			if status != http.StatusUnprocessableEntity {
				return huma.NewError(status, msg, errs...)
			}
			fields := make([]FieldError, 0, len(errs))
			for _, err := range errs {
				d, ok := err.(huma.ErrorDetailer)
				if !ok {
					fields = append(fields, FieldError{Detail: err.Error()})
					continue
				}
				detail := d.ErrorDetail()
				field := strings.TrimPrefix(detail.Location, "body.")
				fields = append(fields, FieldError{
					Pointer: "#/" + strings.ReplaceAll(field, ".", "/"), Field: field, Detail: detail.Message,
				})
			}
			return validationFailed(fields)
		}
	})
}

// newHuma builds huma v2 on chi (humachi) behind chi's RequestID and
// Recoverer: huma has neither request IDs nor panic recovery of its own.
// The config is huma.DefaultConfig without its create hook, which would add
// a "$schema" member and a Link header to every response body: no other
// stack writes them.
//
// A transformer (huma's hook on every response body, with the request at
// hand) completes a problem with its instance, request ID, timestamp and
// headers and, when logger is not nil, logs it once. The usual huma
// middleware (api.UseMiddleware, checking ctx.Status() after next) would
// log too, but cannot see the problem's code without allocating a holder in
// the context of every request.
func newHuma(logger *slog.Logger) http.Handler {
	useProblemForHumaErrors()

	r := chi.NewRouter()
	r.Use(chimw.RequestID, chimw.Recoverer)
	config := huma.DefaultConfig("bench", "1.0.0")
	config.CreateHooks = nil
	config.Transformers = append(config.Transformers, func(ctx huma.Context, _ string, v any) (any, error) {
		p, ok := v.(*Problem)
		if !ok {
			return v, nil
		}
		req, _ := humachi.Unwrap(ctx)
		p.Instance = req.URL.Path
		p.RequestID = chimw.GetReqID(ctx.Context())
		p.Timestamp = timestamp()
		h := [...][2]string{
			{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"},
			{"Content-Language", "en"}, {"Vary", "Accept, Accept-Language"}, {"X-Request-Id", p.RequestID},
		}
		for _, kv := range h {
			ctx.SetHeader(kv[0], kv[1])
		}
		logFailure(logger, req, ctx.Operation().Path, p)
		return p, nil
	})
	api := humachi.New(r, config)

	huma.Get(api, "/healthz", func(context.Context, *struct{}) (*humaHealth, error) {
		out := &humaHealth{}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Get(api, "/users/{id}", func(_ context.Context, in *struct {
		ID int `path:"id"`
	}) (*humaUser, error) {
		u, ok := findUser(in.ID)
		if !ok {
			return nil, userNotFound(in.ID)
		}
		return &humaUser{Body: u}, nil
	})
	huma.Post(api, "/users", func(_ context.Context, in *struct{ Body humaSignUp }) (*humaUser, error) {
		return &humaUser{Body: User{ID: 2, Username: in.Body.Username}}, nil
	}, func(op *huma.Operation) { op.DefaultStatus = http.StatusCreated })
	return r
}
