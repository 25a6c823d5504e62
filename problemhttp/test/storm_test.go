package test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemtest"
	"github.com/problemkit/problemkit/upstream"
	"github.com/problemkit/problemkit/validation"
)

// Secrets planted in the storm's failures; no production body may show any.
const (
	stormPanicSecret    = "storm-panic-value-7f3a"
	stormUnmappedSecret = "postgres://admin:storm-db-pass-91c@10.0.0.7/prod"
	stormUpstreamSecret = "storm-upstream-body-internal-token-5d2e"
	stormFieldSecret    = "pw-7Qz" // a secret field value, too short for min=8
	stormStreamSecret   = "storm-stream-panic-b44"
)

var stormSecrets = []string{stormPanicSecret, stormUnmappedSecret, "storm-db-pass-91c", stormUpstreamSecret, stormFieldSecret, stormStreamSecret}

// stormConflict is a typed error an application would declare.
var stormConflict = &problem.Code{
	Code: "STORM_CONFLICT", Status: http.StatusConflict,
	Title: "Storm conflict", Detail: "Resource {{.resource}} is locked.",
}

// stormSignup is the validated body of POST /signup.
type stormSignup struct {
	Name     string `json:"name" validate:"required,min=3"`
	Email    string `json:"email" validate:"required,email"`
	Age      int    `json:"age" validate:"gte=0,lte=150"`
	Password string `json:"password" validate:"required,min=8" problem:"secret"`
}

// stormLog is a concurrency-safe slog sink that counts records instead of
// keeping them, so that the storm's heap measurement is not dominated by
// its own log. It checks that every Write is exactly one JSON record.
type stormLog struct {
	mu     sync.Mutex
	total  int
	levels map[string]int
	status map[float64]int
	msgs   map[string]int
	bad    []string // writes that were not one JSON object on one line
	noID   int      // records without a requestId
}

func newStormLog() *stormLog {
	return &stormLog{levels: map[string]int{}, status: map[float64]int{}, msgs: map[string]int{}}
}

func (l *stormLog) Write(p []byte) (int, error) {
	var rec struct {
		Level     string  `json:"level"`
		Msg       string  `json:"msg"`
		Status    float64 `json:"status"`
		RequestID string  `json:"requestId"`
	}
	oneLine := bytes.Count(p, []byte("\n")) == 1 && bytes.HasSuffix(p, []byte("\n"))
	err := json.Unmarshal(p, &rec)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !oneLine || err != nil {
		if len(l.bad) < 5 {
			l.bad = append(l.bad, string(p))
		}
		return len(p), nil
	}
	l.total++
	l.levels[rec.Level]++
	l.msgs[rec.Msg]++
	if rec.Level == "INFO" && rec.Status == 499 {
		l.status[499]++
	}
	if rec.RequestID == "" {
		l.noID++
	}
	return len(p), nil
}

func (l *stormLog) snapshot() (total int, levels map[string]int, n499 int, msgs map[string]int, bad []string, noID int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	levels = make(map[string]int, len(l.levels))
	for k, v := range l.levels {
		levels[k] = v
	}
	msgs = make(map[string]int, len(l.msgs))
	for k, v := range l.msgs {
		msgs[k] = v
	}
	return l.total, levels, l.status[499], msgs, append([]string(nil), l.bad...), l.noID
}

// stormKind is one way a storm request fails (or not).
type stormKind struct {
	name   string
	method string
	path   string
	ctype  string
	body   string
	status int    // the expected status; 0 for the outcomes without one
	code   string // the expected code of a problem
	// aborted: the server aborts the connection after a partial 200.
	aborted bool
	// disconnect: the client gives up after a few milliseconds.
	disconnect bool
}

