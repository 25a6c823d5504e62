package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemtest"
)

// Harness tells Run how to use a store.
type Harness struct {
	// New returns an empty store for one case.
	New func(t *testing.T) idempotency.Store
	// Expire makes every record in s expire, as if its lease and TTL had
	// passed: a fake clock moved on, or the records' TTLs cut short.
	Expire func(t *testing.T, s idempotency.Store)
}

// server is the application of one case: a pipeline, the middleware over
// the store, and handlers that count how often they ran.
type server struct {
	h    http.Handler
	runs atomic.Int64
	// gate, when set, holds /hold requests until it is closed.
	gate chan struct{}
	// entered is told when a /hold request starts.
	entered chan struct{}
}

func newServer(t *testing.T, store idempotency.Store, opts idempotency.Options) *server {
	t.Helper()
	opts.Store = store
	idem := idempotency.New(opts)
	pl := problemhttp.New(problemhttp.Options{Logger: slog.New(slog.DiscardHandler)})
	s := &server{gate: make(chan struct{}), entered: make(chan struct{}, 64)}
	mux := http.NewServeMux()
	count := func(h func(http.ResponseWriter, *http.Request) error) http.Handler {
		return idem(problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
			s.runs.Add(1)
			return h(w, r)
		}))
	}
	created := func(w http.ResponseWriter, r *http.Request) error {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/things/1")
		w.Header().Set("Set-Cookie", "session=never-replayed")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"run":%d,"body":%q}`, s.runs.Load(), body)
		return nil
	}
	mux.Handle("POST /things", count(created))
	mux.Handle("PATCH /things", count(created))
	mux.Handle("POST /other", count(created))
	mux.Handle("GET /things", count(func(w http.ResponseWriter, r *http.Request) error { return nil }))
	mux.Handle("POST /hold", count(func(w http.ResponseWriter, r *http.Request) error {
		s.entered <- struct{}{}
		select {
		case <-s.gate:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		return created(w, r)
	}))
	mux.Handle("POST /fail/{status}", count(func(w http.ResponseWriter, r *http.Request) error {
		switch r.PathValue("status") {
		case "422":
			return problem.UnprocessableContent.New()
		case "500":
			return errors.New("boom")
		case "panic":
			panic("boom")
		case "panic-after-201":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"partial":`))
			panic("boom")
		}
		return nil
	}))
	mux.Handle("POST /gone", count(func(w http.ResponseWriter, r *http.Request) error {
		cancel := r.Context().Value(cancelKey{}).(context.CancelFunc)
		cancel() // the client goes away mid-request
		<-r.Context().Done()
		return r.Context().Err()
	}))
	mux.Handle("POST /gone-but-done", count(func(w http.ResponseWriter, r *http.Request) error {
		cancel := r.Context().Value(cancelKey{}).(context.CancelFunc)
		cancel() // the client goes away; the handler finishes all the same
		return created(w, r)
	}))
	mux.Handle("POST /big", count(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(strings.Repeat("x", 4<<10)))
		return nil
	}))
	s.h = pl.Handler(mux)
	return s
}

type cancelKey struct{}

// req is one request of a case.
type req struct {
	method, path, body string
	keys               []string // Idempotency-Key header lines
}

type answer struct {
	status int
	header http.Header
	body   string
	p      *problem.Problem
}

