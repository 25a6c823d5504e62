package problem

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/problemkit/problemkit/internal/members"
)

// MediaType is the media type of a problem details JSON document (RFC 9457 §3).
const MediaType = "application/problem+json"

// MediaTypeXML is the media type of a problem details XML document (RFC 9457 Appendix B).
const MediaTypeXML = "application/problem+xml"

// BlankType is the default problem type: the problem has no semantics beyond
// its HTTP status, and its title should be the status phrase.
const BlankType = "about:blank"

// Problem is an RFC 9457 problem details document as it travels on the wire.
//
// The five standard members keep their RFC meaning. Code, RequestID,
// Timestamp and Errors are problemkit's extension members; Extensions holds
// any other extension member (such as "availableBalance"). Every member is
// serialized at the top level of the JSON object. An entry of Extensions
// whose name is a standard or problemkit member is never serialized: it cannot
// overwrite them.
//
// A Problem marshals to the same RFC 9457 document as a value and as a
// pointer (MarshalJSON, MarshalXML), and reads back with UnmarshalJSON.
// The zero value is an empty problem; a Problem is not safe for concurrent
// mutation.
type Problem struct {
	// Type is a URI reference identifying the problem type; BlankType
	// when the problem has no meaning beyond its status.
	Type string
	// Title is a short summary of the problem type, the same for every
	// occurrence (except for localization).
	Title string
	// Status is the HTTP status code; renderers make it equal the
	// response's.
	Status int
	// Detail explains this occurrence, for humans.
	Detail string
	// Instance is a URI reference identifying this occurrence; problemkit
	// writes the request path.
	Instance string

	// Code is the stable application error code, such as "USER_NOT_FOUND".
	Code string
	// RequestID is the ID of the request that failed; it equals the
	// X-Request-ID response header.
	RequestID string
	// Timestamp is when the failure was answered, in UTC.
	Timestamp time.Time
	// Errors holds one entry per invalid field or parameter.
	Errors []FieldError
	// Extensions holds every other extension member, by member name.
	Extensions map[string]any
}

// FieldError describes one invalid field of a request body, or one invalid
// query, path or header parameter.
type FieldError struct {
	// Pointer is an RFC 6901 JSON Pointer to the field in the request body,
	// written as a URI fragment ("#/address/zip"). Empty for parameters.
	Pointer string `json:"pointer,omitempty" xml:"pointer,omitempty"`
	// Field is the dotted JSON path ("address.zip", "items[0].qty") or, for
	// a parameter, its name.
	Field string `json:"field,omitempty" xml:"field,omitempty"`
	// In says where a parameter lives: "query", "path" or "header". Empty
	// for body fields.
	In string `json:"in,omitempty" xml:"in,omitempty"`
	// Rule is the validation rule that failed, such as "min" or "email".
	Rule string `json:"rule,omitempty" xml:"rule,omitempty"`
	// Param is the rule's parameter, such as "3" for min=3.
	Param string `json:"param,omitempty" xml:"param,omitempty"`
	// Detail is the human-readable, localized message.
	Detail string `json:"detail,omitempty" xml:"detail,omitempty"`
	// MessageKey is the message ID Detail was localized from, present only
	// when the application opts in so clients can translate themselves.
	MessageKey string `json:"messageKey,omitempty" xml:"messageKey,omitempty"`
	// Value is the rejected value, present only when the application opts in
	// and the field is not secret.
	Value any `json:"value,omitempty" xml:"-"`

	// Message is the localizable form of Detail; renderers translate it into
	// Detail for each request. It is never serialized.
	Message Message `json:"-" xml:"-"`
}

// StatusTitle returns the HTTP status phrase for code, the title of an
// about:blank problem: net/http's, "Client Closed Request" for 499 (the
// status nginx logs, and problemkit answers, for a client that went away),
// or "Error" for an unknown code.
func StatusTitle(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	if code == ClientClosedRequest.Status {
		return "Client Closed Request"
	}
	return "Error"
}

// statusTitle is StatusTitle as a Template, for the codes made for plain
// HTTP problems: net/http's status phrases are constants.
func statusTitle(code int) Template { return Template(StatusTitle(code)) }

// MarshalJSON writes the problem as one flat JSON object: the standard
// members first, then problemkit's members, then the extensions sorted by
// name. Empty members are omitted, except a non-zero status. HTML
// characters are not escaped. Its receiver is a value, so a Problem
// marshals the same way as a value, a pointer, or a field of either.
func (p Problem) MarshalJSON() ([]byte, error) { return p.AppendJSON(nil) }

