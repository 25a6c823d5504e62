package problemhttp

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

// KeepErrorResponses is the middleware of a route whose error responses
// must stay as its handlers write them: below it, the pipeline does not
// replace a text/plain or empty 4xx or 5xx with a problem. Failures the
// handlers return (Handle, WriteError) and panics are still problems.
//
//	r.With(problemhttp.KeepErrorResponses).Get("/legacy", legacy)
func KeepErrorResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := stateFrom(r.Context()); s != nil && s.w != nil && s.w.st != nil {
			s.w.st.keep = true
		}
		next.ServeHTTP(w, r)
	})
}

// foreign reports whether an error response that code below the pipeline
// starts with status is one to replace with a problem: not a problem
// already, and, unless Options.ConvertResponse decides, with no
// Content-Type or text/plain, as http.Error, http.NotFound and ServeMux
// write them.
func (s *state) foreign(status int, h http.Header) bool {
	if s.keep || s.p.keepForeign {
		return false
	}
	if v := h["Content-Type"]; len(v) == 1 && (v[0] == problem.MediaType || v[0] == problem.MediaTypeXML) {
		return false // the pipeline's own answer
	}
	ct := h.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == problem.MediaType || mt == problem.MediaTypeXML {
		return false
	}
	if s.p.convert != nil {
		return s.p.convert(status, h)
	}
	return ct == "" || mt == "text/plain"
}

// keptHeaders are the headers a replaced response keeps, beside the
// request ID and Options.KeepHeaders: those that say how to retry or
// authenticate, and the policies every response of a site carries.
// Access-Control-* are kept too (CORS).
var keptHeaders = map[string]bool{
	"Allow": true, "Retry-After": true, "Www-Authenticate": true, "Proxy-Authenticate": true,
	"Vary": true, "Strict-Transport-Security": true, "Content-Security-Policy": true,
	"X-Frame-Options": true, "Referrer-Policy": true, "Permissions-Policy": true,
	"Cross-Origin-Opener-Policy": true, "Cross-Origin-Resource-Policy": true, "Cross-Origin-Embedder-Policy": true,
	"Ratelimit": true, "Ratelimit-Policy": true,
}

// ForeignResponseError is the failure of an error response that code below
// the pipeline wrote without a problem body: the pipeline answered the
// problem for Status instead. It is what the log record's error says.
type ForeignResponseError struct {
	// Status is the status the code wrote.
	Status int
	// ContentType is the Content-Type it set, if any.
	ContentType string
}

func (e *ForeignResponseError) Error() string {
	if e.ContentType == "" {
		return fmt.Sprintf("a handler or middleware wrote a %d with no Content-Type", e.Status)
	}
	return fmt.Sprintf("a handler or middleware wrote a %d %s", e.Status, clip.String(e.ContentType, 64))
}

// replaceForeign answers, in place of the error response code below the
// pipeline started and w holds back, the problem for its status:
// ROUTE_NOT_FOUND for a 404 of a path no route matched (ServeMux's own),
// METHOD_NOT_ALLOWED with the Allow header the router set, UNAUTHORIZED
// keeping WWW-Authenticate, and otherwise the generic code of the status
// (see problem.Generic). Only the allow-listed headers survive; the foreign
// body was dropped as it came, never buffered. It is the one place a
// foreign error response is converted: when that code is done (Handler),
// or before a failure that comes after it (answer).
func (p *Pipeline) replaceForeign(w *responseWriter) {
	status := w.held
	h := w.Header()
	for k := range h {
		if !keptHeaders[k] && !strings.HasPrefix(k, "Access-Control-") && k != p.idHeader && !p.keepHeaders[k] {
			delete(h, k)
		}
	}
	r := w.st.req
	code := problem.Generic(status)
	if status == http.StatusNotFound && !routeMatched(r) {
		code = problem.RouteNotFound
	}
	e := code.New()
	if code == problem.RateLimited {
		// RATE_LIMITED always tells how long to wait.
		retry, err := strconv.Atoi(h.Get("Retry-After"))
		if err != nil || retry < 1 {
			retry = 60
		}
		h.Set("Retry-After", strconv.Itoa(retry))
		e.With("retryAfter", retry)
	}
	note := fmt.Sprintf("a %d response written below the pipeline, replaced by the problem %s", status, code.Code)
	cause := &ForeignResponseError{Status: status, ContentType: w.heldType}
	w.held = 0
	p.respond(w.ResponseWriter, r, e.Wrap(cause), w.st.id, progress{}, note)
	w.status, w.answered = code.Status, true
}

// routeMatched reports whether a route took the request: ServeMux sets the
// pattern it matched on the request, chi on its route context.
func routeMatched(r *http.Request) bool {
	if r.Pattern != "" {
		return true
	}
	rctx := chi.RouteContext(r.Context())
	return rctx != nil && rctx.RoutePattern() != ""
}

// headAsGet routes a HEAD request to the GET handler of its path on chi
// when the path has no HEAD route of its own, as RFC 9110 §9.1 asks of
// every GET resource; net/http drops the body. ServeMux does this itself.
// It needs the pipeline mounted in the router (r.Use(pl.Handler)), where
// chi's route context exists.
func headAsGet(r *http.Request) {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return
	}
	path := routePath(rctx, r)
	if !rctx.Routes.Match(chi.NewRouteContext(), http.MethodHead, path) && rctx.Routes.Match(chi.NewRouteContext(), http.MethodGet, path) {
		rctx.RouteMethod = http.MethodGet
	}
}

// routePath is the path chi routes r by.
func routePath(rctx *chi.Context, r *http.Request) string {
	if rctx.RoutePath != "" {
		return rctx.RoutePath
	}
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}
