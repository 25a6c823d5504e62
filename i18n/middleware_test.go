package i18n_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/validation"
)

var _ problemhttp.Localizer = (*i18n.Bundle)(nil)

// TestMiddleware runs localized problems through the real middleware and a
// chi router, and reads the real responses.
func TestMiddleware(t *testing.T) {
	bundle := newBundle(t, i18n.Options{Files: []fs.FS{appFiles}})
	pl := problemhttp.New(problemhttp.Options{
		Localizer: bundle,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Post("/users", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return validation.Failed.New().With("count", 1).WithFields(problem.FieldError{
			Pointer: "#/username", Field: "username", Rule: "min", Param: "3",
			Message: minString(field("username"), 3),
		})
	}))
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("secret internals") })
	srv := httptest.NewServer(r)
	defer srv.Close()

	type body struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Errors []struct {
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	ko := body{Title: "입력값을 확인해 주세요", Detail: "1개 필드의 값이 올바르지 않습니다."}
	en := body{Title: "Request validation failed", Detail: "1 field is invalid."}
	koField, enField := "사용자 이름은 3자 이상이어야 합니다.", "user name must be at least 3 characters long"
	tests := []struct {
		name      string
		method    string
		path      string
		accept    string
		status    int
		lang      string
		want      body
		wantField string
	}{
		{"validation en", "POST", "/users", "en", 422, "en", en, enField},
		{"validation ko", "POST", "/users", "ko", 422, "ko", ko, koField},
		{"validation ko-KR", "POST", "/users", "ko-KR", 422, "ko", ko, koField},
		{"validation weighted list", "POST", "/users", "fr-CH, fr;q=0.9, ko;q=0.8, *;q=0.5", 422, "fr", body{Title: "La validation de la requête a échoué", Detail: "1 champ est invalide."}, enField},
		{"validation wildcard", "POST", "/users", "*", 422, "en", en, enField},
		{"validation no header", "POST", "/users", "", 422, "en", en, enField},
		{"validation malformed", "POST", "/users", "ko;q=abc", 422, "en", en, enField},
		{"not found ko", "GET", "/nope", "ko-KR,ko;q=0.9", 404, "ko", body{Title: "찾을 수 없음", Detail: "이 경로에는 리소스가 없습니다."}, ""},
		{"method not allowed ko", "DELETE", "/users", "ko", 405, "ko", body{Title: "허용되지 않는 메서드", Detail: "이 리소스는 요청한 메서드를 지원하지 않습니다."}, ""},
		{"generic 5xx ko", "GET", "/boom", "ko", 500, "ko", body{Title: "내부 서버 오류", Detail: "예기치 않은 오류가 발생했습니다. 문제가 계속되면 요청 ID와 함께 고객 지원팀에 문의해 주세요."}, ""},
		{"generic 5xx en", "GET", "/boom", "ja", 500, "en", body{Title: "Internal Server Error", Detail: "An unexpected error occurred. If it persists, contact support and quote the request ID."}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if tt.accept != "" {
				req.Header.Set("Accept-Language", tt.accept)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Language"); got != tt.lang {
				t.Errorf("Content-Language = %q, want %q", got, tt.lang)
			}
			if vary := strings.Join(res.Header.Values("Vary"), ","); !slices.Contains(strings.Split(strings.ReplaceAll(vary, " ", ""), ","), "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language in it", vary)
			}
			raw, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "secret internals") {
				t.Errorf("body shows the panic value: %s", raw)
			}
			var got body
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("decode body: %v", err)
			}
			if got.Title != tt.want.Title || got.Detail != tt.want.Detail {
				t.Errorf("title, detail = %q, %q; want %q, %q", got.Title, got.Detail, tt.want.Title, tt.want.Detail)
			}
			if tt.wantField != "" && (len(got.Errors) != 1 || got.Errors[0].Detail != tt.wantField) {
				t.Errorf("errors = %+v, want one with detail %q", got.Errors, tt.wantField)
			}
		})
	}
}
