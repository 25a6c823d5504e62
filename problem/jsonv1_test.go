//go:build !goexperiment.jsonv2

package problem

// jsonv2 says encoding/json is the v2 implementation (GOEXPERIMENT=jsonv2).
const jsonv2 = false
