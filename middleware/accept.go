package middleware

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

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

// encode serializes doc as problem+json, or as problem+xml when asked.
func encode(doc *problem.Problem, asXML bool) ([]byte, string, error) {
	if asXML {
		var b bytes.Buffer
		b.WriteString(xml.Header)
		if err := xml.NewEncoder(&b).Encode(doc); err != nil {
			return nil, "", err
		}
		return b.Bytes(), problem.MediaTypeXML, nil
	}
	// MarshalJSON directly: json.Marshal would re-scan its output.
	b, err := doc.MarshalJSON()
	return b, problem.MediaType, err
}
