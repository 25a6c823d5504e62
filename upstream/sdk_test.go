package upstream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/upstream"
)

// The error types of SDKs, in the shapes real SDKs have.
type (
	// withResponse keeps the response, as openai-go, anthropic-sdk-go and
	// every Stainless SDK do (and Azure's azcore.ResponseError, as
	// RawResponse).
	withResponse struct {
		StatusCode int
		Message    string
		Response   *http.Response
	}
	// withStatusMethod reports the status through StatusCode().
	withStatusMethod struct {
		status int
		msg    string
	}
	// withHTTPStatusCode reports it through HTTPStatusCode(), as AWS's
	// smithy-go ResponseError does.
	withHTTPStatusCode struct {
		status int
		Err    error
	}
	// withFields keeps the status and the header, as googleapi.Error does.
	withFields struct {
		Code   int
		Header http.Header
		Body   string
	}
)

func (e *withResponse) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Response.Request.Method, e.Response.Request.URL, e.StatusCode, e.Message)
}
func (e *withStatusMethod) Error() string   { return fmt.Sprintf("api error %d: %s", e.status, e.msg) }
func (e *withStatusMethod) StatusCode() int { return e.status }
func (e *withHTTPStatusCode) Error() string {
	return fmt.Sprintf("http response error StatusCode: %d", e.status)
}
func (e *withHTTPStatusCode) HTTPStatusCode() int { return e.status }
func (e *withHTTPStatusCode) Unwrap() error       { return e.Err }
func (e *withFields) Error() string               { return fmt.Sprintf("googleapi: Error %d: %s", e.Code, e.Body) }

// sdkShape is how an SDK turns an error response into its error, and how
// an application registers that type.
type sdkShape struct {
	name     string
	headers  bool // the error keeps the response's header
	fromResp func(resp *http.Response, body string) error
	register func(c *upstream.Client) func(error) *problem.Error
}

var sdkShapes = []sdkShape{
	{"keeps the *http.Response", true,
		func(resp *http.Response, body string) error {
			return &withResponse{StatusCode: resp.StatusCode, Message: body, Response: resp}
		},
		func(c *upstream.Client) func(error) *problem.Error {
			return upstream.SDKErrors(c, func(e *withResponse) *http.Response { return e.Response })
		}},
	{"StatusCode() method", false,
		func(resp *http.Response, body string) error { return &withStatusMethod{resp.StatusCode, body} },
		func(c *upstream.Client) func(error) *problem.Error {
			return upstream.SDKErrors[*withStatusMethod](c, nil)
		}},
	{"HTTPStatusCode() method", false,
		func(resp *http.Response, body string) error {
			return &withHTTPStatusCode{resp.StatusCode, errors.New(body)}
		},
		func(c *upstream.Client) func(error) *problem.Error {
			return upstream.SDKErrors[*withHTTPStatusCode](c, nil)
		}},
	{"status and header fields", true,
		func(resp *http.Response, body string) error {
			return &withFields{Code: resp.StatusCode, Header: resp.Header, Body: body}
		},
		func(c *upstream.Client) func(error) *problem.Error {
			return upstream.SDKErrors(c, func(e *withFields) *http.Response {
				return &http.Response{StatusCode: e.Code, Header: e.Header}
			})
		}},
}

// sdk is a small SDK: it takes an *http.Client, reads error bodies, and
// returns its own errors; transport errors it passes on with wrap.
type sdk struct {
	hc    *http.Client
	shape sdkShape
	wrap  func(error) error
}

