package problemhttp_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problemhttp"
)

// duck is a domain error of a package that does not import problemkit.
type duck struct {
	code    string
	status  int
	members map[string]any
}

func (d duck) Error() string { return "domain: " + d.code }

type duckCode struct{ duck }
type duckStatus struct{ duck }
type duckBoth struct{ duck }
type duckMembers struct{ duck }

func (d duckCode) ErrorCode() string                    { return d.code }
func (d duckStatus) StatusCode() int                    { return d.status }
func (d duckBoth) ErrorCode() string                    { return d.code }
func (d duckBoth) StatusCode() int                      { return d.status }
func (d duckMembers) StatusCode() int                   { return d.status }
func (d duckMembers) ProblemExtensions() map[string]any { return d.members }

// TestErrorsThatSayTooLittle: each gets a documented code, translated
// like every other, and one record whose warning says what was decided.
func TestErrorsThatSayTooLittle(t *testing.T) {
	bundle, err := i18n.New(i18n.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, code, title, warning string
		err                        error
		status                     int
		member                     any
	}{
		{"an ErrorCode() the catalog lacks", "INTERNAL_ERROR", "내부 서버 오류",
			`ErrorCode() "ORDER_GONE" is not in the catalog, and there is no StatusCode(): answered as INTERNAL_ERROR`,
			duckCode{duck{code: "ORDER_GONE"}}, 500, nil},
		{"a StatusCode() that disagrees with its code", "USER_NOT_FOUND", "User not found",
			"StatusCode() 410 disagrees with the declared status 404 of USER_NOT_FOUND: answered as declared",
			duckBoth{duck{code: "USER_NOT_FOUND", status: 410}}, 404, nil},
		{"a status alone", "CONFLICT", "충돌",
			"StatusCode() 409 without ErrorCode(): answered with the generic code CONFLICT",
			duckStatus{duck{status: 409}}, 409, nil},
		{"a status with members", "CONFLICT", "충돌",
			"StatusCode() 409 without ErrorCode(): answered with the generic code CONFLICT",
			duckMembers{duck{status: 409, members: map[string]any{"version": 3}}}, 409, float64(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &pipetest.Logs{}
			pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Catalog: testCatalog(), Localizer: bundle})
			r := pipetest.NewRouter(pl)
			r.Get("/x", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return fmt.Errorf("load: %w", tt.err) }))
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			req.Header.Set("Accept-Language", "ko")
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			code, p := pipetest.ServeRecorded(t, rec)
			if code != tt.status || p["code"] != tt.code || p["title"] != tt.title || p["version"] != tt.member {
				t.Errorf("got %d %v", code, p)
			}
			if rec.Header().Get("Content-Language") != "ko" {
				t.Errorf("Content-Language %q", rec.Header().Get("Content-Language"))
			}
			if rec0 := logs.One(t); rec0["warning"] != tt.warning {
				t.Errorf("warning = %q, want %q", rec0["warning"], tt.warning)
			}
		})
	}
}
