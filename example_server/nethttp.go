package main

import (
	"io"
	"net/http"
	"time"
)

// upload reads a body of at most 1 KiB through http.MaxBytesReader and
// answers with http.Error beyond it, as handlers written without
// problemkit do: the pipeline makes that text/plain 413 a problem.
func upload(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 1<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"bytes": n})
}

// slowExport takes longer than the http.TimeoutHandler around it allows;
// the handler's 503 becomes a problem.
func slowExport(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(2 * time.Second):
		writeJSON(w, http.StatusOK, map[string]string{"export": "done"})
	case <-r.Context().Done():
	}
}
