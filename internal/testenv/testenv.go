// Package testenv decides what a test does when a program it needs, such
// as redis-server or Chromium, is not installed: on a developer's machine
// it skips, with one line saying what to install, so that the README's
// test command passes with only Go; under CI=true, where every test must
// run, it fails.
package testenv

import (
	"os"
	"testing"
)

// Required reports whether every test must run: CI is set to "true", as
// .ci/run and the common CI services set it.
func Required() bool { return os.Getenv("CI") == "true" }

// Missing ends t because what is not installed: a skip that says how to
// install it, or, when Required, a failure.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	msg := what + " is not installed: " + install
	if Required() {
		t.Fatal(msg + " (CI=true: every test must run)")
	}
	t.Skip(msg + " to run this test")
}
