package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"
)

// The stacks, by the names the table uses.
const (
	Problemkit = "problemkit"
	Huma       = "huma v2 on chi"
	Fuego      = "fuego"
	HandChi    = "hand-written chi"
	BareChi    = "bare chi"
)

// Stacks lists the stack names in the table's column order.
var Stacks = []string{Problemkit, Huma, Fuego, HandChi, BareChi}

// Contender is one stack answering one case.
type Contender struct {
	Stack   string
	Handler http.Handler
}

// Case is one compared path: the same request to every contender, which
// must give the same answer (Check) and write Logs log records.
type Case struct {
	// Key names the case in flags and benchmark names: "404", "404_unlogged",
	// "422", "422_unlogged", "200".
	Key string
	// Title is the case's row in the table.
	Title      string
	Method     string
	Target     string
	Body       []byte
	Status     int
	Logs       int64
	Contenders []Contender

	check func(status int, h http.Header, body []byte) error
}

// Suite is every case with its contenders, built once per process.
type Suite struct {
	// Logs receives every stack's failure records; Stray receives whatever
	// goes to slog.Default, which no stack should use here.
	Logs, Stray *Sink
	Cases       []*Case
}

// NewSuite builds every stack twice, with failure logging and without, and
// the cases. It sets slog.Default to a logger whose records are counted as
// strays, so a framework logging on its own is caught by Check.
func NewSuite() (*Suite, error) {
	s := &Suite{Logs: &Sink{}, Stray: &Sink{}}
	slog.SetDefault(slog.New(slog.NewJSONHandler(s.Stray, nil)))
	logger := slog.New(slog.NewJSONHandler(s.Logs, nil))

	pkLogged, err := newProblemkit(logger, true)
	if err != nil {
		return nil, fmt.Errorf("problemkit: %w", err)
	}
	pkUnlogged, err := newProblemkit(logger, false)
	if err != nil {
		return nil, fmt.Errorf("problemkit: %w", err)
	}
	logged := []Contender{
		{Problemkit, pkLogged}, {Huma, newHuma(logger)}, {Fuego, newFuego(logger)}, {HandChi, newHandChi(logger)},
	}
	unlogged := []Contender{
		{Problemkit, pkUnlogged}, {Huma, newHuma(nil)}, {Fuego, newFuego(nil)}, {HandChi, newHandChi(nil)},
	}
	healthz := append(slices.Clone(logged), Contender{BareChi, newBareChi()})

	s.Cases = []*Case{
		{Key: "404", Title: "`GET /users/{id}` → 404, logged", Method: http.MethodGet, Target: "/users/42", Status: http.StatusNotFound,
			Logs: 1, Contenders: logged, check: checkNotFound},
		{Key: "404_unlogged", Title: "`GET /users/{id}` → 404, 4xx not logged", Method: http.MethodGet, Target: "/users/42", Status: http.StatusNotFound,
			Logs: 0, Contenders: unlogged, check: checkNotFound},
		{Key: "422", Title: "`POST /users` → 422, 3 fields, logged", Method: http.MethodPost, Target: "/users", Body: signUpBody, Status: http.StatusUnprocessableEntity,
			Logs: 1, Contenders: logged, check: checkValidation},
		{Key: "422_unlogged", Title: "`POST /users` → 422, 3 fields, 4xx not logged", Method: http.MethodPost, Target: "/users", Body: signUpBody, Status: http.StatusUnprocessableEntity,
			Logs: 0, Contenders: unlogged, check: checkValidation},
		{Key: "200", Title: "`GET /healthz` → 200", Method: http.MethodGet, Target: "/healthz", Status: http.StatusOK,
			Logs: 0, Contenders: healthz, check: checkHealthz},
	}
	return s, nil
}

// Request is a case's request, replayable without allocating: the same
// *http.Request each time, its body rewound. Handlers get copies of it
// (every stack's first middleware calls WithContext), so it is not changed.
type Request struct {
	req  *http.Request
	body *replayBody
	data []byte
}

type replayBody struct{ bytes.Reader }

func (*replayBody) Close() error { return nil }

// NewRequest makes the case's request, through httptest.NewRequest.
func (c *Case) NewRequest() *Request {
	q := &Request{req: httptest.NewRequest(c.Method, c.Target, nil), data: c.Body}
	q.req.Header.Set("Accept-Language", "en")
	if c.Body != nil {
		q.body = &replayBody{}
		q.req.Header.Set("Content-Type", "application/json")
		q.req.Body = q.body
		q.req.ContentLength = int64(len(c.Body))
	}
	return q
}

// Next returns the request, its body rewound.
func (q *Request) Next() *http.Request {
	if q.body != nil {
		q.body.Reset(q.data)
	}
	return q.req
}

