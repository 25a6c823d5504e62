package main

import (
	"net/http"
	"sync"
	"time"

	"github.com/problemkit/problemkit/middleware"
	"github.com/problemkit/problemkit/problem"
)

// transferRequest is the body of POST /transfers.
type transferRequest struct {
	From     int    `json:"from" validate:"required"`
	To       int    `json:"to" validate:"required,nefield=From"`
	Amount   int64  `json:"amount" validate:"gt=0"`
	Currency string `json:"currency" validate:"required,iso4217"`
}

// transferHeaders: every transfer must carry an Idempotency-Key, so a
// retried request is never carried out twice.
type transferHeaders struct {
	IdempotencyKey string `header:"Idempotency-Key" validate:"required,max=255"`
}

type account struct {
	balance  int64
	currency string
}

// done remembers a completed request under its Idempotency-Key.
type done struct {
	requestID   string
	completedAt time.Time
}

type bank struct {
	mu       sync.Mutex
	accounts map[int]*account
	keys     map[string]done
	next     int
}

func newBank() *bank {
	return &bank{
		accounts: map[int]*account{1: {balance: 5000, currency: "KRW"}, 2: {balance: 0, currency: "KRW"}},
		keys:     map[string]done{},
		next:     1,
	}
}

type transfer struct {
	ID       int    `json:"id"`
	From     int    `json:"from"`
	To       int    `json:"to"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// createTransfer shows the domain errors with members: each one is a line.
func (a *app) createTransfer(w http.ResponseWriter, r *http.Request) error {
	var h transferHeaders
	if err := a.decoder.Params(r, &h); err != nil {
		return err
	}
	var req transferRequest
	if err := a.decoder.Decode(r, &req); err != nil {
		return err
	}
	b := a.bank
	b.mu.Lock()
	defer b.mu.Unlock()
	if prev, ok := b.keys[h.IdempotencyKey]; ok {
		return problem.DuplicateRequest.New().
			With("originalRequestId", prev.requestID).
			With("completedAt", prev.completedAt.UTC().Format(time.RFC3339))
	}
	from, ok := b.accounts[req.From]
	if !ok {
		return errAccountNotFound.New().With("accountId", req.From)
	}
	to, ok := b.accounts[req.To]
	if !ok {
		return errAccountNotFound.New().With("accountId", req.To)
	}
	if req.Currency != from.currency {
		return errCurrencyMismatch.New().With("currency", req.Currency).With("accountCurrency", from.currency)
	}
	if req.Amount > from.balance {
		return errInsufficientFunds.New().
			With("availableBalance", from.balance).
			With("requiredAmount", req.Amount).
			With("currency", from.currency)
	}
	from.balance -= req.Amount
	to.balance += req.Amount
	id, _ := middleware.RequestIDFromContext(r.Context())
	b.keys[h.IdempotencyKey] = done{requestID: id, completedAt: time.Now()}
	t := transfer{ID: b.next, From: req.From, To: req.To, Amount: req.Amount, Currency: req.Currency}
	b.next++
	writeJSON(w, http.StatusCreated, t)
	return nil
}