func (s *server) do(t *testing.T, q req) answer {
	t.Helper()
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	r := httptest.NewRequest(method, q.path, strings.NewReader(q.body))
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	r = r.WithContext(context.WithValue(ctx, cancelKey{}, context.CancelFunc(cancel)))
	for _, k := range q.keys {
		r.Header.Add("Idempotency-Key", k)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	a := answer{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
	if rec.Code >= 400 {
		p, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes())
		if err != nil {
			t.Fatalf("%s %s: not a well-formed problem: %v\n%s", method, q.path, err, rec.Body)
		}
		a.p = p
	}
	return a
}

// want is what a case expects of an answer.
type want struct {
	status   int
	code     string // "" for a success
	replayed bool
}

func (a answer) check(t *testing.T, i int, w want) {
	t.Helper()
	if a.status != w.status {
		t.Fatalf("request %d: status %d, want %d: %s", i+1, a.status, w.status, a.body)
	}
	code := ""
	if a.p != nil {
		code = a.p.Code
	}
	if code != w.code {
		t.Fatalf("request %d: code %q, want %q: %s", i+1, code, w.code, a.body)
	}
	if got := a.header.Get(idempotency.ReplayedHeader) == "true"; got != w.replayed {
		t.Errorf("request %d: replayed = %v, want %v", i+1, got, w.replayed)
	}
	if a.status < 500 && a.status >= 200 && a.header.Get("Set-Cookie") != "" && w.replayed {
		t.Errorf("request %d: a replay carries Set-Cookie", i+1)
	}
}

const thing = `{"name":"a"}`

// Run checks the store h.New returns. Every case is a subtest.
func Run(t *testing.T, h Harness) {
	t.Run("outcomes", func(t *testing.T) { runOutcomes(t, h) })
	t.Run("concurrent requests with one key run once", func(t *testing.T) { runConcurrent(t, h) })
	t.Run("expiry", func(t *testing.T) { runExpiry(t, h) })
	t.Run("store contract", func(t *testing.T) { runContract(t, h) })
}

func runOutcomes(t *testing.T, h Harness) {
	long := strings.Repeat("k", idempotency.MaxKeyLength)
	tests := []struct {
		name string
		opts idempotency.Options
		reqs []req
		want []want
		runs int64 // how often a handler ran in all
	}{
		{name: "missing key", reqs: []req{{path: "/things", body: thing}},
			want: []want{{400, "IDEMPOTENCY_KEY_MISSING", false}}, runs: 0},
		{name: "missing key, optional", opts: idempotency.Options{KeyOptional: true}, reqs: []req{{path: "/things", body: thing}, {path: "/things", body: thing}},
			want: []want{{201, "", false}, {201, "", false}}, runs: 2},
		{name: "safe methods pass through", reqs: []req{{method: "GET", path: "/things"}},
			want: []want{{200, "", false}}, runs: 1},
		{name: "malformed keys", reqs: []req{
			{path: "/things", body: thing, keys: []string{`"unterminated`}},
			{path: "/things", body: thing, keys: []string{`two words`}},
			{path: "/things", body: thing, keys: []string{`"caf` + "\u00e9" + `"`}},
			{path: "/things", body: thing, keys: []string{`""`}},
			{path: "/things", body: thing, keys: []string{`"a";p=1`}},
			{path: "/things", body: thing, keys: []string{"a", "b"}},
		}, want: []want{{400, "IDEMPOTENCY_KEY_INVALID", false}, {400, "IDEMPOTENCY_KEY_INVALID", false}, {400, "IDEMPOTENCY_KEY_INVALID", false},
			{400, "IDEMPOTENCY_KEY_INVALID", false}, {400, "IDEMPOTENCY_KEY_INVALID", false}, {400, "IDEMPOTENCY_KEY_INVALID", false}}, runs: 0},
		{name: "overlong key", reqs: []req{{path: "/things", body: thing, keys: []string{long + "k"}}, {path: "/things", body: thing, keys: []string{`"` + long + `k"`}}},
			want: []want{{400, "IDEMPOTENCY_KEY_INVALID", false}, {400, "IDEMPOTENCY_KEY_INVALID", false}}, runs: 0},
		{name: "a key of 255 characters", reqs: []req{{path: "/things", body: thing, keys: []string{long}}, {path: "/things", body: thing, keys: []string{`"` + long + `"`}}},
			want: []want{{201, "", false}, {201, "", true}}, runs: 1},
		{name: "same key, same body: replayed", reqs: []req{{path: "/things", body: thing, keys: []string{`"k1"`}}, {path: "/things", body: thing, keys: []string{"k1"}}, {path: "/things", body: thing, keys: []string{` "k1" `}}},
			want: []want{{201, "", false}, {201, "", true}, {201, "", true}}, runs: 1},
		{name: "same key, same body, refusing duplicates", opts: idempotency.Options{RefuseDuplicates: true},
			reqs: []req{{path: "/things", body: thing, keys: []string{"k1"}}, {path: "/things", body: thing, keys: []string{"k1"}}},
			want: []want{{201, "", false}, {409, "DUPLICATE_REQUEST", false}}, runs: 1},
		{name: "same key, another body", reqs: []req{{path: "/things", body: thing, keys: []string{"k1"}}, {path: "/things", body: `{"name":"b"}`, keys: []string{"k1"}}},
			want: []want{{201, "", false}, {422, "IDEMPOTENCY_KEY_REUSED", false}}, runs: 1},
		{name: "same key, another path or method", reqs: []req{{path: "/things", body: thing, keys: []string{"k1"}}, {path: "/other", body: thing, keys: []string{"k1"}}, {method: "PATCH", path: "/things", body: thing, keys: []string{"k1"}}, {path: "/things?x=1", body: thing, keys: []string{"k1"}}},
			want: []want{{201, "", false}, {422, "IDEMPOTENCY_KEY_REUSED", false}, {422, "IDEMPOTENCY_KEY_REUSED", false}, {422, "IDEMPOTENCY_KEY_REUSED", false}}, runs: 1},
		{name: "a 4xx first attempt frees the key", reqs: []req{{path: "/fail/422", keys: []string{"k1"}}, {path: "/fail/422", keys: []string{"k1"}}},
			want: []want{{422, "UNPROCESSABLE_CONTENT", false}, {422, "UNPROCESSABLE_CONTENT", false}}, runs: 2},
		{name: "a 5xx first attempt is not stored", reqs: []req{{path: "/fail/500", keys: []string{"k1"}}, {path: "/fail/500", keys: []string{"k1"}}},
			want: []want{{500, "INTERNAL_ERROR", false}, {500, "INTERNAL_ERROR", false}}, runs: 2},
		{name: "a panic frees the key", reqs: []req{{path: "/fail/panic", keys: []string{"k1"}}, {path: "/fail/panic", keys: []string{"k1"}}},
			want: []want{{500, "INTERNAL_ERROR", false}, {500, "INTERNAL_ERROR", false}}, runs: 2},
		{name: "a client that went away frees the key", reqs: []req{{path: "/gone", keys: []string{"k1"}}, {path: "/gone", keys: []string{"k1"}}},
			want: []want{{499, "CLIENT_CLOSED_REQUEST", false}, {499, "CLIENT_CLOSED_REQUEST", false}}, runs: 2},
		{name: "a request that completes after its client left is replayed", reqs: []req{{path: "/gone-but-done", keys: []string{"k1"}}, {path: "/gone-but-done", keys: []string{"k1"}}},
			want: []want{{201, "", false}, {201, "", true}}, runs: 1},
		{name: "a response too large to store", opts: idempotency.Options{MaxResponseBytes: 1 << 10},
			reqs: []req{{path: "/big", keys: []string{"k1"}}, {path: "/big", keys: []string{"k1"}}},
			want: []want{{201, "", false}, {409, "DUPLICATE_REQUEST", false}}, runs: 1},
		{name: "a body too large to fingerprint", opts: idempotency.Options{MaxBodyBytes: 16},
			reqs: []req{{path: "/things", body: strings.Repeat("x", 17), keys: []string{"k1"}}, {path: "/things", body: strings.Repeat("x", 16), keys: []string{"k1"}}},
			want: []want{{413, "PAYLOAD_TOO_LARGE", false}, {201, "", false}}, runs: 1},
		{name: "scopes keep clients apart", opts: idempotency.Options{Scope: func(r *http.Request) string { return r.URL.Query().Get("client") }},
			reqs: []req{{path: "/things?client=a", body: thing, keys: []string{"k1"}}, {path: "/things?client=b", body: thing, keys: []string{"k1"}}},
			want: []want{{201, "", false}, {201, "", false}}, runs: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, h.New(t), tt.opts)
			var first answer
			for i, q := range tt.reqs {
				a := s.do(t, q)
				a.check(t, i, tt.want[i])
				if i == 0 {
					first = a
				} else if tt.want[i].replayed && (a.body != first.body || a.header.Get("Location") != first.header.Get("Location") || a.header.Get("Content-Type") != first.header.Get("Content-Type")) {
					t.Errorf("replay %d differs from the first answer:\n%v %s\n%v %s", i+1, a.header, a.body, first.header, first.body)
				}
				if tt.want[i].code == "DUPLICATE_REQUEST" {
					if a.p.Extensions["originalRequestId"] != first.header.Get("X-Request-ID") {
						t.Errorf("originalRequestId %v, want the first request's %q", a.p.Extensions["originalRequestId"], first.header.Get("X-Request-ID"))
					}
					if _, err := time.Parse(time.RFC3339, fmt.Sprint(a.p.Extensions["completedAt"])); err != nil {
						t.Errorf("completedAt: %v", err)
					}
				}
			}
			if got := s.runs.Load(); got != tt.runs {
				t.Errorf("the handlers ran %d times, want %d", got, tt.runs)
			}
			if tt.name == "same key, same body: replayed" && !strings.Contains(first.body, `"body":"{\"name\":\"a\"}"`) {
				t.Errorf("the handler did not get the body intact: %s", first.body)
			}
		})
	}
	t.Run("a panic after a 2xx started keeps the key", func(t *testing.T) {
		s := newServer(t, h.New(t), idempotency.Options{})
		func() {
			defer func() {
				if v := recover(); v != http.ErrAbortHandler {
					t.Errorf("the response was not aborted: %v", v)
				}
			}()
			s.do(t, req{path: "/fail/panic-after-201", keys: []string{"k1"}})
		}()
		s.do(t, req{path: "/fail/panic-after-201", keys: []string{"k1"}}).check(t, 1, want{409, "DUPLICATE_REQUEST", false})
		if got := s.runs.Load(); got != 1 {
			t.Errorf("ran %d times, want 1", got)
		}
	})
}