var stormKinds = []stormKind{
	{name: "ok", method: http.MethodGet, path: "/ok", status: 200},
	{name: "panic", method: http.MethodGet, path: "/panic", status: 500, code: "INTERNAL_ERROR"},
	{name: "stream panic", method: http.MethodGet, path: "/stream", aborted: true},
	{name: "one rule", method: http.MethodPost, path: "/signup", ctype: "application/json",
		body: `{"name":"alice","email":"alice@example.com","age":30,"password":"` + stormFieldSecret + `"}`, status: 422, code: "VALIDATION_ERROR"},
	{name: "three rules", method: http.MethodPost, path: "/signup", ctype: "application/json",
		body: `{"name":"al","email":"nope","age":30,"password":"` + stormFieldSecret + `"}`, status: 422, code: "VALIDATION_ERROR"},
	{name: "two rules", method: http.MethodPost, path: "/signup", ctype: "application/json",
		body: `{"name":"alice","email":"alice@example.com","age":200,"password":"` + stormFieldSecret + `"}`, status: 422, code: "VALIDATION_ERROR"},
	{name: "malformed JSON", method: http.MethodPost, path: "/signup", ctype: "application/json",
		body: `{"name":"alice","password":"` + stormFieldSecret + `",`, status: 400, code: "MALFORMED_JSON"},
	{name: "wrong content type", method: http.MethodPost, path: "/signup", ctype: "text/plain",
		body: `password=` + stormFieldSecret, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
	{name: "typed", method: http.MethodGet, path: "/typed", status: 409, code: "STORM_CONFLICT"},
	{name: "unmapped", method: http.MethodGet, path: "/unmapped", status: 500, code: "INTERNAL_ERROR"},
	{name: "upstream 500", method: http.MethodGet, path: "/upstream/fail", status: 502, code: "UPSTREAM_ERROR"},
	{name: "upstream 429", method: http.MethodGet, path: "/upstream/busy", status: 503, code: "UPSTREAM_RATE_LIMITED"},
	{name: "upstream timeout", method: http.MethodGet, path: "/upstream/slow", status: 504, code: "UPSTREAM_TIMEOUT"},
	{name: "deadline", method: http.MethodGet, path: "/deadline", status: 503, code: "TIMEOUT"},
	{name: "disconnect", method: http.MethodGet, path: "/hang", disconnect: true},
	{name: "ok again", method: http.MethodGet, path: "/ok", status: 200},
}

const stormOKBody = `{"ok":true}`

// stormRequests sizes TestFaultStorm: the default runs in a few seconds;
// scripts/fuzz-style soak runs pass more, such as -storm.requests=200000.
var stormRequests = flag.Int("storm.requests", 6000, "requests of TestFaultStorm, after a warm-up of a tenth as many")

// stormServers starts the upstream and the API under test.
func stormServers(t *testing.T, lg *stormLog, upTransport *http.Transport) (api, up *httptest.Server) {
	t.Helper()
	upMux := http.NewServeMux()
	upMux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "internal failure, "+stormUpstreamSecret)
	})
	upMux.HandleFunc("GET /busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, "slow down, "+stormUpstreamSecret)
	})
	upMux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		// Outlasts the impatient client by far, so that even on starved
		// cores its 50 ms timeout is the only way this call ends.
		select {
		case <-r.Context().Done():
		case <-time.After(60 * time.Second):
		}
		_, _ = io.WriteString(w, stormUpstreamSecret)
	})
	up = httptest.NewServer(upMux)

	// Two clients of the same upstream: one whose timeout the slow route
	// outlasts, and one patient enough that the fast routes never time out
	// on loaded cores (or under -race).
	fast := upstream.New("storm-upstream", upstream.Options{
		Transport: upTransport,
		Timeout:   30 * time.Second,
		Retry:     upstream.RetryOptions{MaxAttempts: 1},
	})
	impatient := upstream.New("storm-upstream", upstream.Options{
		Transport: upTransport,
		Timeout:   50 * time.Millisecond,
		Retry:     upstream.RetryOptions{MaxAttempts: 1},
	})

	pl := problemhttp.New(problemhttp.Options{
		Logger:  slog.New(slog.NewJSONHandler(lg, nil)),
		Catalog: problem.NewCatalog("https://api.example.com/problems/").MustRegister(stormConflict),
	})
	r := chi.NewRouter()
	r.Use(pl.Handler)
	r.NotFound(pl.NotFound)
	r.MethodNotAllowed(pl.MethodNotAllowed)
	r.Get("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, stormOKBody)
	})
	r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic(errors.New("storm: " + stormPanicSecret)) })
	r.Get("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[1,2,`)
		w.(http.Flusher).Flush()
		panic(stormStreamSecret)
	})
	r.Post("/signup", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		var in stormSignup
		if err := validation.Decode(r, &in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusCreated)
		return nil
	}))
	r.Get("/typed", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return stormConflict.New().With("resource", "r-1")
	}))
	r.Get("/unmapped", problemhttp.Handle(func(http.ResponseWriter, *http.Request) error {
		return fmt.Errorf("open db: %w", errors.New("dial "+stormUnmappedSecret+": refused"))
	}))
	r.Get("/upstream/{what}", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, up.URL+"/"+chi.URLParam(r, "what"), nil)
		if err != nil {
			return err
		}
		client := fast
		if chi.URLParam(r, "what") == "slow" {
			client = impatient
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(w, resp.Body)
		return nil
	}))
	r.Get("/deadline", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Millisecond)
		defer cancel()
		<-ctx.Done()
		return fmt.Errorf("query report: %w", ctx.Err())
	}))
	r.Get("/hang", problemhttp.Handle(func(w http.ResponseWriter, r *http.Request) error {
		select {
		case <-r.Context().Done():
			return fmt.Errorf("hang: %w", r.Context().Err())
		case <-time.After(5 * time.Second):
			return errors.New("hang: the client never went away")
		}
	}))
	api = httptest.NewUnstartedServer(r)
	api.Config.ErrorLog = nil
	api.Start()
	return api, up
}

