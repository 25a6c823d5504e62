//go:build !goexperiment.jsonv2

package validation_test

// unmarshalerLocated says whether encoding/json tells where a type's own
// UnmarshalJSON refused its input. v1 returns the method's error as it is
// (time.Time's "input is not a JSON string"), with no position, so the
// problem has no field detail; v2 wraps it in an UnmarshalTypeError that
// says where. The Decoder uses the better answer when there is one.
const unmarshalerLocated = false