// runConcurrent sends 20 requests with one key while the first is held:
// one runs, 19 are told it is in progress; then every retry is the replay.
func runConcurrent(t *testing.T, h Harness) {
	s := newServer(t, h.New(t), idempotency.Options{})
	const n = 20
	results := make(chan answer, n)
	for range n {
		go func() { results <- s.do(t, req{path: "/hold", body: thing, keys: []string{"same"}}) }()
	}
	// One of them runs and is held; the others are answered at once.
	var answers []answer
	for len(answers) < n-1 {
		select {
		case a := <-results:
			answers = append(answers, a)
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d answers of %d while one request is held", len(answers), n-1)
		}
	}
	close(s.gate)
	answers = append(answers, <-results)
	created, inProgress := 0, 0
	for _, a := range answers {
		switch {
		case a.status == 201:
			created++
		case a.status == 409 && a.p.Code == "REQUEST_IN_PROGRESS" && a.header.Get("Retry-After") == "1":
			inProgress++
		default:
			t.Errorf("unexpected answer %d %v: %s", a.status, a.header, a.body)
		}
	}
	if created != 1 || inProgress != n-1 || s.runs.Load() != 1 {
		t.Errorf("%d created, %d in progress, %d runs; want 1, %d, 1", created, inProgress, s.runs.Load(), n-1)
	}
	s.do(t, req{path: "/hold", body: thing, keys: []string{"same"}}).check(t, n, want{201, "", true})
}

