package test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/internal/attack"
	"github.com/problemkit/problemkit/internal/pipetest"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/upstream"
)

// The application's own credentials for an upstream, which no log line
// may hold.
const (
	upstreamPass  = "hyg-upstream-pass-7"
	upstreamKey   = "hyg-upstream-key-8"
	upstreamToken = "hyg-upstream-token-9"
)

// upstreamAPI is an application whose /echo route calls an upstream that
// answers 400 with the request's body in its own problem document and in
// an OpenAI-style error, and whose /charges route calls an upstream that
// fails with credentials of the application's in its URL and headers.
func upstreamAPI(t *testing.T, logger *slog.Logger, development bool) http.Handler {
	t.Helper()
	catalog := problem.NewCatalog("").MustInclude(upstream.Feature)
	bundle, err := i18n.New(i18n.Options{Catalog: catalog})
	if err != nil {
		t.Fatal(err)
	}
	pl := problemhttp.New(problemhttp.Options{Logger: logger, Catalog: catalog, Localizer: bundle, Development: development})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", problem.MediaType)
		w.WriteHeader(http.StatusBadRequest)
		doc, _ := json.Marshal(map[string]any{"title": string(p), "detail": string(p), "code": "BAD", "error": map[string]any{"message": string(p)}})
		_, _ = w.Write(doc)
	}))
	t.Cleanup(echo.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database unavailable", http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	client := upstream.New("echo", upstream.Options{Label: "echo", Retry: upstream.RetryOptions{MaxAttempts: 1}})

	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.Post("/echo", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, echo.URL, bytes.NewReader(body))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}))
	r.Get("/charges", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		u := strings.Replace(failing.URL, "http://", "http://svc-user:"+upstreamPass+"@", 1) + "/v1/charges?api_key=" + upstreamKey
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+upstreamToken)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}))
	return r
}

// TestUpstreamTextIsData sends every template payload as an upstream's
// error body, in English and Korean, in both modes: the answer is a 502
// problem that never evaluates it and, in its title and detail, never
// shows it.
func TestUpstreamTextIsData(t *testing.T) {
	for _, dev := range []bool{false, true} {
		h := upstreamAPI(t, slog.New(slog.DiscardHandler), dev)
		for _, p := range attack.TemplatePayloads {
			for _, lang := range []string{"en", "ko"} {
				t.Run(p.Name+"/"+lang, func(t *testing.T) {
					req := httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader(p.Text))
					req.Header.Set("Accept-Language", lang)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusBadGateway || rec.Header().Get("Content-Type") != problem.MediaType {
						t.Fatalf("status %d %s, want 502 problem: %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
					}
					var doc struct{ Code, Title, Detail string }
					if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
						t.Fatalf("not JSON: %v", err)
					}
					if doc.Code != "UPSTREAM_REJECTED" {
						t.Errorf("code %q, want UPSTREAM_REJECTED", doc.Code)
					}
					if p.Marker != "" && strings.Contains(rec.Body.String(), p.Marker) {
						t.Errorf("the payload was evaluated: %q in %.500s", p.Marker, rec.Body)
					}
					if strings.Contains(doc.Title, p.Text) || strings.Contains(doc.Detail, p.Text) {
						t.Errorf("title %q or detail %q shows the upstream's text", doc.Title, doc.Detail)
					}
				})
			}
		}
	}
}

// TestUpstreamCredentialsStayOutOfTheLog: a failed call made with the
// application's password, API key and token gives one record, through
// slog's text and JSON handlers, holding none of them.
func TestUpstreamCredentialsStayOutOfTheLog(t *testing.T) {
	handlers := []struct {
		name string
		new  func(io.Writer) slog.Handler
	}{
		{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }},
		{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	}
	for _, hh := range handlers {
		t.Run(hh.name, func(t *testing.T) {
			out := &pipetest.Logs{}
			h := upstreamAPI(t, slog.New(hh.new(out)), false)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/charges", nil))
			if rec.Code != http.StatusBadGateway {
				t.Fatalf("status %d, want 502: %s", rec.Code, rec.Body)
			}
			got := out.String()
			if n := strings.Count(got, "\n"); n != 1 || !strings.Contains(got, "UPSTREAM_ERROR") {
				t.Fatalf("%d records for one failure, want 1 saying UPSTREAM_ERROR:\n%s", n, got)
			}
			for _, s := range []string{upstreamPass, upstreamKey, upstreamToken} {
				if strings.Contains(got, s) {
					t.Errorf("the log leaks %q: %s", s, got)
				}
			}
		})
	}
}