// AppendJSON appends the JSON encoding of the problem, as MarshalJSON
// writes it, to b and returns the extended buffer: a caller that reuses
// its buffers encodes a problem without allocating one. On error, the
// returned slice is nil.
func (p *Problem) AppendJSON(b []byte) ([]byte, error) {
	w := &jsonWriter{buf: *bytes.NewBuffer(b), first: true} // on the stack
	// Sized once for the common document: its strings, the member names
	// and a little room for the rest.
	w.buf.Grow(192 + len(p.Type) + len(p.Title) + len(p.Detail) + len(p.Instance) + len(p.Code) + len(p.RequestID) +
		48*len(p.Extensions) + 160*len(p.Errors))
	w.buf.WriteByte('{')
	w.str("type", p.Type)
	w.str("title", p.Title)
	if p.Status != 0 {
		w.key("status")
		w.buf.Write(strconv.AppendInt(w.buf.AvailableBuffer(), int64(p.Status), 10))
	}
	w.str("detail", p.Detail)
	w.str("instance", p.Instance)
	w.str("code", p.Code)
	w.str("requestId", p.RequestID)
	if !p.Timestamp.IsZero() {
		w.key("timestamp")
		w.buf.WriteByte('"')
		w.buf.Write(p.Timestamp.UTC().AppendFormat(w.buf.AvailableBuffer(), time.RFC3339))
		w.buf.WriteByte('"')
	}
	if len(p.Errors) > 0 {
		w.key("errors")
		w.buf.WriteByte('[')
		for i := range p.Errors {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := p.Errors[i].writeJSON(w); err != nil {
				return nil, fmt.Errorf("errors[%d]: %w", i, err)
			}
		}
		w.buf.WriteByte(']')
	}
	if err := w.extensions(p.Extensions); err != nil {
		return nil, err
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

// extensions writes the extension members sorted by name, skipping reserved
// names.
func (w *jsonWriter) extensions(ext map[string]any) error {
	switch len(ext) {
	case 0:
		return nil
	case 1:
		for k, v := range ext {
			return w.extension(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ext)) {
		if err := w.extension(k, ext[k]); err != nil {
			return err
		}
	}
	return nil
}

func (w *jsonWriter) extension(k string, v any) error {
	if members.Reserved(k) {
		return nil
	}
	mark, first := w.buf.Len(), w.first
	w.key(k)
	if err := w.value(v); err != nil {
		w.buf.Truncate(mark)
		w.first = first
		return fmt.Errorf("extension %q: %w", k, err)
	}
	return nil
}

// writeJSON writes the field error as a JSON object, members in the order
// of the struct, empty ones omitted.
func (f *FieldError) writeJSON(w *jsonWriter) error {
	w.buf.WriteByte('{')
	outer := w.first
	w.first = true
	w.str("pointer", f.Pointer)
	w.str("field", f.Field)
	w.str("in", f.In)
	w.str("rule", f.Rule)
	w.str("param", f.Param)
	w.str("detail", f.Detail)
	w.str("messageKey", f.MessageKey)
	if f.Value != nil {
		w.key("value")
		if err := w.value(f.Value); err != nil {
			return fmt.Errorf("value: %w", err)
		}
	}
	w.first = outer
	w.buf.WriteByte('}')
	return nil
}

// UnmarshalJSON reads a problem document. Members of the wrong JSON type are
// kept as extensions rather than failing the whole document, since problems
// often come from other services; unknown members become extensions.
func (p *Problem) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		return fmt.Errorf("problem: document is not a JSON object")
	}
	*p = Problem{}
	for k, v := range raw {
		if !p.setMember(k, v) {
			var x any
			if err := json.Unmarshal(v, &x); err != nil {
				return fmt.Errorf("member %q: %w", k, err)
			}
			if p.Extensions == nil {
				p.Extensions = make(map[string]any)
			}
			p.Extensions[k] = x
		}
	}
	return nil
}

// setMember decodes a standard or problemkit member into its field and
// reports whether it did; a member of an unexpected shape is left to the
// caller, which keeps it as an extension.
func (p *Problem) setMember(k string, v json.RawMessage) bool {
	switch k {
	case "type":
		return json.Unmarshal(v, &p.Type) == nil
	case "title":
		return json.Unmarshal(v, &p.Title) == nil
	case "detail":
		return json.Unmarshal(v, &p.Detail) == nil
	case "instance":
		return json.Unmarshal(v, &p.Instance) == nil
	case "code":
		return json.Unmarshal(v, &p.Code) == nil
	case "requestId":
		return json.Unmarshal(v, &p.RequestID) == nil
	case "status":
		var f float64
		if json.Unmarshal(v, &f) != nil || f != float64(int(f)) || f < 0 || f > 999 {
			return false
		}
		p.Status = int(f)
		return true
	case "timestamp":
		var s string
		if json.Unmarshal(v, &s) != nil {
			return false
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return false
		}
		// Timestamps are kept in UTC, and only those MarshalJSON can write
		// back as RFC 3339, whose years have four digits.
		t = t.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return false
		}
		p.Timestamp = t
		return true
	case "errors":
		var fe []FieldError
		if json.Unmarshal(v, &fe) != nil {
			return false
		}
		p.Errors = fe
		return true
	}
	return false
}
