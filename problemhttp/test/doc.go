// Package test holds the tests of package problemhttp that need other
// modules of this repository (upstream) or dependencies only tests use
// (go-chi/httprate): the pipeline's invariants under template injection,
// secrets in requests, clients that go away, a storm of faults, and the
// RateLimit fields over a real httprate limiter. It is a module of its own,
// as OpenTelemetry's contrib repository keeps its test modules, so that the
// core module's go.mod carries none of those requirements.
package test
