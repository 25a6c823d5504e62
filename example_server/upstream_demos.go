package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/upstream"
	"github.com/problemkit/problemkit/validation"
)

// The demo's credentials for the OAuth-protected fake: never logged, never
// shown. The tokens the fake issues are "at-demo-1", "at-demo-2", …
const (
	oauthClientID     = "demo-api"
	oauthClientSecret = "cs-demo-5e0b1d7c9a"
	oauthTokenPrefix  = "at-demo-"
)

// upstreamDemos are the routes that show what a Client does for an
// upstream that expires tokens, announces its quota, stays down, or is
// called through an SDK. Each has its own Client and its own fake
// upstream on loopback, so that they disturb neither each other nor the
// other routes. Each fake logs every call it gets ("fake upstream called",
// at info level): the log shows which answers were given without a call.
type upstreamDemos struct {
	oauth, quota, flaky *upstream.Client
	sdk                 *embeddingsSDK
	oauthURL, quotaURL  string
	flakyURL            string
	decoder             *validation.Decoder
	stops               []func()
}

// newUpstreamDemos starts the fakes and builds the clients. It registers
// the SDK's error type with catalog, so that the pipeline answers the
// SDK's failures as upstream failures.
func newUpstreamDemos(logger *slog.Logger, catalog *problem.Catalog) (*upstreamDemos, error) {
	d := &upstreamDemos{decoder: validation.New(validation.Options{})}
	oauthFake, err := d.start("oauth-embeddings", logger, newOAuthFake())
	if err != nil {
		return nil, err
	}
	quotaFake, err := d.start("quota-search", logger, newQuotaFake())
	if err != nil {
		d.close()
		return nil, err
	}
	flakyFake, err := d.start("flaky-recommendations", logger, http.HandlerFunc(flakyFake))
	if err != nil {
		d.close()
		return nil, err
	}
	sdkFake, err := startFakeEmbeddings() // the embeddings fake, an instance of its own
	if err != nil {
		d.close()
		return nil, err
	}
	d.stops = append(d.stops, sdkFake.close)
	d.oauthURL, d.quotaURL, d.flakyURL = oauthFake, quotaFake, flakyFake

	// The token source: OAuth 2 client credentials, a new token on each
	// call (the Client caches it), from a token endpoint given 2 s at most.
	cc := &clientcredentials.Config{ClientID: oauthClientID, ClientSecret: oauthClientSecret, TokenURL: oauthFake + "/oauth/token"}
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Timeout: 2 * time.Second})
	d.oauth = upstream.New("openai-embeddings-oauth", upstream.Options{
		Label: "embeddings", Timeout: 300 * time.Millisecond,
		Token: upstream.TokenOptions{Source: tokenFunc(func() (*oauth2.Token, error) { return cc.Token(tokenCtx) })},
	})
	// The quota is respected by default: only the names and the timeout.
	d.quota = upstream.New("search-api", upstream.Options{Label: "search", Timeout: 300 * time.Millisecond})
	d.flaky = upstream.New("recommendations-api", upstream.Options{
		Label: "recommendations", Timeout: 300 * time.Millisecond,
		Breaker: upstream.BreakerOptions{Failures: 5, OpenFor: 30 * time.Second},
	})
	sdkClient := upstream.New("openai-embeddings-sdk", upstream.Options{Label: "embeddings", Timeout: 300 * time.Millisecond})
	d.sdk = &embeddingsSDK{hc: sdkClient.HTTPClient(), baseURL: sdkFake.url, apiKey: upstreamAPIKey}
	catalog.MapFunc(upstream.SDKErrors(sdkClient, func(e *embeddingsAPIError) *http.Response { return e.Response }))
	return d, nil
}

// routes are /upstream/quota, /upstream/flaky and /upstream/sdk.
func (d *upstreamDemos) routes() []route {
	return []route{
		{"GET", "/upstream/quota", problemhttp.Handle(d.search), problemdocs.Operation{
			Summary: "Call a search API that announces its quota is used up", Tags: []string{"upstream"},
			Responses: ok(200, searchBody{}), Problems: upstream.Feature.Codes}},
		{"GET", "/upstream/flaky", problemhttp.Handle(d.recommend), problemdocs.Operation{
			Summary: "Call a recommendation API that always fails, behind a circuit breaker", Tags: []string{"upstream"},
			Responses: ok(200, struct {
				Items []string `json:"items"`
			}{}), Problems: upstream.Feature.Codes}},
		{"GET", "/upstream/sdk", problemhttp.Handle(d.embedSDK), problemdocs.Operation{
			Summary: "Call the embeddings API through an SDK-style client", Tags: []string{"upstream"},
			Params:    []problemdocs.Param{{Name: "fail", In: "query", Description: "Makes the fake upstream fail: 500, 429 or timeout."}},
			Responses: ok(200, embeddingList{}), Problems: upstream.Feature.Codes}},
	}
}

// expired answers GET /upstream/embeddings?fail=expired, and leaves every
// other request of the route to next.
func (d *upstreamDemos) expired(next http.Handler) http.HandlerFunc {
	h := problemhttp.Handle(d.embedOAuth)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") == "expired" {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	}
}

