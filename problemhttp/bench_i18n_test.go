package problemhttp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/go-playground/validator/v10"
	"golang.org/x/text/language"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

// benchMessages are an application's translations, as its locale files
// would hold them.
var benchMessages = fstest.MapFS{
	"ko.json": {Data: []byte(`{
		"USER_NOT_FOUND.title": "사용자를 찾을 수 없습니다",
		"USER_NOT_FOUND.detail": "ID가 {{.userId}}인 사용자가 없습니다.",
		"field.username": "사용자 이름", "field.email": "이메일", "field.password": "비밀번호"
	}`)},
	"en.json": {Data: []byte(`{"USER_NOT_FOUND.title": "User not found", "USER_NOT_FOUND.detail": "No user has the ID {{.userId}}."}`)},
}

// benchCatalog is the catalog of an application that validates its bodies
// and declares one code.
func benchCatalog() *problem.Catalog {
	return problem.NewCatalog("https://api.example.com/problems/").
		MustInclude(validation.Feature).
		MustRegister(benchUserNotFound)
}

func benchBundle(b *testing.B, catalog *problem.Catalog) *i18n.Bundle {
	bundle, err := i18n.New(i18n.Options{Catalog: catalog, Files: []fs.FS{benchMessages}, Default: language.English})
	if err != nil {
		b.Fatal(err)
	}
	return bundle
}

// handWritten404 is what a team writes without the library: marshal the
// same members, set the same headers.
func handWritten404(title, detail, lang string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := chimw.GetReqID(r.Context())
		body, _ := json.Marshal(map[string]any{
			"type": "https://api.example.com/problems/user-not-found", "title": title,
			"status": 404, "detail": detail, "instance": r.URL.Path,
			"code": "USER_NOT_FOUND", "requestId": id,
			"timestamp": time.Now().UTC().Format(time.RFC3339), "userId": 42,
		})
		h := w.Header()
		h.Set("Content-Type", "application/problem+json")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Language", lang)
		h.Set("Vary", "Accept, Accept-Language")
		h.Set("X-Request-Id", id)
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write(body)
	}
}

// BenchmarkLocalizedNotFound: a typed domain error rendered as a localized
// 404 (English and Korean) beside a hand-written handler producing the same
// document and headers, both behind request IDs and panic recovery.
func BenchmarkLocalizedNotFound(b *testing.B) {
	catalog := benchCatalog()
	pl := problemhttp.New(problemhttp.Options{Logger: discard, Catalog: catalog, Localizer: benchBundle(b, catalog)})
	ours := chi.NewRouter()
	ours.Use(pl.Handler)
	ours.Get("/users/{id}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return benchUserNotFound.New().With("userId", 42)
	}))
	hand := func(title, detail, lang string) http.Handler {
		r := chi.NewRouter()
		r.Use(chimw.RequestID, chimw.Recoverer)
		r.Get("/users/{id}", handWritten404(title, detail, lang))
		return r
	}
	for _, lang := range []struct{ tag, title, detail string }{
		{"en", "User not found", "No user has the ID 42."},
		{"ko", "사용자를 찾을 수 없습니다", "ID가 42인 사용자가 없습니다."},
	} {
		req := httptest.NewRequest(http.MethodGet, "/users/42", nil)
		req.Header.Set("Accept-Language", lang.tag)
		b.Run(lang.tag+"/hand_written", func(b *testing.B) { runBench(b, hand(lang.title, lang.detail, lang.tag), req, 404) })
		b.Run(lang.tag+"/problemkit", func(b *testing.B) { runBench(b, ours, req, 404) })
	}
}

// signUp is a typical 10-field body.
type signUp struct {
	Username string   `json:"username" validate:"required,min=3,max=32,alphanum"`
	Email    string   `json:"email" validate:"required,email"`
	Password string   `json:"password" validate:"required,min=8" problem:"secret"`
	Age      int      `json:"age" validate:"min=1,max=150"`
	City     string   `json:"city" validate:"required"`
	Zip      string   `json:"zip" validate:"required,len=5"`
	Country  string   `json:"country" validate:"required,len=2"`
	Phone    string   `json:"phone" validate:"omitempty,e164"`
	Website  string   `json:"website" validate:"omitempty,url"`
	Tags     []string `json:"tags" validate:"max=5"`
}

// A body that breaks three rules: username too short, email malformed,
// password too short.
var signUpBody = []byte(`{"username":"ab","email":"not-an-email","password":"short","age":30,"city":"Seoul","zip":"04524","country":"KR","phone":"+821012345678","website":"https://example.com","tags":["a","b"]}`)

// rewindBody is a request body that can be replayed without allocating.
type rewindBody struct{ bytes.Reader }

func (*rewindBody) Close() error { return nil }

func signUpRequest() (*http.Request, func()) {
	body := &rewindBody{}
	req := httptest.NewRequest(http.MethodPost, "/users", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "ko")
	req.Body = body
	req.ContentLength = int64(len(signUpBody))
	return req, func() { body.Reset(signUpBody) }
}

