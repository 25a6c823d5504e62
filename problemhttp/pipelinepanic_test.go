package problemhttp_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemtest"
)

// ppLocalizer is a user's Localizer with a bug in one of its methods.
type ppLocalizer struct{ panicIn string }

func (l ppLocalizer) Translator(*http.Request) problem.Translator {
	if l.panicIn == "Translator" {
		panic("localizer bug in Translator")
	}
	return ppTranslator(l)
}

type ppTranslator struct{ panicIn string }

func (t ppTranslator) Language() string {
	if t.panicIn == "Language" {
		panic("localizer bug in Language")
	}
	return "en"
}

func (t ppTranslator) Translate(m problem.Message) string {
	if t.panicIn == "Translate" {
		panic("localizer bug in Translate")
	}
	return m.String()
}

var _ problemhttp.Localizer = ppLocalizer{}

// ppMarshalBomb is an extension member whose MarshalJSON panics.
type ppMarshalBomb struct{}

func (ppMarshalBomb) MarshalJSON() ([]byte, error) { panic("extension bug in MarshalJSON") }

// TestPanicInsideThePipelineItself extends TestPanicInsideThePipeline (a
// panicking mapper) to the user code the pipeline calls later: the
// Localizer, its Translator, and an extension member's MarshalJSON. Each
// must still yield a well-formed minimal 500 problem and one error record,
// and the server must go on serving.
func TestPanicInsideThePipelineItself(t *testing.T) {
	tests := []struct {
		name       string
		production bool
		localizer  problemhttp.Localizer
		err        error
		accept     string
		panicValue string
	}{
		{name: "Translator panics", production: true, localizer: ppLocalizer{panicIn: "Translator"},
			err: userNotFound.New(), panicValue: "localizer bug in Translator"},
		{name: "Translate panics", production: true, localizer: ppLocalizer{panicIn: "Translate"},
			err: userNotFound.New(), panicValue: "localizer bug in Translate"},
		{name: "Translate panics on an unmapped error", production: true, localizer: ppLocalizer{panicIn: "Translate"},
			err: errors.New("unmapped secret-cause-1"), panicValue: "localizer bug in Translate"},
		{name: "Language panics", production: true, localizer: ppLocalizer{panicIn: "Language"},
			err: userNotFound.New(), panicValue: "localizer bug in Language"},
		{name: "Translate panics in development", localizer: ppLocalizer{panicIn: "Translate"},
			err: userNotFound.New(), panicValue: "localizer bug in Translate"},
		{name: "extension MarshalJSON panics", production: true,
			err: userNotFound.New().With("owner", ppMarshalBomb{}), panicValue: "extension bug in MarshalJSON"},
		{name: "extension MarshalJSON panics in development",
			err: userNotFound.New().With("owner", ppMarshalBomb{}), panicValue: "extension bug in MarshalJSON"},
		{name: "extension MarshalJSON panics, XML preferred", production: true, accept: problem.MediaTypeXML,
			err: userNotFound.New().With("owner", ppMarshalBomb{}), panicValue: "extension bug in MarshalJSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, logs := pipetest.NewPipeline(problemhttp.Options{Development: !tt.production, Catalog: testCatalog(), Localizer: tt.localizer})
			r := pipetest.NewRouter(pl)
			r.Get("/fail", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }))
			r.Get("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
			srv := httptest.NewServer(r)
			defer srv.Close()

			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/fail", nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			p, err := problemtest.CheckBody(resp.StatusCode, resp.Header, body)
			if err != nil {
				t.Errorf("minimal answer breaks the contract: %v\n%s", err, body)
			}
			if resp.StatusCode != 500 || p == nil || p.Code != "INTERNAL_ERROR" {
				t.Errorf("got %d %s, want a minimal 500 INTERNAL_ERROR problem", resp.StatusCode, body)
			}
			if leaks := problemtest.Leaks(body, tt.panicValue, "secret-cause-1"); len(leaks) > 0 {
				t.Errorf("minimal answer leaks %v: %s", leaks, body)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}

			rec := logs.Eventually(t) // exactly one record
			if rec["level"] != "ERROR" || rec["requestId"] != p.RequestID {
				t.Errorf("log record = %v, want one error record with the request ID", rec)
			}
			if !strings.Contains(logs.String(), tt.panicValue) {
				t.Errorf("the pipeline's own panic was not logged: %s", logs)
			}

			// The server goes on serving.
			resp, err = http.Get(srv.URL + "/ok")
			if err != nil {
				t.Fatalf("next request: %v", err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "ok" {
				t.Errorf("next request: %d %q", resp.StatusCode, body)
			}
		})
	}
}

// ppMarshalRefuser is an extension member whose MarshalJSON fails.
type ppMarshalRefuser struct{}

func (ppMarshalRefuser) MarshalJSON() ([]byte, error) { return nil, errors.New("cannot encode owner") }

// TestUnencodableExtension documents the one failure logged twice: an
// extension member that cannot be encoded is dropped, the problem is still
// answered in full, and the encoding error gets a record of its own.
func TestUnencodableExtension(t *testing.T) {
	pl, logs := pipetest.NewPipeline(problemhttp.Options{Catalog: testCatalog()})
	r := pipetest.NewRouter(pl)
	r.Get("/fail", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return userNotFound.New().With("userId", 7).With("owner", ppMarshalRefuser{})
	}))
	rec, p := serve(t, r, httptest.NewRequest(http.MethodGet, "/fail", nil))
	checkProblem(t, rec, p, 404, "USER_NOT_FOUND")
	if _, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		t.Error(err)
	}
	if len(p.Extensions) != 0 {
		t.Errorf("extensions %v, want all dropped", p.Extensions)
	}
	recs := logs.Records(t)
	if len(recs) != 2 || recs[0]["msg"] != "problemkit: cannot encode problem" || recs[0]["level"] != "ERROR" ||
		recs[1]["msg"] != "request failed" || recs[1]["requestId"] != p.RequestID {
		t.Errorf("records = %v, want the encoding error, then the failure's own record", recs)
	}
}
