package idempotency

import (
	"errors"
	"fmt"
	"strings"
)

// MaxKeyLength is the longest Idempotency-Key accepted, in characters, as
// Stripe accepts. Keys are ASCII, so it is a byte count too.
const MaxKeyLength = 255

// HeaderName is the request header of the key (IETF draft "The
// Idempotency-Key HTTP Header Field").
const HeaderName = "Idempotency-Key"

// ErrInvalidKey is the error of an Idempotency-Key field value that
// ParseKey refuses.
var ErrInvalidKey = errors.New("idempotency: invalid Idempotency-Key")

// ParseKey returns the key of an Idempotency-Key field value. The draft
// makes it a Structured Field String (RFC 8941 §3.3.3): a quoted string of
// visible ASCII and spaces, in which only \" and \\ are escapes, such as
// "8e03978e-40d5-43e8-bc93-6894a57f9324". Many clients send the key bare,
// so a value without quotes is accepted too when it is visible ASCII
// without spaces, quotes, backslashes or commas. Leading and trailing
// spaces and tabs are ignored; parameters are not accepted. The key is 1
// to MaxKeyLength characters; anything else is an ErrInvalidKey, whose
// text never quotes the value.
func ParseKey(v string) (string, error) {
	v = strings.Trim(v, " \t")
	if len(v) > 2*MaxKeyLength+2 { // the longest quoted form: every character escaped
		return "", fmt.Errorf("%w: longer than %d characters", ErrInvalidKey, MaxKeyLength)
	}
	if v == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	var key string
	if v[0] == '"' {
		k, err := parseString(v)
		if err != nil {
			return "", err
		}
		key = k
	} else {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == ',' {
				return "", fmt.Errorf("%w: byte %d of a bare key is not allowed", ErrInvalidKey, i)
			}
		}
		key = v
	}
	if key == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyLength {
		return "", fmt.Errorf("%w: longer than %d characters", ErrInvalidKey, MaxKeyLength)
	}
	return key, nil
}

// parseString parses v, which starts with a quote, as one sf-string with
// nothing after it.
func parseString(v string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			i++
			if i == len(v) || v[i] != '"' && v[i] != '\\' {
				return "", fmt.Errorf("%w: bad escape at byte %d", ErrInvalidKey, i)
			}
			b.WriteByte(v[i])
		case c == '"':
			if i != len(v)-1 {
				return "", fmt.Errorf("%w: data after the string at byte %d", ErrInvalidKey, i+1)
			}
			return b.String(), nil
		case c < ' ' || c >= 0x7f:
			return "", fmt.Errorf("%w: byte %d is not visible ASCII", ErrInvalidKey, i)
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("%w: unterminated string", ErrInvalidKey)
}

// FormatKey returns key as a Structured Field String, the form the draft
// asks clients to send; ParseKey(FormatKey(k)) is k for every key ParseKey
// can return.
func FormatKey(key string) string {
	var b strings.Builder
	b.Grow(len(key) + 2)
	b.WriteByte('"')
	for i := 0; i < len(key); i++ {
		if c := key[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(key[i])
	}
	b.WriteByte('"')
	return b.String()
}
