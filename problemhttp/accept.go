package problemhttp

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"sync"

	"github.com/problemkit/problemkit/problem"
)

// maxAcceptLen bounds the Accept header length that is parsed; a longer
// header is treated as absent.
const maxAcceptLen = 2048

// prefersXML reports whether an Accept header ranks problem+xml (or XML)
// strictly above problem+json (or JSON). Ties, wildcards and malformed or
// oversized headers choose JSON.
func prefersXML(accept string) bool {
	if accept == "" || len(accept) > maxAcceptLen || !strings.Contains(accept, "xml") {
		return false
	}
	jsonQ, xmlQ := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(part, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		q := 1.0
		for _, prm := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(prm, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		switch mt {
		case problem.MediaTypeXML, "application/xml", "text/xml":
			xmlQ = max(xmlQ, q)
		case problem.MediaType, "application/json", "*/*", "application/*":
			jsonQ = max(jsonQ, q)
		}
	}
	return xmlQ > 0 && xmlQ > jsonQ
}

// encode appends the encoding of doc to dst, as problem+json or, when
// asked, problem+xml, and returns the body and its media type.
func encode(dst []byte, doc *problem.Problem, asXML bool) ([]byte, string, error) {
	if asXML {
		b := bytes.NewBuffer(dst)
		b.WriteString(xml.Header)
		if err := xml.NewEncoder(b).Encode(doc); err != nil {
			return nil, "", err
		}
		return b.Bytes(), problem.MediaTypeXML, nil
	}
	// AppendJSON directly: json.Marshal would re-scan its output.
	b, err := doc.AppendJSON(dst)
	return b, problem.MediaType, err
}

// maxPooledBody is the largest body buffer kept for reuse: a document with
// many long field errors is rare, and its buffer is left to the collector
// rather than held.
const maxPooledBody = 16 << 10

// bodyPool holds the buffers problem bodies are encoded into. A buffer goes
// back once the body is written: an io.Writer must not retain what it is
// given.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
