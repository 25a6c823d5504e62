package upstream

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultRefreshMargin is how long before its expiry a token is renewed
// when TokenOptions.RefreshMargin is zero.
const DefaultRefreshMargin = 30 * time.Second

// TokenOptions makes a Client send an OAuth 2 access token with every
// request, in the Authorization header, and renew it. The zero value sends
// none.
//
// The Client keeps one token for all its calls. It asks Source for a new
// one when it has none; RefreshMargin before the token expires (halfway
// through the life of a token that lives less than twice the margin), in
// the background, calls going on with the old token until the new one
// comes; and when the upstream answers 401: the request is then sent once
// more with the new token, whatever its method, since the upstream refused
// it before processing it. Concurrent calls that need a token share one
// request to Source, and each waits for it no longer than its context
// allows.
//
// Tokens never reach a log record or a problem: they are sent in the
// header only, and an *Error names neither headers nor the token
// endpoint's answer, of which it keeps the status and OAuth 2 error code.
type TokenOptions struct {
	// Source gives the tokens. It must return a new one each time it is
	// called, as clientcredentials.Config.Token does, or at least once its
	// previous one is rejected: the Client does its own caching. An
	// oauth2.ReuseTokenSource would hand back the token the upstream has
	// just refused; the Client then does not send the request again. Give
	// the HTTP client Source uses a timeout (oauth2.HTTPClient): a call
	// waits for Source no longer than its context, but a hanging Source
	// keeps the Client from getting any token.
	Source oauth2.TokenSource
	// RefreshMargin is how long before its expiry a token is replaced.
	// Zero means DefaultRefreshMargin.
	RefreshMargin time.Duration
}

// tokens is a Client's token: one cached token and at most one request
// to the source at a time.
type tokens struct {
	src    oauth2.TokenSource
	margin time.Duration

	mu      sync.Mutex
	tok     *oauth2.Token
	renewAt time.Time     // when tok is to be replaced; zero for never
	flight  *tokenRequest // the request to src under way, if any
}

// tokenRequest is one request to the token source; tok and err are set
// before done is closed.
type tokenRequest struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

func newTokens(o TokenOptions) *tokens {
	if o.Source == nil {
		return nil
	}
	m := o.RefreshMargin
	if m <= 0 {
		m = DefaultRefreshMargin
	}
	return &tokens{src: o.Source, margin: m}
}

// get returns the current token. One due for renewal is renewed in the
// background and still used while it has not expired; without a token
// that can be sent, get waits for a new one.
func (t *tokens) get(ctx context.Context) (*oauth2.Token, error) {
	t.mu.Lock()
	if tok := t.tok; tok != nil {
		now := time.Now()
		if t.renewAt.IsZero() || now.Before(t.renewAt) {
			t.mu.Unlock()
			return tok, nil
		}
		if now.Before(tok.Expiry) {
			t.requestLocked()
			t.mu.Unlock()
			return tok, nil
		}
	}
	f := t.requestLocked()
	t.mu.Unlock()
	return f.wait(ctx)
}

// renew forgets rejected, the token the upstream refused, and returns the
// next one: one another call already got, or a new one.
func (t *tokens) renew(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	t.mu.Lock()
	if t.tok == rejected {
		t.tok = nil
	}
	if tok := t.tok; tok != nil {
		t.mu.Unlock()
		return tok, nil
	}
	f := t.requestLocked()
	t.mu.Unlock()
	return f.wait(ctx)
}

// requestLocked returns the request to the source under way, starting one
// if there is none. t.mu must be held.
func (t *tokens) requestLocked() *tokenRequest {
	if t.flight != nil {
		return t.flight
	}
	f := &tokenRequest{done: make(chan struct{})}
	t.flight = f
	go func() {
		tok, err := t.src.Token()
		now := time.Now()
		if err == nil {
			err = usable(tok, now)
		}
		t.mu.Lock()
		f.tok, f.err = tok, err
		if err == nil {
			t.tok, t.renewAt = tok, renewal(tok, now, t.margin)
		}
		t.flight = nil
		t.mu.Unlock()
		close(f.done)
	}()
	return f
}

// wait returns the request's token, or ctx's error when ctx ends first.
func (f *tokenRequest) wait(ctx context.Context) (*oauth2.Token, error) {
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// renewal returns when tok, obtained at now, is to be replaced: margin
// before it expires, or halfway through its life when that is shorter;
// zero for a token that does not expire.
func renewal(tok *oauth2.Token, now time.Time, margin time.Duration) time.Time {
	if tok.Expiry.IsZero() {
		return time.Time{}
	}
	return tok.Expiry.Add(-min(margin, tok.Expiry.Sub(now)/2))
}

// unusableTokenError is a token the source returned that cannot be sent.
type unusableTokenError struct{ why string }

func (e *unusableTokenError) Error() string { return "token source returned " + e.why }

// usable reports why tok cannot be sent, if it cannot.
func usable(tok *oauth2.Token, now time.Time) error {
	switch {
	case tok == nil || tok.AccessToken == "":
		return &unusableTokenError{"no access token"}
	case !tok.Expiry.IsZero() && !now.Before(tok.Expiry):
		return &unusableTokenError{"an expired token"}
	}
	return nil
}

// tokenError is a failure to get a token, for logs. Its text never holds
// the token endpoint's body, which oauth2.RetrieveError's does: only its
// status and OAuth 2 error code and description, each on one line and
// bounded. It unwraps to the source's error, except a RetrieveError, whose
// text development's debug member would show.
type tokenError struct{ err error }

func (e *tokenError) Error() string {
	var re *oauth2.RetrieveError
	if !errors.As(e.err, &re) {
		return "get token: " + e.err.Error()
	}
	s := "get token: token endpoint answered"
	if re.Response != nil {
		s += " " + strconv.Itoa(re.Response.StatusCode)
	}
	if re.ErrorCode != "" {
		s += " " + oneLine(re.ErrorCode, 64)
	}
	if re.ErrorDescription != "" {
		s += ": " + oneLine(re.ErrorDescription, 256)
	}
	return s
}

func (e *tokenError) Unwrap() error {
	var re *oauth2.RetrieveError
	if errors.As(e.err, &re) {
		return nil
	}
	return e.err
}