func (s sdk) embed(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://embeddings.internal/v1/embeddings?api_key="+secret, strings.NewReader(`{"input":"hi"}`))
	resp, err := s.hc.Do(req)
	if err != nil {
		return s.wrap(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode >= 400 {
		return s.shape.fromResp(resp, string(body))
	}
	return nil
}

func TestSDKErrorResponses(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		code       *problem.Code
		retryAfter string
	}{
		{"500", 500, nil, upstream.ServerError.Code(), ""},
		{"429 with Retry-After", 429, map[string]string{"Retry-After": "7"}, upstream.RateLimited.Code(), "7"},
		{"503 without", 503, nil, upstream.RateLimited.Code(), "30"},
		{"401: our key", 401, nil, upstream.AuthFailed.Code(), ""},
		{"404: never our 404", 404, nil, upstream.Rejected.Code(), ""},
		{"400", 400, nil, upstream.Rejected.Code(), ""},
	}
	for _, shape := range sdkShapes {
		for _, tt := range tests {
			t.Run(shape.name+"/"+tt.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						for k, v := range tt.header {
							w.Header().Set(k, v)
						}
						w.Header().Set("X-Request-Id", "req_up_91")
						w.WriteHeader(tt.status)
						_, _ = io.WriteString(w, `{"error":{"message":"internal `+secret+` at 10.2.3.4"}}`)
					})
					c := upstream.New("openai-embeddings", upstream.Options{Transport: inProcess{up}, Label: "embeddings"})
					catalog := problem.NewCatalog("").MapFunc(shape.register(c))
					err := sdk{hc: c.HTTPClient(), shape: shape, wrap: func(err error) error { return err }}.embed(context.Background())
					pe := catalog.Map(fmt.Errorf("embed: %w", err))
					checkSDKProblem(t, pe, tt.code, tt.retryAfter)
					var ue *upstream.Error
					if !errors.As(pe, &ue) || ue.Status != tt.status || !errors.Is(ue, err) {
						t.Fatalf("the problem's cause %v, want the upstream's %d wrapping the SDK's error", ue, tt.status)
					}
					if shape.headers && ue.Response.RequestID != "req_up_91" {
						t.Errorf("upstream request ID %q, want it for the log", ue.Response.RequestID)
					}
				})
			})
		}
	}
}

// checkSDKProblem checks what clients see of an SDK's failure.
func checkSDKProblem(t *testing.T, pe *problem.Error, code *problem.Code, retryAfter string) {
	t.Helper()
	if pe.Code() != code {
		t.Errorf("answered %d %s, want %d %s", pe.Code().Status, pe.Code().Code, code.Status, code.Code)
	}
	if got := pe.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	if pe.Extensions()["dependency"] != "embeddings" {
		t.Errorf("members %v, want the dependency's label", pe.Extensions())
	}
	doc := string(render(pe))
	for _, leak := range []string{secret, "10.2.3.4", "req_up_91", "embeddings.internal", "openai"} {
		if strings.Contains(doc, leak) {
			t.Errorf("the problem shows %q: %s", leak, doc)
		}
	}
}

func TestSDKTransportFailures(t *testing.T) {
	wraps := []struct {
		name string
		wrap func(error) error
	}{
		{"returned as it is", func(err error) error { return err }},
		{"wrapped with %w", func(err error) error { return fmt.Errorf("embeddings: request failed: %w", err) }},
		{"kept in an error type with Unwrap", func(err error) error { return &withHTTPStatusCode{Err: err} }},
	}
	tests := []struct {
		name    string
		opts    upstream.Options
		up      http.Handler
		code    *problem.Code
		elapsed time.Duration
	}{
		{"timeout", upstream.Options{Timeout: 300 * time.Millisecond}, &fake{hang: true}, upstream.Timeout.Code(), 300 * time.Millisecond},
		{"refused", upstream.Options{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		})}, nil, upstream.Unreachable.Code(), 0},
	}
	for _, w := range wraps {
		for _, tt := range tests {
			t.Run(w.name+"/"+tt.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					opts := tt.opts
					opts.Label = "embeddings"
					if opts.Transport == nil {
						opts.Transport = inProcess{tt.up}
					}
					c := upstream.New("openai-embeddings", opts)
					start := time.Now()
					err := sdk{hc: c.HTTPClient(), shape: sdkShapes[0], wrap: w.wrap}.embed(context.Background())
					if elapsed := time.Since(start); elapsed != tt.elapsed {
						t.Errorf("took %v, want %v", elapsed, tt.elapsed)
					}
					// No registration is needed: the *upstream.Error is in the chain.
					pe := problem.NewCatalog("").Map(err)
					checkSDKProblem(t, pe, tt.code, "")
				})
			})
		}
	}
}

func TestSDKErrorsLeavesOtherErrors(t *testing.T) {
	c := upstream.New("svc", upstream.Options{})
	mapping := upstream.SDKErrors[*withStatusMethod](c, nil)
	tests := []struct {
		name string
		err  error
	}{
		{"another type", errors.New("boom")},
		{"no error status: a request the SDK never sent", &withStatusMethod{0, "missing API key"}},
		{"a 3xx", &withStatusMethod{304, "not modified"}},
		{"a nil response", &withResponse{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if pe := mapping(tt.err); pe != nil {
				t.Errorf("mapped %v to %s", tt.err, pe.Code().Code)
			}
		})
	}
	nilResponse := upstream.SDKErrors(c, func(e *withResponse) *http.Response { return e.Response })
	if pe := nilResponse(&withResponse{StatusCode: 500}); pe != nil {
		t.Errorf("an error without a response or a status method mapped to %s", pe.Code().Code)
	}
}