// stormResult tallies what the clients saw.
type stormResult struct {
	mu          sync.Mutex
	ids         map[string]int // X-Request-ID → times seen
	statuses    map[int]int
	fivexx      int
	aborted     int // stream requests whose connection was aborted
	disconnects int // requests the client gave up on
	failures    []string
}

func (s *stormResult) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) < 20 {
		s.failures = append(s.failures, fmt.Sprintf(format, args...))
	}
}

// stormOne sends one request of kind k and checks its outcome.
func stormOne(ctx context.Context, hc *http.Client, base string, k stormKind, res *stormResult) {
	var body io.Reader
	if k.body != "" {
		body = strings.NewReader(k.body)
	}
	if k.disconnect {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 3*time.Millisecond)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, k.method, base+k.path, body)
	if err != nil {
		res.fail("%s: %v", k.name, err)
		return
	}
	if k.ctype != "" {
		req.Header.Set("Content-Type", k.ctype)
	}
	resp, err := hc.Do(req)
	if err != nil {
		if k.disconnect && errors.Is(err, context.DeadlineExceeded) {
			res.mu.Lock()
			res.disconnects++
			res.mu.Unlock()
			return
		}
		res.fail("%s: %v", k.name, err)
		return
	}
	b, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	id := resp.Header.Get("X-Request-ID")

	res.mu.Lock()
	res.statuses[resp.StatusCode]++
	if resp.StatusCode >= 500 {
		res.fivexx++
	}
	if id != "" {
		res.ids[id]++
	}
	if k.aborted && readErr != nil {
		res.aborted++
	}
	res.mu.Unlock()

	switch {
	case k.aborted:
		if readErr == nil || resp.StatusCode != 200 || string(b) != `{"items":[1,2,` {
			res.fail("%s: got %d %q (read error %v), want a 200 aborted after its first bytes", k.name, resp.StatusCode, b, readErr)
		}
		return
	case k.disconnect:
		res.fail("%s: got a %d answer %q before the client gave up", k.name, resp.StatusCode, b)
		return
	case readErr != nil:
		res.fail("%s: read body: %v", k.name, readErr)
		return
	case resp.StatusCode != k.status:
		res.fail("%s: status %d, want %d: %s", k.name, resp.StatusCode, k.status, b)
		return
	case k.status < 300:
		if string(b) != stormOKBody || id == "" {
			res.fail("%s: body %q, request ID %q", k.name, b, id)
		}
		return
	}
	p, err := problemtest.CheckBody(resp.StatusCode, resp.Header, b)
	if err != nil {
		res.fail("%s: %v\n%s", k.name, err, b)
		return
	}
	if p.Code != k.code {
		res.fail("%s: code %q, want %q", k.name, p.Code, k.code)
	}
	if k.code == "UPSTREAM_RATE_LIMITED" && resp.Header.Get("Retry-After") != "7" {
		res.fail("%s: Retry-After %q, want the upstream's 7", k.name, resp.Header.Get("Retry-After"))
	}
	if leaks := problemtest.Leaks(b, stormSecrets...); len(leaks) > 0 {
		res.fail("%s: production body leaks %v: %s", k.name, leaks, b)
	}
}

