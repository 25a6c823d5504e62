package problem

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to one buffer. Strings and integers are written
// directly; arbitrary values go through a single encoding/json Encoder
// without HTML escaping, so that "<" and "&" read as they are.
type jsonWriter struct {
	buf   bytes.Buffer
	enc   *json.Encoder
	first bool
}

func (w *jsonWriter) value(v any) error {
	switch x := v.(type) {
	case string:
		appendString(&w.buf, x)
		return nil
	case int:
		w.buf.WriteString(strconv.Itoa(x))
		return nil
	case bool:
		w.buf.WriteString(strconv.FormatBool(x))
		return nil
	case nil:
		w.buf.WriteString("null")
		return nil
	}
	if w.enc == nil {
		w.enc = json.NewEncoder(&w.buf)
		w.enc.SetEscapeHTML(false)
	}
	start := w.buf.Len()
	if err := w.enc.Encode(v); err != nil {
		w.buf.Truncate(start)
		return err
	}
	w.buf.Truncate(w.buf.Len() - 1) // Encode's newline
	return nil
}

// key writes a member name and the colon, after a comma when needed.
func (w *jsonWriter) key(name string) {
	if !w.first {
		w.buf.WriteByte(',')
	}
	w.first = false
	appendString(&w.buf, name)
	w.buf.WriteByte(':')
}

func (w *jsonWriter) str(name, v string) {
	if v == "" {
		return
	}
	w.key(name)
	appendString(&w.buf, v)
}

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off: control characters escaped, invalid UTF-8 replaced by
// U+FFFD, and U+2028/U+2029 escaped for JavaScript.
func appendString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	// Whether s is valid UTF-8 is asked at its first non-ASCII byte, of the
	// rest only: ASCII strings, most of them, are read once.
	checked, valid := false, false
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		if !checked {
			checked, valid = true, utf8.ValidString(s[i:])
		}
		if valid {
			// Valid UTF-8: only U+2028 and U+2029 (E2 80 A8/A9) need escaping.
			if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
				b.WriteString(s[start:i])
				b.WriteString(`\u202`)
				b.WriteByte(hex[s[i+2]&0xF])
				i += 3
				start = i
				continue
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
