package problemdocs_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/i18n"
	"github.com/problemkit/problemkit/problemdocs"
	"github.com/problemkit/problemkit/problemhttp"
)

// TestHandlerLanguages serves the docs through the real i18n bundle: the
// same page in English and in Korean, as HTML and as JSON.
func TestHandlerLanguages(t *testing.T) {
	bundle, err := i18n.New(i18n.Options{Catalog: testCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	pl := problemhttp.New(problemhttp.Options{Catalog: testCatalog(), Localizer: bundle})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.Mount("/problems", problemhttp.Handle(problemdocs.Pages(testCatalog(), bundle)))

	tests := []struct {
		name, path, lang, accept string
		status                   int
		ctype, contentLang       string
		contains                 []string
	}{
		{"English HTML", "/problems/validation-error", "en", "text/html", 200, "text/html; charset=utf-8", "en",
			[]string{`<html lang="en">`, "Request validation failed", "What the client should do"}},
		{"Korean HTML", "/problems/validation-error", "ko-KR", "text/html", 200, "text/html; charset=utf-8", "ko",
			[]string{`<html lang="ko">`, "요청 값 검증에 실패했습니다", "클라이언트가 할 일"}},
		{"Korean JSON", "/problems/validation-error", "ko", "application/json", 200, "application/json", "ko",
			[]string{`"title": "요청 값 검증에 실패했습니다"`, `"code": "VALIDATION_ERROR"`}},
		{"Korean index", "/problems/", "ko", "", 200, "text/html; charset=utf-8", "ko", []string{"오류 목록"}},
		{"unknown code in Korean", "/problems/nope", "ko", "", 404, "application/problem+json", "ko",
			[]string{`"code":"ROUTE_NOT_FOUND"`, "이 주소에 설명된 오류 코드가 없습니다."}},
		{"the switch links both languages", "/problems/validation-error", "en", "", 200, "text/html; charset=utf-8", "en",
			[]string{`<strong lang="en" aria-current="true">English</strong>`, `<a href="?lang=ko" hreflang="ko" lang="ko">한국어</a>`}},
		{"?lang=ko over Accept-Language", "/problems/validation-error?lang=ko", "en", "", 200, "text/html; charset=utf-8", "ko",
			[]string{`<html lang="ko">`, "요청 값 검증에 실패했습니다", `<a href="https://api.example.com/problems?lang=ko">`, `<a href="?lang=en" hreflang="en" lang="en">English</a>`}},
		{"the index keeps ?lang in its links", "/problems/?lang=ko", "", "", 200, "text/html; charset=utf-8", "ko",
			[]string{`href="https://api.example.com/problems/insufficient-funds?lang=ko"`}},
		{"?lang of no language is ignored", "/problems/validation-error?lang=fr", "ko", "", 200, "text/html; charset=utf-8", "ko",
			[]string{`<html lang="ko">`}},
		{"?lang as JSON", "/problems/validation-error.json?lang=ko", "", "", 200, "application/json", "ko",
			[]string{`"title": "요청 값 검증에 실패했습니다"`}},
		{"the index as JSON is an object", "/problems/", "", "application/json", 200, "application/json", "en",
			[]string{`"title": "Error catalog",`, `"codes": [`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Header.Set("Accept-Language", tt.lang)
			req.Header.Set("Accept", tt.accept)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.ctype || rec.Header().Get("Content-Language") != tt.contentLang {
				t.Fatalf("got %d %q %q, want %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Language"), tt.status, tt.ctype, tt.contentLang)
			}
			for _, c := range tt.contains {
				if !strings.Contains(rec.Body.String(), c) {
					t.Errorf("body lacks %q", c)
				}
			}
		})
	}
}

// TestLanguageSwitchIsSafe: whatever a client puts in ?lang is compared
// with the bundle's languages, never written into the page.
func TestLanguageSwitchIsSafe(t *testing.T) {
	bundle, err := i18n.New(i18n.Options{Catalog: testCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	h := problemhttp.Handle(problemdocs.Pages(testCatalog(), bundle))
	for _, lang := range []string{`"><script>alert(1)</script>`, "ko\"onmouseover=\"x", "javascript:alert(1)", "ko&x=<b>", strings.Repeat("ko,", 2000)} {
		req := httptest.NewRequest(http.MethodGet, "/problems/validation-error?lang="+url.QueryEscape(lang), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != 200 || rec.Header().Get("Content-Language") != "en" || strings.Contains(body, "script>") || strings.Contains(body, "onmouseover") ||
			strings.Contains(body, "javascript:") || strings.Contains(body, "<b>") {
			t.Errorf("?lang=%.40q: %d %s, the page reflects it", lang, rec.Code, rec.Header().Get("Content-Language"))
		}
	}
}

// TestKoreanMarkdown renders the catalog in Korean with the real bundle:
// no English label is left where a Korean one exists.
func TestKoreanMarkdown(t *testing.T) {
	bundle, err := i18n.New(i18n.Options{Catalog: testCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := problemdocs.Markdown(&b, testCatalog(), bundle.Negotiate("ko")); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"# 오류 목록", "## 목차", "| 코드 | HTTP 상태 | 제목 | 재시도 가능 |", "**의미.**", "**클라이언트가 할 일.**"} {
		if !strings.Contains(out, want) {
			t.Errorf("Korean Markdown lacks %q", want)
		}
	}
	for _, english := range []string{"What it means", "When it happens", "What the client should do", "Extension members"} {
		if strings.Contains(out, english) {
			t.Errorf("Korean Markdown still says %q", english)
		}
	}
}