// stormRun sends n requests over conc workers, cycling through stormKinds.
func stormRun(hc *http.Client, base string, n, conc int, res *stormResult) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				stormOne(context.Background(), hc, base, stormKinds[i%int64(len(stormKinds))], res)
			}
		})
	}
	wg.Wait()
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestFaultStorm drives tens of thousands of concurrent requests through
// every kind of failure over real connections and checks that each answer
// keeps the contract, that nothing leaks into the bodies, that each failure
// is logged once, and that the server neither leaks goroutines nor grows
// its heap.
func TestFaultStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault storm is slow; skipped with -short")
	}
	total, warmup := *stormRequests, *stormRequests/10
	const concurrency = 50
	start := time.Now()
	baseGoroutines := runtime.NumGoroutine()

	lg := newStormLog()
	upTransport := &http.Transport{MaxIdleConnsPerHost: concurrency}
	api, up := stormServers(t, lg, upTransport)
	serversClosed := false
	closeServers := func() {
		if !serversClosed {
			serversClosed = true
			api.Close()
			up.Close()
			upTransport.CloseIdleConnections()
		}
	}
	defer closeServers()

	tr := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxIdleConns: 2 * concurrency}
	// Generous: a client that gave up would miss a 5xx the server logged.
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	defer tr.CloseIdleConnections()

	res := &stormResult{ids: make(map[string]int, total+warmup), statuses: map[int]int{}}

	// Warm up: pools, connections and lazily built state (the validator's
	// struct cache, the default decoder) reach their steady size here.
	stormRun(hc, api.URL, warmup, concurrency, res)
	heapWarm := heapAlloc()

	stormStart := time.Now()
	stormRun(hc, api.URL, total, concurrency, res)
	stormTook := time.Since(stormStart)
	heapAfter := heapAlloc()

	// Let the server finish logging the requests whose clients had gone.
	time.Sleep(100 * time.Millisecond)

	for _, f := range res.failures {
		t.Error(f)
	}

	// Every request ID is unique.
	dups := 0
	for id, n := range res.ids {
		if n > 1 {
			dups++
			if dups <= 5 {
				t.Errorf("request ID %q was given to %d responses", id, n)
			}
		}
	}

	// The server still serves a normal request.
	resp, err := hc.Get(api.URL + "/ok")
	if err != nil {
		t.Fatalf("after the storm: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != stormOKBody {
		t.Errorf("after the storm: %d %q", resp.StatusCode, b)
	}

	// The log: one error record per 5xx answer and per aborted stream;
	// the disconnects at info as 499.
	var streams int
	for i := range warmup + total {
		if stormKinds[i%len(stormKinds)].aborted {
			streams++
		}
	}
	var logTotal, n499 int
	var levels, msgs map[string]int
	var bad []string
	var noID int
	deadline := time.Now().Add(15 * time.Second)
	for {
		logTotal, levels, n499, msgs, bad, noID = lg.snapshot()
		if levels["ERROR"] >= res.fivexx+streams || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(bad) > 0 {
		t.Errorf("log writes that are not one JSON record on one line: %q", bad)
	}
	if noID > 0 {
		t.Errorf("%d log records without a requestId", noID)
	}
	if want := res.fivexx + streams; levels["ERROR"] != want {
		t.Errorf("%d error-level records, want %d (%d 5xx answers + %d aborted streams); messages %v",
			levels["ERROR"], want, res.fivexx, streams, msgs)
	}
	if res.aborted != streams {
		t.Errorf("%d of %d stream requests saw an aborted connection", res.aborted, streams)
	}
	if n499 < 1 || n499 > res.disconnects {
		t.Errorf("%d info records with status 499 for %d client disconnects, want 1..%d", n499, res.disconnects, res.disconnects)
	}
	for _, m := range []string{"problemkit: panic while answering a failure", "problemkit: cannot encode problem"} {
		if msgs[m] > 0 {
			t.Errorf("%d records %q: the pipeline itself failed", msgs[m], m)
		}
	}

	// Heap: after the warm-up every pool and cache has its steady size, so
	// what remains after the storm is the clients' tally (one map entry
	// per request ID, about 100 bytes each: under 1 MiB for 6,600) and
	// garbage the GC has not returned. A leak of even one request's state
	// per request (its context, its writer, a buffered record, a 2-8 KiB
	// stack) would add 12-48 MiB over 6,000 requests: above the bound of
	// the warm heap plus 8 MiB, which leaves room for the tally and for
	// noise. More requests (-storm.requests) only widen the margin.
	if limit := heapWarm + 8<<20; heapAfter > limit {
		t.Errorf("heap grew from %d to %d bytes after the warm-up, over the bound %d", heapWarm, heapAfter, limit)
	}

	// Goroutines return to their baseline once connections are closed.
	tr.CloseIdleConnections()
	closeServers()
	// Connection goroutines end a moment after their connection closes:
	// wait for the baseline itself, then allow a little slack.
	goroutinesAfter := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); goroutinesAfter > baseGoroutines && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		tr.CloseIdleConnections()
		goroutinesAfter = runtime.NumGoroutine()
	}
	if goroutinesAfter > baseGoroutines+3 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines after the storm, baseline %d:\n%s", goroutinesAfter, baseGoroutines, buf)
	}

	t.Logf("%d requests (+%d warm-up) at concurrency %d in %v (whole test %v); statuses %v; %d aborted streams, %d client disconnects (%d logged as 499); %d log records %v; heap %d KiB after warm-up, %d KiB after the storm; goroutines %d before, %d after",
		total, warmup, concurrency, stormTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond),
		res.statuses, res.aborted, res.disconnects, n499, logTotal, levels,
		heapWarm>>10, heapAfter>>10, baseGoroutines, goroutinesAfter)
}
