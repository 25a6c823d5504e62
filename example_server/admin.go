package main

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// adminToken is the demo's admin credential: GET /admin with
// "Authorization: Bearer demo-admin" is let in.
const adminToken = "demo-admin"

// requireBearer is an auth middleware written the way third-party ones
// are: it knows nothing of problemkit and answers with http.Error and a
// WWW-Authenticate challenge. The pipeline above it turns that text/plain
// 401 into a problem and keeps the challenge.
func requireBearer(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="example"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func adminHome(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, adminBody{Status: "ok", Area: "admin"})
}
