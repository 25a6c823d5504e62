package problemhttp

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/problemkit/problemkit/internal/clip"
	"github.com/problemkit/problemkit/problem"
)

// staleHeaders are response headers a handler may have set for the response
// it meant to send; they would be wrong on the problem.
var staleHeaders = [...]string{"Content-Length", "Content-Encoding", "Content-Range", "Content-Disposition", "Etag", "Last-Modified"}

// Constant header values, shared by every response to save an allocation
// each. Their capacity equals their length, so an Add by a later writer
// copies instead of writing into the shared array.
var (
	hdrProblemJSON = []string{problem.MediaType}
	hdrProblemXML  = []string{problem.MediaTypeXML}
	hdrNoStore     = []string{"no-store"}
	hdrNosniff     = []string{"nosniff"}
	hdrVary        = []string{"Accept, Accept-Language"}
)

// render writes the failure's problem, as problem+json or, when the client
// ranks it higher, problem+xml, with its headers; HEAD requests get the
// headers only. It only reads f.
func (p *Pipeline) render(w http.ResponseWriter, f *Failure) {
	r := f.Request
	xmlOut := prefersXML(r.Header.Get("Accept"))
	buf := bodyPool.Get().(*[]byte)
	body, ctype, err := encode((*buf)[:0], f.Problem, xmlOut)
	if err != nil {
		// An extension member that cannot be encoded (a channel, a
		// cyclic value): answer without the extensions rather than fail.
		p.log.LogAttrs(r.Context(), slog.LevelError, "problemkit: cannot encode problem",
			slog.String("requestId", clip.Log(f.id, logIDBytes)), slog.String("error", clip.Log(err.Error(), logErrorBytes)))
		doc := *f.Problem
		doc.Extensions = nil
		body, ctype, _ = encode((*buf)[:0], &doc, xmlOut)
	}
	h := clearStale(w)
	for k, vs := range f.e.Header() {
		// Clipped: the values belong to the *problem.Error, which may be
		// shared by concurrent requests; a later Add (addVary) must copy
		// rather than append into its array.
		h[http.CanonicalHeaderKey(k)] = slices.Clip(vs)
	}
	hv := &f.scratch // storage for the header values: no allocation of their own
	if f.lang != "" {
		hv[1] = f.lang
		h["Content-Language"] = hv[1:2:2]
	}
	if _, ok := h["Vary"]; ok {
		addVary(h, "Accept")
		addVary(h, "Accept-Language")
	} else {
		h["Vary"] = hdrVary
	}
	hv[0] = strconv.Itoa(len(body))
	p.send(w, r, f.Status, ctype, body, f.id, hv[0:1:1])
	if cap(body) <= maxPooledBody {
		*buf = body[:0]
		bodyPool.Put(buf)
	}
}

// clearStale removes the headers a handler may have set for the response
// it meant to send, which would be wrong on a problem, and returns the
// header map.
func clearStale(w http.ResponseWriter) http.Header {
	h := w.Header()
	for _, k := range staleHeaders {
		delete(h, k)
	}
	return h
}

// send writes a problem body with the headers every problem carries: its
// content type and length, no-store, nosniff and the request ID. HEAD
// requests get the headers only. clen holds the Content-Length: the
// caller's storage.
func (p *Pipeline) send(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte, id string, clen []string) {
	h := w.Header()
	switch ctype {
	case problem.MediaType:
		h["Content-Type"] = hdrProblemJSON
	case problem.MediaTypeXML:
		h["Content-Type"] = hdrProblemXML
	default:
		h["Content-Type"] = []string{ctype}
	}
	h["Content-Length"] = clen
	h["Cache-Control"] = hdrNoStore
	h["X-Content-Type-Options"] = hdrNosniff
	if v := h[p.idHeader]; len(v) != 1 || v[0] != id { // Handler set it already
		h.Set(p.idHeader, id)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func addVary(h http.Header, v string) {
	for _, line := range h.Values("Vary") {
		for _, tok := range strings.Split(line, ",") {
			if t := strings.TrimSpace(tok); t == "*" || strings.EqualFold(t, v) {
				return
			}
		}
	}
	h.Add("Vary", v)
}

// writeMinimal is the answer of last resort, when the pipeline itself
// failed: fixed bytes, no allocation-heavy machinery that could fail again.
// It still keeps the contract (problemtest.CheckBody), timestamp included;
// the time is time.Now, not Options.Now, which is user code that could be
// what failed. The ID is quoted as JSON: ContextWithRequestID accepts any.
func (p *Pipeline) writeMinimal(w http.ResponseWriter, r *http.Request, id string) {
	qid, _ := json.Marshal(id) // a string always marshals
	body := `{"type":"about:blank","title":"Internal Server Error","status":500,"code":"INTERNAL_ERROR","requestId":` + string(qid) +
		`,"timestamp":"` + time.Now().UTC().Format(time.RFC3339) + `"}`
	clearStale(w)
	p.send(w, r, http.StatusInternalServerError, problem.MediaType, []byte(body), id, []string{strconv.Itoa(len(body))})
}