// handWrittenValidation is decode + validate.Struct + json.Marshal of the
// same Korean problem, written by hand the way a careful team would.
func handWrittenValidation() http.Handler {
	validate := validator.New(validator.WithRequiredStructEnabled())
	validate.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	labels := map[string]string{"username": "사용자 이름", "email": "이메일", "password": "비밀번호"}
	messages := map[string]string{
		"min":   "%s은(는) %s자 이상이어야 합니다.",
		"email": "%s은(는) 유효한 이메일 주소여야 합니다.",
	}
	r := chi.NewRouter()
	r.Use(chimw.RequestID, chimw.Recoverer)
	r.Post("/users", func(w http.ResponseWriter, r *http.Request) {
		var req signUp
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		var ve validator.ValidationErrors
		if !errors.As(validate.Struct(req), &ve) {
			w.WriteHeader(http.StatusCreated)
			return
		}
		items := make([]map[string]any, 0, len(ve))
		for _, fe := range ve {
			field := fe.Field()
			item := map[string]any{"pointer": "#/" + field, "field": field, "rule": fe.Tag(),
				"detail": fmt.Sprintf(messages[fe.Tag()], labels[field], fe.Param())}
			if fe.Param() != "" {
				item["param"] = fe.Param()
			}
			items = append(items, item)
		}
		id := chimw.GetReqID(r.Context())
		body, _ := json.Marshal(map[string]any{
			"type": "https://api.example.com/problems/validation-error", "title": "요청 값 검증에 실패했습니다",
			"status": 422, "detail": fmt.Sprintf("%d개 필드의 값이 올바르지 않습니다.", len(items)),
			"instance": r.URL.Path, "code": "VALIDATION_ERROR", "requestId": id,
			"timestamp": time.Now().UTC().Format(time.RFC3339), "errors": items, "count": len(items),
		})
		h := w.Header()
		h.Set("Content-Type", "application/problem+json")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Language", "ko")
		h.Set("Vary", "Accept, Accept-Language")
		h.Set("X-Request-Id", id)
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write(body)
	})
	return r
}

func problemkitValidation(b *testing.B) http.Handler { return validationStack(b, discard) }

// problemkitValidationUnlogged is the same stack with a logger at Warn, as
// services that do not log client errors run it: it shows what the one log
// record per failure costs.
func problemkitValidationUnlogged(b *testing.B) http.Handler {
	return validationStack(b, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func validationStack(b *testing.B, logger *slog.Logger) http.Handler {
	catalog := benchCatalog()
	pl := problemhttp.New(problemhttp.Options{Logger: logger, Catalog: catalog, Localizer: benchBundle(b, catalog)})
	dec := validation.New(validation.Options{})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.Post("/users", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var req signUp
		if err := dec.Decode(r, &req); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}))
	return r
}

// BenchmarkValidationProblem: a 422 with 3 field errors from a JSON body,
// localized to Korean, beside hand-written decode + validate.Struct +
// json.Marshal of the equivalent body.
func BenchmarkValidationProblem(b *testing.B) {
	for _, c := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"hand_written", func(*testing.B) http.Handler { return handWrittenValidation() }},
		{"problemkit", problemkitValidation},
		{"problemkit_4xx_unlogged", problemkitValidationUnlogged},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := c.h(b)
			req, rewind := signUpRequest()
			w := &discardWriter{h: make(http.Header)}
			rewind()
			h.ServeHTTP(w, req)
			if w.code != http.StatusUnprocessableEntity {
				b.Fatalf("status %d", w.code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w.reset()
				rewind()
				h.ServeHTTP(w, req)
			}
		})
	}
}

func BenchmarkValidationProblemParallel(b *testing.B) {
	for _, c := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"hand_written", func(*testing.B) http.Handler { return handWrittenValidation() }},
		{"problemkit", problemkitValidation},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := c.h(b)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req, rewind := signUpRequest()
				w := &discardWriter{h: make(http.Header)}
				for pb.Next() {
					w.reset()
					rewind()
					h.ServeHTTP(w, req)
				}
			})
		})
	}
}

// BenchmarkRequestIDPath: the pipeline's Handler around a handler that
// does nothing, with an inbound ID (nothing to generate) and without (a
// UUIDv7 string), beside chi's RequestID and Recoverer.
func BenchmarkRequestIDPath(b *testing.B) {
	pl := benchPipeline()
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, c := range []struct {
		name    string
		h       http.Handler
		inbound string
	}{
		{"chi_RequestID_Recoverer/generated", chimw.RequestID(chimw.Recoverer(noop)), ""},
		{"chi_RequestID_Recoverer/inbound", chimw.RequestID(chimw.Recoverer(noop)), "edge-7f3a"},
		{"problemkit/generated", pl.Handler(noop), ""},
		{"problemkit/inbound", pl.Handler(noop), "edge-7f3a"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.inbound != "" {
			req.Header.Set("X-Request-Id", c.inbound)
		}
		b.Run(c.name, func(b *testing.B) { runBench(b, c.h, req, 200) })
	}
}
