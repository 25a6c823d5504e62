package problem

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
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
// The zero value is an empty problem; a Problem is not safe for concurrent
// mutation.
type Problem struct {
	Type     string
	Title    string
	Status   int
	Detail   string
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

// reserved lists the member names that Extensions can never set.
var reserved = map[string]bool{
	"type": true, "title": true, "status": true, "detail": true, "instance": true,
	"code": true, "requestId": true, "timestamp": true, "errors": true,
}

// IsReserved reports whether name is a standard RFC 9457 member or one of
// problemkit's own members, which an extension member can never replace.
func IsReserved(name string) bool { return reserved[name] }

// StatusTitle returns the HTTP status phrase for code, the title of an
// about:blank problem, or "Error" for an unknown code.
func StatusTitle(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Error"
}

// MarshalJSON writes the problem as one flat JSON object: the standard
// members first, then problemkit's members, then the extensions sorted by
// name. Empty members are omitted, except status.
func (p *Problem) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(256)
	buf.WriteByte('{')
	first := true
	member := func(name string, v any) error {
		b, err := marshalValue(v)
		if err != nil {
			return fmt.Errorf("member %q: %w", name, err)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.WriteByte('"')
		buf.WriteString(name)
		buf.WriteString(`":`)
		buf.Write(b)
		return nil
	}
	str := func(name, v string) error {
		if v == "" {
			return nil
		}
		return member(name, v)
	}
	if err := str("type", p.Type); err != nil {
		return nil, err
	}
	if err := str("title", p.Title); err != nil {
		return nil, err
	}
	if p.Status != 0 {
		if err := member("status", p.Status); err != nil {
			return nil, err
		}
	}
	for _, m := range []struct{ k, v string }{{"detail", p.Detail}, {"instance", p.Instance}, {"code", p.Code}, {"requestId", p.RequestID}} {
		if err := str(m.k, m.v); err != nil {
			return nil, err
		}
	}
	if !p.Timestamp.IsZero() {
		if err := member("timestamp", p.Timestamp.UTC().Format(time.RFC3339)); err != nil {
			return nil, err
		}
	}
	if len(p.Errors) > 0 {
		if err := member("errors", p.Errors); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Extensions)) {
		if reserved[k] {
			continue
		}
		// Member names are arbitrary strings: quote them through encoding/json.
		name, _ := json.Marshal(k)
		b, err := marshalValue(p.Extensions[k])
		if err != nil {
			return nil, fmt.Errorf("extension %s: %w", name, err)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshalValue encodes v without HTML escaping, so that "<" and "&" in
// messages read as they are.
func marshalValue(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
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

// Error lets a decoded Problem be used as an error value. The text names the
// status, code and title; it is meant for logs.
func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Code != "" {
		s = fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Title)
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}
