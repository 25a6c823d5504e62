package problemhttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/problemkit/problemkit/problem"
)

var orderNotFound = &problem.Code{
	Code: "ORDER_NOT_FOUND", Status: http.StatusNotFound,
	Title: "Order not found", Detail: "No order has the ID {{.orderId}}.",
}

// statusOnly is a domain error that knows its status and nothing else.
type statusOnly struct{}

func (statusOnly) Error() string   { return "version clash" }
func (statusOnly) StatusCode() int { return http.StatusConflict }

// TestDecide is the deciding stage as a table, without a server: what a
// failure becomes — status, code, texts, members, and its record's level,
// message, note and warning — for each kind of error and each point the
// response may have reached.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	catalog := problem.NewCatalog("https://api.example.com/problems/").MustRegister(orderNotFound)
	prod := New(Options{Catalog: catalog, Now: func() time.Time { return now }})
	dev := New(Options{Catalog: catalog, Now: func() time.Time { return now }, Development: true})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	req := func(ctx context.Context) *http.Request {
		return httptest.NewRequestWithContext(ctx, http.MethodGet, "/orders/A-17", nil)
	}
	live := context.Background()

	type want struct {
		status        int
		code          string
		title, detail string
		member        string // an extension member that must be there
		written       bool   // a problem is written
		whole         bool
		level         slog.Level
		msg           string
		note, warning string
	}
	tests := []struct {
		name string
		p    *Pipeline
		ctx  context.Context
		err  error
		at   progress
		warn string
		want want
	}{
		{name: "a code's error", p: prod, ctx: live, err: orderNotFound.New().With("orderId", "A-17"),
			want: want{status: 404, code: "ORDER_NOT_FOUND", title: "Order not found", detail: "No order has the ID A-17.", member: "orderId",
				written: true, whole: true, level: slog.LevelInfo, msg: "request failed"}},
		{name: "an unmapped error, production", p: prod, ctx: live, err: errors.New("dial db-7.internal: refused"),
			want: want{status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error", detail: string(problem.InternalError.Detail),
				written: true, whole: true, level: slog.LevelError, msg: "request failed"}},
		{name: "an unmapped error, development", p: dev, ctx: live, err: errors.New("dial db-7.internal: refused"),
			want: want{status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error", detail: string(problem.InternalError.Detail), member: "debug",
				written: true, whole: true, level: slog.LevelError, msg: "request failed"}},
		{name: "a 5xx's own detail, production", p: prod, ctx: live, err: problem.ServiceUnavailable.New().WithDetail("replica db-7 is down"),
			want: want{status: 503, code: "SERVICE_UNAVAILABLE", title: "Service unavailable", detail: string(problem.ServiceUnavailable.Detail),
				written: true, whole: true, level: slog.LevelError, msg: "request failed"}},
		{name: "a panic", p: prod, ctx: live, err: &PanicError{Value: orderNotFound.New()},
			want: want{status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error", detail: string(problem.InternalError.Detail),
				written: true, whole: true, level: slog.LevelError, msg: "panic recovered"}},
		{name: "a cancellation, the client gone", p: prod, ctx: gone, err: fmt.Errorf("query: %w", context.Canceled),
			want: want{status: 499, code: "CLIENT_CLOSED_REQUEST", title: "Client Closed Request", detail: string(problem.ClientClosedRequest.Detail),
				written: true, whole: true, level: slog.LevelInfo, msg: "client closed request"}},
		{name: "a cancellation, the client there", p: prod, ctx: live, err: fmt.Errorf("query: %w", context.Canceled),
			want: want{status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error", detail: string(problem.InternalError.Detail),
				written: true, whole: true, level: slog.LevelError, msg: "request failed"}},
		{name: "a panic with the client gone", p: prod, ctx: gone, err: &PanicError{Value: context.Canceled},
			want: want{status: 500, code: "INTERNAL_ERROR", title: "Internal Server Error", detail: string(problem.InternalError.Detail),
				written: true, whole: true, level: slog.LevelError, msg: "panic recovered"}},
		{name: "a status alone", p: prod, ctx: live, err: statusOnly{},
			want: want{status: 409, code: "CONFLICT", title: "Conflict", detail: string(problem.Conflict.Detail),
				written: true, whole: true, level: slog.LevelInfo, msg: "request failed",
				warning: "StatusCode() 409 without ErrorCode(): answered with the generic code CONFLICT"}},
		{name: "the caller's warning", p: prod, ctx: live, err: problem.BadRequest.New(), warn: "a 400 written below the pipeline",
			want: want{status: 400, code: "BAD_REQUEST", title: "Bad Request", detail: string(problem.BadRequest.Detail),
				written: true, whole: true, level: slog.LevelInfo, msg: "request failed", warning: "a 400 written below the pipeline"}},
		{name: "a code the catalog lacks", p: prod, ctx: live, err: (&problem.Code{Code: "SEAT_TAKEN", Status: 409, Title: "Seat taken"}).New(),
			want: want{status: 409, code: "SEAT_TAKEN", title: "Seat taken", written: true, whole: true, level: slog.LevelInfo, msg: "request failed",
				warning: "code SEAT_TAKEN is not in the pipeline's catalog: register it, or include the feature that declares it, so that it is documented and translated"}},
		{name: "after the response started", p: prod, ctx: live, err: errors.New("stream broke"), at: progress{status: 200},
			want: want{status: 200, code: "INTERNAL_ERROR", level: slog.LevelError, msg: "request failed",
				note: "failure after the response started; nothing more was written"}},
		{name: "after a problem replaced a foreign response", p: prod, ctx: live, err: errors.New("bad input"), at: progress{status: 400, answered: true},
			want: want{status: 400, code: "INTERNAL_ERROR", whole: true, level: slog.LevelError, msg: "request failed",
				note: "failure after the response was answered with a problem; nothing more was written"}},
		{name: "after a hijack", p: prod, ctx: live, err: orderNotFound.New(), at: progress{status: 101, hijacked: true},
			want: want{code: "ORDER_NOT_FOUND", whole: true, level: slog.LevelInfo, msg: "request failed",
				note: "failure after the connection was hijacked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.p.decide(req(tt.ctx), tt.err, "req-1", tt.at, tt.warn)
			got := want{status: f.Status, code: f.Code.Code, written: f.Problem != nil, whole: f.whole,
				level: f.level, msg: f.msg, note: f.note, warning: f.warning}
			if f.Problem != nil {
				got.title, got.detail = f.Problem.Title, f.Problem.Detail
				if _, ok := f.Problem.Extensions[tt.want.member]; ok {
					got.member = tt.want.member
				}
				if f.Problem.Status != f.Status || f.Problem.RequestID != "req-1" || !f.Problem.Timestamp.Equal(now) ||
					f.Problem.Instance != "/orders/A-17" || f.Problem.Code != f.Code.Code {
					t.Errorf("document %+v disagrees with the failure", f.Problem)
				}
			}
			if got != tt.want {
				t.Errorf("decide:\n got %+v\nwant %+v", got, tt.want)
			}
			if f.Err != tt.err {
				t.Errorf("Err = %v, want the error given", f.Err)
			}
		})
	}
}
