package problem

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/problemkit/problemkit/internal/members"
)

// XMLNamespace is the namespace of problem details XML documents (RFC 9457
// Appendix B).
const XMLNamespace = "urn:ietf:rfc:7807"

// MarshalXML writes the problem as RFC 9457 Appendix B describes: a
// <problem> element in the urn:ietf:rfc:7807 namespace with one child element
// per member; arrays become repeated <i> elements and objects nested
// elements. Extension members whose names are not valid XML names are
// skipped. Like MarshalJSON, it has a value receiver.
func (p Problem) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	root := xml.StartElement{Name: xml.Name{Local: "problem"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: XMLNamespace}}}
	if err := e.EncodeToken(root); err != nil {
		return err
	}
	text := func(name, v string) error {
		if v == "" {
			return nil
		}
		return e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}})
	}
	for _, m := range []struct{ k, v string }{{"type", p.Type}, {"title", p.Title}} {
		if err := text(m.k, m.v); err != nil {
			return err
		}
	}
	if p.Status != 0 {
		if err := text("status", strconv.Itoa(p.Status)); err != nil {
			return err
		}
	}
	for _, m := range []struct{ k, v string }{{"detail", p.Detail}, {"instance", p.Instance}, {"code", p.Code}, {"requestId", p.RequestID}} {
		if err := text(m.k, m.v); err != nil {
			return err
		}
	}
	if !p.Timestamp.IsZero() {
		if err := text("timestamp", p.Timestamp.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		start := xml.StartElement{Name: xml.Name{Local: "errors"}}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		for _, fe := range p.Errors {
			if err := e.EncodeElement(fe, xml.StartElement{Name: xml.Name{Local: "i"}}); err != nil {
				return err
			}
		}
		if err := e.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Extensions)) {
		if members.Reserved(k) || !validXMLName(k) {
			continue
		}
		if err := encodeXMLValue(e, k, p.Extensions[k], 0); err != nil {
			return fmt.Errorf("extension %q: %w", k, err)
		}
	}
	return e.EncodeToken(root.End())
}

// encodeXMLValue writes v as the element name, mapping JSON-like values the
// way RFC 9457 Appendix B does.
func encodeXMLValue(e *xml.Encoder, name string, v any, depth int) error {
	if depth > 32 {
		return fmt.Errorf("nested too deeply")
	}
	start := xml.StartElement{Name: xml.Name{Local: name}}
	rv := reflect.ValueOf(v)
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if rv.IsNil() {
			return e.EncodeElement("", start)
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return e.EncodeElement("", start)
	}
	if t, ok := rv.Interface().(time.Time); ok {
		return e.EncodeElement(t.UTC().Format(time.RFC3339Nano), start)
	}
	if jm, ok := jsonMarshaler(rv); ok {
		// Values with their own JSON form (json.RawMessage, …): write that
		// form, as the JSON document carries it.
		b, err := jm.MarshalJSON()
		if err != nil {
			return err
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var x any
		if err := d.Decode(&x); err != nil {
			return err
		}
		return encodeXMLValue(e, name, x, depth+1)
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		// The number as JSON writes it: 1000000, not 1e+06.
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return e.EncodeElement(fmt.Sprint(f), start)
		}
		var b []byte
		if rv.Kind() == reflect.Float32 {
			b, _ = json.Marshal(float32(f))
		} else {
			b, _ = json.Marshal(f)
		}
		return e.EncodeElement(string(b), start)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			// []byte: base64 text, as in the JSON document.
			return e.EncodeElement(base64.StdEncoding.EncodeToString(rv.Bytes()), start)
		}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		for i := range rv.Len() {
			if err := encodeXMLValue(e, "i", rv.Index(i).Interface(), depth+1); err != nil {
				return err
			}
		}
		return e.EncodeToken(start.End())
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return e.EncodeElement(fmt.Sprint(v), start)
		}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !validXMLName(k) {
				continue
			}
			if err := encodeXMLValue(e, k, rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface(), depth+1); err != nil {
				return err
			}
		}
		return e.EncodeToken(start.End())
	case reflect.Struct:
		// Through its JSON form, so members are named by their json tags,
		// as in the JSON document, never by Go field names.
		b, err := json.Marshal(rv.Interface())
		if err != nil {
			return err
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var x any
		if err := d.Decode(&x); err != nil {
			return err
		}
		return encodeXMLValue(e, name, x, depth+1)
	default:
		return e.EncodeElement(fmt.Sprint(rv.Interface()), start)
	}
}

// validXMLName reports whether s can be an XML element name: a letter or
// underscore, then letters, digits, '_', '-' or '.', and not starting with
// "xml".
func validXMLName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	if len(s) >= 3 && (s[0]|0x20) == 'x' && (s[1]|0x20) == 'm' && (s[2]|0x20) == 'l' {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// jsonMarshaler returns rv as a json.Marshaler, also when only its pointer
// is one.
func jsonMarshaler(rv reflect.Value) (json.Marshaler, bool) {
	if m, ok := rv.Interface().(json.Marshaler); ok {
		return m, true
	}
	if rv.CanAddr() {
		m, ok := rv.Addr().Interface().(json.Marshaler)
		return m, ok
	}
	return nil, false
}
