package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"
)

// fakeEmbeddings is a stand-in for an external embeddings API, served on
// loopback by the demo itself so that every upstream failure can be shown
// without a network: ?fail=500|502|timeout|429|401.
type fakeEmbeddings struct {
	url   string
	close func()
}

// upstreamAPIKey is the demo's credential for the upstream: sent in a
// header, never logged, never shown.
const upstreamAPIKey = "sk-demo-0123456789abcdef"

func startFakeEmbeddings() (*fakeEmbeddings, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_upstream_7f3a")
		openAIError := func(status int, msg, typ, code string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code}})
		}
		switch r.URL.Query().Get("fail") {
		case "500":
			openAIError(500, "auth_subrequest_error: internal upstream failure at 10.2.3.4 (key sk-live-upstream-internal)", "server_error", "auth_subrequest_error")
		case "502":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><center>cf_bad_gateway</center><hr>cloudflare</body></html>"))
		case "timeout":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		case "429":
			w.Header().Set("Retry-After", "7")
			openAIError(429, "Rate limit reached for text-embedding-3-small in organization org-demo on requests per min.", "requests", "rate_limit_exceeded")
		case "401":
			openAIError(401, "Incorrect API key provided: sk-demo-****cdef.", "invalid_request_error", "invalid_api_key")
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023,-0.0091,0.0154]}],"model":"text-embedding-3-small"}`))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &fakeEmbeddings{
		url: "http://" + ln.Addr().String(),
		close: func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		},
	}, nil
}

// embedParams: fail is optional, but must be one of the known failures.
type embedParams struct {
	Fail string `query:"fail" validate:"omitempty,oneof=500 502 timeout 429 401"`
}

// embed calls the upstream. Whatever goes wrong there comes back from Do as
// a typed error that the pipeline turns into a 502, 503 or 504.
func (a *app) embed(w http.ResponseWriter, r *http.Request) error {
	var p embedParams
	if err := a.decoder.Params(r, &p); err != nil {
		return err
	}
	url := a.upstream + "/v1/embeddings"
	if p.Fail != "" {
		url += "?fail=" + p.Fail
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+upstreamAPIKey)
	// Embeddings are safe to compute twice: the key lets the client retry.
	req.Header.Set("Idempotency-Key", "embed-"+p.Fail)
	resp, err := a.embeddings.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// contextWithTimeout gives a handler its own deadline, within the
// request's.
func contextWithTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}
