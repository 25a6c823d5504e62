package problemhttp

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/problemkit/problemkit/problem"
)

// NotFound answers with a 404 problem of code ROUTE_NOT_FOUND. Set it as
// chi's NotFound handler, or use it as the fallback of any router:
//
//	r.NotFound(pl.NotFound)
func (p *Pipeline) NotFound(w http.ResponseWriter, r *http.Request) {
	p.answer(w, r, problem.RouteNotFound.New())
}

// allMethods are the methods probed to build the Allow header, in the order
// they are listed.
var allMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// MethodNotAllowed answers with a 405 problem of code METHOD_NOT_ALLOWED and
// an Allow header listing the methods the path does support, as RFC 9110
// §15.5.6 requires. chi does not pass that list to a custom handler, so it
// is computed by asking the router, through the chi route context, which
// methods match the path. Set it as chi's MethodNotAllowed handler:
//
//	r.MethodNotAllowed(pl.MethodNotAllowed)
func (p *Pipeline) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	e := problem.MethodNotAllowed.New()
	if allow := allowedMethods(r); allow != "" {
		e.WithHeader("Allow", allow)
	}
	p.answer(w, r, e)
}

// allowedMethods lists the methods chi routes for r's path, HEAD with GET:
// the pipeline answers HEAD on every GET route (see Handler).
func allowedMethods(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return ""
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	var allowed []string
	for _, m := range allMethods {
		if rctx.Routes.Match(chi.NewRouteContext(), m, path) || m == http.MethodHead && len(allowed) > 0 && allowed[0] == http.MethodGet {
			allowed = append(allowed, m)
		}
	}
	return strings.Join(allowed, ", ")
}