// runExpiry: a completed key expires after its TTL, and a claim left by a
// request that never finished (an instance that stopped) after its lease.
func runExpiry(t *testing.T, h Harness) {
	t.Run("a completed key", func(t *testing.T) {
		store := h.New(t)
		s := newServer(t, store, idempotency.Options{})
		s.do(t, req{path: "/things", body: thing, keys: []string{"k1"}}).check(t, 0, want{201, "", false})
		s.do(t, req{path: "/things", body: thing, keys: []string{"k1"}}).check(t, 1, want{201, "", true})
		h.Expire(t, store)
		s.do(t, req{path: "/things", body: thing, keys: []string{"k1"}}).check(t, 2, want{201, "", false})
		if got := s.runs.Load(); got != 2 {
			t.Errorf("ran %d times, want 2", got)
		}
	})
	t.Run("an abandoned claim", func(t *testing.T) {
		store := h.New(t)
		ctx := context.Background()
		key := strings.Repeat("a", 64)
		if prev, err := store.Claim(ctx, key, &idempotency.Record{Token: "t1", Fingerprint: "f"}, time.Minute); err != nil || prev != nil {
			t.Fatalf("Claim: %v, %v", prev, err)
		}
		if prev, err := store.Claim(ctx, key, &idempotency.Record{Token: "t2", Fingerprint: "f"}, time.Minute); err != nil || prev == nil || prev.Done || prev.Token != "t1" {
			t.Fatalf("second Claim before expiry: %+v, %v", prev, err)
		}
		h.Expire(t, store)
		if prev, err := store.Claim(ctx, key, &idempotency.Record{Token: "t3", Fingerprint: "f"}, time.Minute); err != nil || prev != nil {
			t.Fatalf("Claim after expiry: %+v, %v", prev, err)
		}
		if err := store.Complete(ctx, key, "t1", &idempotency.Record{Token: "t1", Done: true}, time.Hour); !errors.Is(err, idempotency.ErrClaimLost) {
			t.Errorf("Complete by the expired claim's owner: %v, want ErrClaimLost", err)
		}
	})
}