// Check sends the case's request to the contender once, through an
// httptest.ResponseRecorder, and reports how its answer differs from what
// the case asks: status, content type, members, headers, log records.
func (s *Suite) Check(c *Case, ct Contender) error {
	rec := httptest.NewRecorder()
	logs, strays := s.Logs.Records(), s.Stray.Records()
	ct.Handler.ServeHTTP(rec, c.NewRequest().Next())
	var errs []error
	if err := c.check(rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		errs = append(errs, err)
	}
	if n := s.Logs.Records() - logs; n != c.Logs {
		errs = append(errs, fmt.Errorf("%d log records, want %d", n, c.Logs))
	}
	if n := s.Stray.Records() - strays; n != 0 {
		errs = append(errs, fmt.Errorf("%d records to slog.Default, want none", n))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s, %s: %w\nbody: %s", c.Key, ct.Stack, err, rec.Body.Bytes())
	}
	return nil
}

// CheckAll checks every contender of every case.
func (s *Suite) CheckAll() error {
	var errs []error
	for _, c := range s.Cases {
		for _, ct := range c.Contenders {
			errs = append(errs, s.Check(c, ct))
		}
	}
	return errors.Join(errs...)
}

func checkHealthz(status int, h http.Header, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d, want 200", status)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("Content-Type %q, want application/json", ct)
	}
	var v struct{ Status string }
	if err := json.Unmarshal(body, &v); err != nil || v.Status != "ok" {
		return fmt.Errorf("body is not {\"status\":\"ok\"} (%v)", err)
	}
	return nil
}

// checkProblem checks what every problem must have and returns its
// members.
func checkProblem(status int, h http.Header, body []byte, want int, code, slug, title, detail, instance string) (map[string]any, []error) {
	var errs []error
	if status != want {
		errs = append(errs, fmt.Errorf("status %d, want %d", status, want))
	}
	if ct := h.Get("Content-Type"); ct != "application/problem+json" {
		errs = append(errs, fmt.Errorf("Content-Type %q, want application/problem+json", ct))
	}
	for k, v := range map[string]string{
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Language": "en",
	} {
		if got := h.Get(k); got != v {
			errs = append(errs, fmt.Errorf("header %s %q, want %q", k, got, v))
		}
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, append(errs, fmt.Errorf("body: %w", err))
	}
	for k, v := range map[string]any{
		"type": TypeBase + slug, "title": title, "status": float64(want), "detail": detail,
		"instance": instance, "code": code,
	} {
		if m[k] != v {
			errs = append(errs, fmt.Errorf("member %s %v, want %v", k, m[k], v))
		}
	}
	id, _ := m["requestId"].(string)
	if id == "" || id != h.Get("X-Request-Id") {
		errs = append(errs, fmt.Errorf("requestId %q, X-Request-Id %q: want the same, not empty", id, h.Get("X-Request-Id")))
	}
	ts, _ := m["timestamp"].(string)
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		errs = append(errs, fmt.Errorf("timestamp %q: %w", ts, err))
	}
	return m, errs
}

func checkNotFound(status int, h http.Header, body []byte) error {
	m, errs := checkProblem(status, h, body, http.StatusNotFound, "USER_NOT_FOUND", "user-not-found",
		userNotFoundTitle, userNotFoundDetail(42), "/users/42")
	if m != nil && m["userId"] != float64(42) {
		errs = append(errs, fmt.Errorf("userId %v, want 42", m["userId"]))
	}
	return errors.Join(errs...)
}

// checkValidation wants the three broken fields, each with a pointer, a
// field and a detail; a rule, when the stack gives one (huma cannot), must
// be the broken one.
func checkValidation(status int, h http.Header, body []byte) error {
	m, errs := checkProblem(status, h, body, http.StatusUnprocessableEntity, "VALIDATION_ERROR", "validation-error",
		validationErrorTitle, validationErrorDetail(3), "/users")
	if m == nil {
		return errors.Join(errs...)
	}
	if m["count"] != float64(3) {
		errs = append(errs, fmt.Errorf("count %v, want 3", m["count"]))
	}
	items, _ := m["errors"].([]any)
	rules := map[string]string{"#/username": "min", "#/email": "email", "#/age": "max"}
	var pointers []string
	for _, it := range items {
		f, _ := it.(map[string]any)
		p, _ := f["pointer"].(string)
		pointers = append(pointers, p)
		if d, _ := f["detail"].(string); d == "" {
			errs = append(errs, fmt.Errorf("errors entry %s has no detail", p))
		}
		if fl, _ := f["field"].(string); "#/"+fl != p {
			errs = append(errs, fmt.Errorf("errors entry %s has field %q", p, fl))
		}
		if r, ok := f["rule"]; ok && r != rules[p] {
			errs = append(errs, fmt.Errorf("errors entry %s has rule %v, want %s", p, r, rules[p]))
		}
	}
	slices.Sort(pointers)
	want := slices.Sorted(slices.Values(invalidFields))
	if !slices.Equal(pointers, want) {
		errs = append(errs, fmt.Errorf("errors name %v, want %v", pointers, want))
	}
	return errors.Join(errs...)
}
