package upstream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/problemkit/problemkit/upstream"
)

// issuer is an oauth2.TokenSource that hands out "tok-1", "tok-2", … each
// valid for life from when it is issued (forever when life is zero). With
// same set it hands out tok-1 every time, as an oauth2.ReuseTokenSource
// does while its token has not expired; with hang set it never answers
// before release is closed. It counts its calls.
type issuer struct {
	life    time.Duration
	same    bool
	hang    bool
	release chan struct{}

	mu sync.Mutex
	n  int
}

func (s *issuer) Token() (*oauth2.Token, error) {
	if s.hang {
		<-s.release
		return nil, errors.New("token endpoint gave up")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	n := s.n
	if s.same {
		n = 1
	}
	tok := &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", n), TokenType: "bearer"}
	if s.life > 0 {
		tok.Expiry = time.Now().Add(s.life)
	}
	return tok, nil
}

func (s *issuer) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// guarded is an upstream that answers 401 to the tokens reject refuses,
// and 200 to the others; it records the Authorization header and body of
// every call.
type guarded struct {
	reject func(token string) bool

	mu     sync.Mutex
	tokens []string
	bodies []string
}

func (g *guarded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	g.mu.Lock()
	g.tokens = append(g.tokens, tok)
	g.bodies = append(g.bodies, string(body))
	g.mu.Unlock()
	if g.reject(tok) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"message":"The access token expired.","code":"invalid_token"}}`)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func (g *guarded) seen() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.tokens...)
}

func rejectOnly(bad ...string) func(string) bool {
	return func(tok string) bool {
		for _, b := range bad {
			if tok == b {
				return true
			}
		}
		return false
	}
}

func rejectAll(string) bool { return true }

func TestTokenRefreshOn401(t *testing.T) {
	tests := []struct {
		name     string
		src      *issuer
		reject   func(string) bool
		method   string
		body     func() io.Reader // nil for none
		wantErr  upstream.Kind    // 0 for success
		tokens   string           // the Authorization tokens the upstream saw, in order
		fetches  int
		wantBody string
	}{
		{name: "expired first token, GET", src: &issuer{}, reject: rejectOnly("tok-1"), method: http.MethodGet,
			tokens: "tok-1 tok-2", fetches: 2},
		{name: "expired first token, POST: retried whatever the method", src: &issuer{}, reject: rejectOnly("tok-1"), method: http.MethodPost,
			body: func() io.Reader { return strings.NewReader(`{"input":"hi"}`) }, tokens: "tok-1 tok-2", fetches: 2, wantBody: `{"input":"hi"}`},
		{name: "every token rejected: one retry only", src: &issuer{}, reject: rejectAll, method: http.MethodPost,
			wantErr: upstream.AuthFailed, tokens: "tok-1 tok-2", fetches: 2},
		{name: "the source hands back the rejected token: no retry", src: &issuer{same: true}, reject: rejectAll, method: http.MethodGet,
			wantErr: upstream.AuthFailed, tokens: "tok-1", fetches: 2},
		{name: "a body that cannot be read again is sent once", src: &issuer{}, reject: rejectOnly("tok-1"), method: http.MethodPost,
			body: func() io.Reader { return struct{ io.Reader }{strings.NewReader("stream")} }, wantErr: upstream.AuthFailed, tokens: "tok-1", fetches: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &guarded{reject: tt.reject}
				c := upstream.New("embeddings", upstream.Options{
					Transport: inProcess{up},
					Token:     upstream.TokenOptions{Source: tt.src},
					Retry:     upstream.RetryOptions{MaxAttempts: 1},
				})
				var body io.Reader
				if tt.body != nil {
					body = tt.body()
				}
				req, _ := http.NewRequest(tt.method, "http://embeddings.internal/v1", body)
				resp, err := c.Do(req)
				var ue *upstream.Error
				switch {
				case tt.wantErr == 0 && err != nil:
					t.Fatalf("Do = %v, want a success", err)
				case tt.wantErr == 0:
					resp.Body.Close()
				case !errors.As(err, &ue) || ue.Kind != tt.wantErr || ue.Status != http.StatusUnauthorized:
					t.Fatalf("Do = %v, want %v with the upstream's 401", err, tt.wantErr)
				}
				if got := strings.Join(up.seen(), " "); got != tt.tokens {
					t.Errorf("upstream saw tokens %q, want %q", got, tt.tokens)
				}
				if tt.src.calls() != tt.fetches {
					t.Errorf("%d tokens fetched, want %d", tt.src.calls(), tt.fetches)
				}
				if tt.wantBody != "" && strings.Join(up.bodies, ",") != tt.wantBody+","+tt.wantBody {
					t.Errorf("bodies %q, want the body twice", up.bodies)
				}
				if ue != nil {
					checkNoCredentials(t, ue, "tok-1", "tok-2")
				}
			})
		})
	}
}

// checkNoCredentials fails when a token reaches the log text, the
// development debug member or the problem of ue.
func checkNoCredentials(t *testing.T, ue *upstream.Error, secrets ...string) {
	t.Helper()
	debug := fmt.Sprint(ue.Debug())
	doc := string(render(ue.ProblemError()))
	for _, s := range secrets {
		for where, text := range map[string]string{"log text": ue.Error(), "debug member": debug, "problem": doc} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %q: %s", where, s, text)
			}
		}
	}
}

func TestTokenRenewedAheadOfExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &issuer{life: 10 * time.Minute}
		up := &guarded{reject: func(string) bool { return false }}
		c := upstream.New("embeddings", upstream.Options{
			Transport: inProcess{up},
			Token:     upstream.TokenOptions{Source: src, RefreshMargin: time.Minute},
		})
		get := func() {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, "http://embeddings.internal/v1", nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			synctest.Wait() // a renewal started in the background is over
		}
		get()                                      // 0:00, fetches tok-1, valid until 10:00
		time.Sleep(8*time.Minute + 59*time.Second) // 8:59: more than the margin left
		get()
		time.Sleep(2 * time.Second) // 9:01: within the margin: renewed in the background
		get()
		get() // with the new token
		if got, want := strings.Join(up.seen(), " "), "tok-1 tok-1 tok-1 tok-2"; got != want {
			t.Errorf("upstream saw %q, want %q", got, want)
		}
		if src.calls() != 2 {
			t.Errorf("%d tokens fetched, want 2", src.calls())
		}
	})
}

func TestTokenShortLivedRenewedHalfway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &issuer{life: 40 * time.Second} // shorter than twice the 30 s margin
		up := &guarded{reject: func(string) bool { return false }}
		c := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Token: upstream.TokenOptions{Source: src}})
		for range 4 { // at 0, 10, 20 and 30 s
			req, _ := http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			synctest.Wait()
			time.Sleep(10 * time.Second)
		}
		// Renewed at 20 s, halfway; not on every call.
		if got, want := strings.Join(up.seen(), " "), "tok-1 tok-1 tok-1 tok-2"; got != want {
			t.Errorf("upstream saw %q, want %q", got, want)
		}
	})
}

func TestTokenConcurrentCallsShareOneFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &issuer{}
		up := &guarded{reject: rejectOnly("tok-1")}
		c := upstream.New("svc", upstream.Options{Transport: inProcess{up}, Token: upstream.TokenOptions{Source: src}})
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			})
		}
		wg.Wait()
		// One fetch for the first token, one after its rejection, however
		// many calls were rejected at once.
		if src.calls() != 2 {
			t.Errorf("%d tokens fetched for 20 concurrent calls, want 2", src.calls())
		}
	})
}

func TestTokenSourceFailures(t *testing.T) {
	const clientSecret = "cs-7f1e0c-never-log"
	const endpointSecret = "endpoint-body-4b2d"
	tokenEndpoint := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"unknown client","debug":"`+endpointSecret+`"}`)
	})
	tests := []struct {
		name    string
		src     func(ctx context.Context) oauth2.TokenSource
		ctx     time.Duration
		kind    upstream.Kind
		elapsed time.Duration
		log     string
	}{
		{name: "the token endpoint refuses our client credentials", kind: upstream.AuthFailed,
			src: func(ctx context.Context) oauth2.TokenSource {
				cc := &clientcredentials.Config{ClientID: "api", ClientSecret: clientSecret, TokenURL: "http://auth.internal/token"}
				ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: inProcess{tokenEndpoint}})
				return fetch(func() (*oauth2.Token, error) { return cc.Token(ctx) })
			},
			log: "get token: token endpoint answered 401 invalid_client: unknown client"},
		{name: "no access token", kind: upstream.AuthFailed,
			src: func(context.Context) oauth2.TokenSource { return oauth2.StaticTokenSource(&oauth2.Token{}) },
			log: "token source returned no access token"},
		{name: "an expired token", kind: upstream.AuthFailed,
			src: func(context.Context) oauth2.TokenSource {
				return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Second)})
			},
			log: "token source returned an expired token"},
		{name: "a hanging source: the call waits no longer than its deadline", kind: upstream.Timeout, ctx: 250 * time.Millisecond, elapsed: 250 * time.Millisecond,
			src: func(context.Context) oauth2.TokenSource { return &issuer{hang: true, release: make(chan struct{})} },
			log: "get token: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				up := &fake{}
				src := tt.src(context.Background())
				ctx := context.Background()
				if tt.ctx > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctx)
					defer cancel()
				}
				start := time.Now()
				ue := do(t, ctx, upstream.Options{Token: upstream.TokenOptions{Source: src}}, up, http.MethodGet)
				if elapsed := time.Since(start); elapsed != tt.elapsed {
					t.Errorf("took %v, want %v", elapsed, tt.elapsed)
				}
				if ue == nil || ue.Kind != tt.kind || ue.Attempts != 0 || up.n() != 0 {
					t.Fatalf("got %v after %d upstream calls, want %v before any", ue, up.n(), tt.kind)
				}
				if !strings.Contains(ue.Error(), tt.log) || !strings.Contains(ue.Error(), "not sent") {
					t.Errorf("log text %q, want it to say %q and that nothing was sent", ue.Error(), tt.log)
				}
				if code := ue.ProblemError().Code(); code.Status != http.StatusBadGateway && code.Status != http.StatusGatewayTimeout {
					t.Errorf("answered %d %s", code.Status, code.Code)
				}
				checkNoCredentials(t, ue, clientSecret, endpointSecret)
				if hang, ok := src.(*issuer); ok {
					close(hang.release)
				}
			})
		})
	}
}

// fetch is an oauth2.TokenSource that fetches a new token on every call,
// the shape TokenOptions.Source wants.
type fetch func() (*oauth2.Token, error)

func (f fetch) Token() (*oauth2.Token, error) { return f() }

func TestTokenNotSentWithoutSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := &guarded{reject: func(string) bool { return false }}
		req, _ := http.NewRequest(http.MethodGet, "http://svc.internal/", nil)
		req.Header.Set("Authorization", "Bearer the-callers-own")
		resp, err := upstream.New("svc", upstream.Options{Transport: inProcess{up}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := up.seen(); len(got) != 1 || got[0] != "the-callers-own" {
			t.Errorf("upstream saw %q: a Client without a token source must leave Authorization alone", got)
		}
	})
}
