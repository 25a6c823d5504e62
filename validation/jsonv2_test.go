//go:build goexperiment.jsonv2

package validation_test

// unmarshalerLocated: see jsonv1_test.go. encoding/json v2 reports an
// UnmarshalJSON method's refusal as an UnmarshalTypeError at the value.
const unmarshalerLocated = true