// close stops the fakes.
func (d *upstreamDemos) close() {
	for _, stop := range d.stops {
		stop()
	}
}

// embedOAuth calls the OAuth-protected embeddings fake, which rejects the
// first token it issued as expired: the Client gets a new one and sends
// the request again, and the answer is a 200.
func (d *upstreamDemos) embedOAuth(w http.ResponseWriter, r *http.Request) error {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, d.oauthURL+"/v1/embeddings", nil)
	if err != nil {
		return err
	}
	return relay(w, d.oauth, req)
}

// search calls the fake that announces its quota is used up for 30 s:
// the next calls in that window are answered 503 without a call.
func (d *upstreamDemos) search(w http.ResponseWriter, r *http.Request) error {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, d.quotaURL+"/v1/search?q=problem+details", nil)
	if err != nil {
		return err
	}
	return relay(w, d.quota, req)
}

// recommend calls the fake that always fails: after 5 failures in a row,
// the breaker answers 503 without a call, for 30 s.
func (d *upstreamDemos) recommend(w http.ResponseWriter, r *http.Request) error {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, d.flakyURL+"/v1/recommendations", nil)
	if err != nil {
		return err
	}
	return relay(w, d.flaky, req)
}

// sdkParams: the failures /upstream/sdk can ask of the embeddings fake.
type sdkParams struct {
	Fail string `query:"fail" validate:"omitempty,oneof=500 429 timeout"`
}

// embedSDK calls the embeddings fake through the SDK. The SDK's errors
// reach the pipeline as they are, and are answered like those of
// /upstream/embeddings.
func (d *upstreamDemos) embedSDK(w http.ResponseWriter, r *http.Request) error {
	var p sdkParams
	if err := d.decoder.Params(r, &p); err != nil {
		return err
	}
	var q url.Values
	if p.Fail != "" {
		q = url.Values{"fail": {p.Fail}}
	}
	out, err := d.sdk.create(r.Context(), "problem details", q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// relay sends req through c and writes the upstream's JSON answer.
func relay(w http.ResponseWriter, c *upstream.Client, req *http.Request) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return fmt.Errorf("decode %s answer: %w", c.Service(), err)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tokenFunc is an oauth2.TokenSource that fetches a new token on every
// call, as upstream.TokenOptions.Source wants.
type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

// start serves h on a loopback port as the fake called name, logging
// every call it gets, and returns its URL.
func (d *upstreamDemos) start(name string, logger *slog.Logger, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	var calls atomic.Int64
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Logged before the answer, so that the line is there by the time
		// the caller has it.
		logger.Info("fake upstream called", "fake", name, "call", calls.Add(1), "method", r.Method, "path", r.URL.Path)
		h.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: logged, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	d.stops = append(d.stops, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String(), nil
}

// newOAuthFake is an embeddings API behind OAuth 2 client credentials:
// POST /oauth/token issues at-demo-1, at-demo-2, … valid for an hour, and
// POST /v1/embeddings answers 401 to a missing or unknown token and to
// at-demo-1, which it considers expired — as an upstream whose clock is
// ahead of ours, or that revoked the token, would.
func newOAuthFake() http.Handler {
	var mu sync.Mutex
	issued := map[string]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			_ = r.ParseForm()
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if id != oauthClientID || secret != oauthClientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		mu.Lock()
		tok := oauthTokenPrefix + strconv.Itoa(len(issued)+1)
		issued[tok] = true
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) {
		var tok string
		if v := r.Header.Get("Authorization"); len(v) > len("Bearer ") {
			tok = v[len("Bearer "):]
		}
		mu.Lock()
		known := issued[tok]
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !known || tok == oauthTokenPrefix+"1" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired"`)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":{"message":"The access token expired.","type":"invalid_request_error","code":"invalid_token"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023,-0.0091,0.0154]}],"model":"text-embedding-3-small"}`))
	})
	return mux
}

// newQuotaFake is a search API with a quota of one call per 30 s window,
// a window starting with the first call after the last one ended. It
// announces the quota in every answer (X-RateLimit-Remaining 0, the
// reset in X-RateLimit-Reset, in seconds) and answers 429 to a call
// within the window: a client that ignores the announcement gets itself
// refused.
func newQuotaFake() http.Handler {
	const window = 30 * time.Second
	var mu sync.Mutex
	var start time.Time
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		within := !start.IsZero() && now.Before(start.Add(window))
		if !within {
			start = now
		}
		reset := int((start.Add(window).Sub(now) + time.Second - 1) / time.Second)
		mu.Unlock()
		h := w.Header()
		h.Set("X-RateLimit-Limit", "1")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.Itoa(reset))
		h.Set("Content-Type", "application/json")
		if within {
			h.Set("Retry-After", strconv.Itoa(reset))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"API rate limit exceeded for demo-api."}`))
			return
		}
		_, _ = w.Write([]byte(`{"query":"problem details","results":[{"title":"RFC 9457: Problem Details for HTTP APIs","url":"https://www.rfc-editor.org/rfc/rfc9457"}]}`))
	})
}

// flakyFake is a recommendations API that is down: every call is a 500
// whose body names an internal host.
func flakyFake(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`{"message":"recommendations-db-7.internal: connection pool exhausted"}`))
}
