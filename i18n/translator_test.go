package i18n_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/validation"
)

// appFiles are an application's message files: a field label, an override
// of one of problemkit's messages, an application code, and a new language.
var appFiles = fstest.MapFS{
	"locales/ko.json": {Data: []byte(`{
  "field.username": "사용자 이름",
  "field.address.zip": "우편번호",
  "VALIDATION_ERROR.title": "입력값을 확인해 주세요",
  "USER_NOT_FOUND.detail": "사용자 {{.userId}}을(를) 찾을 수 없습니다."
}`)},
	"locales/en.json": {Data: []byte(`{"field.username": "user name"}`)},
	"locales/fr.json": {Data: []byte(`{
  "VALIDATION_ERROR.title": "La validation de la requête a échoué",
  "VALIDATION_ERROR.detail": {"one": "{{.count}} champ est invalide.", "other": "{{.count}} champs sont invalides."}
}`)},
	"README.md": {Data: []byte("not a message file")},
}

func field(path string) problem.Message {
	return problem.Label("field."+path, path)
}

func minString(label problem.Message, min int) problem.Message {
	return problem.Message{
		ID:      "validation.min.string",
		Default: "{{.field}} must be at least {{.param}} characters long",
		One:     "{{.field}} must be at least {{.param}} character long",
		Data:    map[string]any{"field": label, "param": min},
		Count:   min,
	}
}

