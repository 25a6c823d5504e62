// Package test holds the tests of package problemotel that need the
// OpenTelemetry SDK and otelhttp: spans, metrics and log correlation as an
// application that sets up the SDK sees them. It is a module of its own, as
// OpenTelemetry's contrib repository keeps its test modules, so that
// problemotel's module requires the OpenTelemetry API only.
package test