// runContract checks the store alone: of concurrent claims one wins,
// Complete and Release need the claim's token, a record comes back whole.
func runContract(t *testing.T, h Harness) {
	ctx := context.Background()
	store := h.New(t)
	key := strings.Repeat("b", 64)
	const n = 50
	var won atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prev, err := store.Claim(ctx, key, &idempotency.Record{Token: fmt.Sprintf("t%d", i), Fingerprint: "f", RequestID: "r"}, time.Minute)
			if err != nil {
				t.Errorf("Claim: %v", err)
			}
			if prev == nil {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d of %d concurrent claims won, want 1", won.Load(), n)
	}
	prev, err := store.Claim(ctx, key, &idempotency.Record{Token: "x", Fingerprint: "f"}, time.Minute)
	if err != nil || prev == nil {
		t.Fatalf("Claim of a claimed key: %v, %v", prev, err)
	}
	winner := prev.Token
	for _, op := range []func() error{
		func() error {
			return store.Complete(ctx, key, "not-the-token", &idempotency.Record{Done: true}, time.Hour)
		},
		func() error { return store.Release(ctx, key, "not-the-token") },
		func() error { return store.Release(ctx, strings.Repeat("c", 64), winner) },
	} {
		if err := op(); !errors.Is(err, idempotency.ErrClaimLost) {
			t.Errorf("with another token or key: %v, want ErrClaimLost", err)
		}
	}
	at := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	done := &idempotency.Record{Token: winner, Fingerprint: "f", RequestID: "r", Done: true, CompletedAt: at,
		Response: &idempotency.Response{Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{\x00\xff}")}}
	if err := store.Complete(ctx, key, winner, done, time.Hour); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	got, err := store.Claim(ctx, key, &idempotency.Record{Token: "y", Fingerprint: "f"}, time.Minute)
	if err != nil || got == nil {
		t.Fatalf("Claim of a completed key: %v, %v", got, err)
	}
	if !got.Done || got.Fingerprint != "f" || got.RequestID != "r" || !got.CompletedAt.Equal(at) || got.Response == nil ||
		got.Response.Status != 201 || got.Response.Header.Get("Content-Type") != "application/json" || string(got.Response.Body) != "{\x00\xff}" {
		t.Errorf("the completed record came back as %+v %+v", got, got.Response)
	}
	if err := store.Release(ctx, key, winner); !errors.Is(err, idempotency.ErrClaimLost) {
		t.Errorf("Release of a completed key: %v, want ErrClaimLost", err)
	}
	k2 := strings.Repeat("d", 64)
	if prev, err := store.Claim(ctx, k2, &idempotency.Record{Token: "z", Fingerprint: "f"}, time.Minute); err != nil || prev != nil {
		t.Fatalf("Claim: %v %v", prev, err)
	}
	if err := store.Release(ctx, k2, "z"); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if prev, err := store.Claim(ctx, k2, &idempotency.Record{Token: "z2", Fingerprint: "f"}, time.Minute); err != nil || prev != nil {
		t.Errorf("Claim after Release: %v %v", prev, err)
	}
}