func TestTranslate(t *testing.T) {
	plain := newBundle(t, i18n.Options{})
	app := newBundle(t, i18n.Options{Files: []fs.FS{appFiles}})
	userNotFound := &problem.Code{Code: "USER_NOT_FOUND", Status: 404, Title: "User not found", Detail: "No user has the ID {{.userId}}."}
	tests := []struct {
		name   string
		bundle *i18n.Bundle
		accept string
		msg    problem.Message
		want   string
	}{
		{"title en", plain, "en", problem.InternalError.TitleMessage(), "Internal Server Error"},
		{"title ko", plain, "ko", problem.InternalError.TitleMessage(), "내부 서버 오류"},
		{"detail ko", plain, "ko", problem.InternalError.DetailMessage(nil), "예기치 않은 오류가 발생했습니다. 문제가 계속되면 요청 ID와 함께 고객 지원팀에 문의해 주세요."},
		{"detail with data en", plain, "en", validation.MalformedJSON.DetailMessage(map[string]any{"line": 3, "column": 7}), "The request body is not valid JSON (line 3, column 7)."},
		{"detail with data ko", plain, "ko", validation.MalformedJSON.DetailMessage(map[string]any{"line": 3, "column": 7}), "요청 본문이 올바른 JSON이 아닙니다(3행 7열)."},
		{"detail missing data", plain, "ko", validation.MalformedJSON.DetailMessage(nil), "요청 본문이 올바른 JSON이 아닙니다(행 열)."},
		{"plural one en", plain, "en", validation.Failed.DetailMessage(map[string]any{"count": 1}), "1 field is invalid."},
		{"plural other en", plain, "en", validation.Failed.DetailMessage(map[string]any{"count": 3}), "3 fields are invalid."},
		{"plural one ko", plain, "ko", validation.Failed.DetailMessage(map[string]any{"count": 1}), "1개 필드의 값이 올바르지 않습니다."},
		{"plural other ko", plain, "ko", validation.Failed.DetailMessage(map[string]any{"count": 3}), "3개 필드의 값이 올바르지 않습니다."},
		{"plural count from JSON", plain, "en", validation.Failed.DetailMessage(map[string]any{"count": float64(1)}), "1 field is invalid."},
		{"plural count as string", plain, "en", validation.Failed.DetailMessage(map[string]any{"count": "2"}), "2 fields are invalid."},
		{"label localized ko", app, "ko", minString(field("username"), 3), "사용자 이름은 3자 이상이어야 합니다."},
		{"label localized en", app, "en", minString(field("username"), 3), "user name must be at least 3 characters long"},
		{"label singular en", app, "en", minString(field("username"), 1), "user name must be at least 1 character long"},
		{"label falls back to JSON name ko", plain, "ko", minString(field("username"), 3), "username은 3자 이상이어야 합니다."},
		{"label falls back to JSON name en", plain, "en", minString(field("username"), 3), "username must be at least 3 characters long"},
		{"nested label ko", app, "ko", minString(field("address.zip"), 5), "우편번호는 5자 이상이어야 합니다."},
		{"user override", app, "ko", validation.Failed.TitleMessage(), "입력값을 확인해 주세요"},
		{"override leaves others", app, "ko", problem.InternalError.TitleMessage(), "내부 서버 오류"},
		{"override is per language", app, "en", validation.Failed.TitleMessage(), "Request validation failed"},
		{"user code", app, "ko", userNotFound.DetailMessage(map[string]any{"userId": 42}), "사용자 42을(를) 찾을 수 없습니다."},
		{"user code missing in language", app, "en", userNotFound.DetailMessage(map[string]any{"userId": 42}), "No user has the ID 42."},
		{"new language", app, "fr", validation.Failed.TitleMessage(), "La validation de la requête a échoué"},
		{"new language plural", app, "fr", validation.Failed.DetailMessage(map[string]any{"count": 0}), "0 champ est invalide."},
		{"new language gap uses default", app, "fr", problem.InternalError.TitleMessage(), "Internal Server Error"},
		{"literal untouched", plain, "ko", problem.Text("{{.x}} stays 100%"), "{{.x}} stays 100%"},
		{"missing ID uses Default", plain, "ko", problem.Message{ID: "nope", Default: "Hello {{.name}}", Data: map[string]any{"name": "Kim"}}, "Hello Kim"},
		{"missing ID uses One", plain, "ko", problem.Message{ID: "nope", Default: "{{.count}} items", One: "one item", Count: 1}, "one item"},
		{"no ID", plain, "ko", problem.Message{Default: "plain"}, "plain"},
		{"zero message", plain, "ko", problem.Message{}, ""},
		{"count not a number", plain, "en", validation.Failed.DetailMessage(map[string]any{"count": "many"}), "many fields are invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.bundle.Negotiate(tt.accept).Translate(tt.msg); got != tt.want {
				t.Errorf("Translate() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTranslateBrokenPluralFallsBack: a translation that lacks the plural
// form a count needs falls back to the default language, not to a wrong form.
func TestTranslateBrokenPluralFallsBack(t *testing.T) {
	b := newBundle(t, i18n.Options{Files: []fs.FS{fstest.MapFS{
		"fr.json": {Data: []byte(`{"VALIDATION_ERROR.detail": {"other": "{{.count}} champs sont invalides."}}`)},
	}}})
	tests := []struct {
		name  string
		count int
		want  string
	}{
		{"form present", 2, "2 champs sont invalides."},
		{"form missing", 1, "1 field is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.Negotiate("fr").Translate(validation.Failed.DetailMessage(map[string]any{"count": tt.count}))
			if got != tt.want {
				t.Errorf("Translate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    i18n.Options
		wantErr string
	}{
		{"invalid JSON", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{`)}}}}, "ko.json"},
		{"broken template", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": "{{.a"}`)}}}}, `message "x"`},
		{"unknown function", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": "{{.a | nope}}"}`)}}}}, `message "x"`},
		{"a loop", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": "{{range .xs}}{{.}}{{end}}"}`)}}}}, `message "x"`},
		{"a condition", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": {"other": "a", "one": "{{if .a}}b{{end}}"}}`)}}}}, `message "x"`},
		{"a call", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": "{{printf \"%d\" .n}}"}`)}}}}, `message "x"`},
		{"other delimiters", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.json": {Data: []byte(`{"x": {"other": "<<.a>>", "leftDelim": "<<", "rightDelim": ">>"}}`)}}}}, `only {{ and }}`},
		{"no language in name", i18n.Options{Files: []fs.FS{fstest.MapFS{"messages.json": {Data: []byte(`{"x": "y"}`)}}}}, "language tag"},
		{"other format", i18n.Options{Files: []fs.FS{fstest.MapFS{"ko.toml": {Data: []byte(`x = "y"`)}}}}, "only JSON"},
		{"default without messages", i18n.Options{Default: mustTag("ja")}, "default language ja"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := i18n.New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestTranslateConcurrent(t *testing.T) {
	b := newBundle(t, i18n.Options{Files: []fs.FS{appFiles}})
	done := make(chan string)
	for i := range 8 {
		go func() {
			accept := []string{"ko-KR", "en", "fr", "ja"}[i%4]
			var s string
			for range 200 {
				s = b.Negotiate(accept).Translate(minString(field("username"), 3))
			}
			done <- s
		}()
	}
	for range 8 {
		if s := <-done; s == "" {
			t.Error("empty translation")
		}
	}
}
