package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const before = `{"format": 1, "codes": [
  {"code": "ACCOUNT_NOT_FOUND", "status": 404, "type": "http://localhost:8080/problems/account-not-found", "members": [{"name": "accountId", "type": "integer"}]},
  {"code": "USER_NOT_FOUND", "status": 404, "type": "http://localhost:8080/problems/user-not-found", "members": [{"name": "userId", "type": "integer"}]}
]}`

func TestCompat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("old.json", before)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // lines, in order
		stderr string
	}{
		{"the same catalog", []string{"compat", old, old}, 0,
			[]string{"problemkit compat: " + old + " → " + old + ": 0 breaking changes, 0 additions"}, ""},
		{"additions only", []string{"compat", old, write("added.json", strings.Replace(before, `"members": [{"name": "userId", "type": "integer"}]}`,
			`"members": [{"name": "userId", "type": "integer"}, {"name": "tenant", "type": "string"}]},
  {"code": "USER_LOCKED", "status": 423, "type": "http://localhost:8080/problems/user-locked"}`, 1))}, 0,
			[]string{
				"added    USER_LOCKED: code added (423 http://localhost:8080/problems/user-locked)",
				"added    USER_NOT_FOUND: member tenant (string) added",
				"problemkit compat: " + old + " → " + filepath.Join(dir, "added.json") + ": 0 breaking changes, 2 additions",
			}, ""},
		{"breaking changes first", []string{"compat", old, write("broken.json", `{"format": 1, "codes": [
  {"code": "USER_NOT_FOUND", "status": 410, "type": "http://localhost:8080/problems/user-not-found", "members": [{"name": "userId", "type": "string"}, {"name": "tenant", "type": "string"}]}
]}`)}, 1,
			[]string{
				"BREAKING ACCOUNT_NOT_FOUND: code removed (was 404 http://localhost:8080/problems/account-not-found)",
				"BREAKING USER_NOT_FOUND: status 404 → 410",
				"BREAKING USER_NOT_FOUND: member userId retyped integer → string",
				"added    USER_NOT_FOUND: member tenant (string) added",
				"problemkit compat: " + old + " → " + filepath.Join(dir, "broken.json") + ": 3 breaking changes, 1 addition",
			}, ""},
		{"no such file", []string{"compat", old, filepath.Join(dir, "missing.json")}, 2, nil, "no such file"},
		{"not a snapshot", []string{"compat", old, write("bad.json", `{"format": 9}`)}, 2, nil, "snapshot format 9"},
		{"no command", nil, 2, nil, "usage: problemkit compat OLD.json NEW.json"},
		{"one file", []string{"compat", old}, 2, nil, "usage:"},
		{"another command", []string{"lint", old, old}, 2, nil, "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, stderr.String())
			}
			var want string
			if tt.stdout != nil {
				want = strings.Join(tt.stdout, "\n") + "\n"
			}
			if stdout.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), want)
			}
			if !strings.Contains(stderr.String(), tt.stderr) || tt.stderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.stderr)
			}
		})
	}
}
