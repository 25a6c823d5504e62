package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// transferRequest is the body of POST /transfers. Its Idempotency-Key is
// the idempotency middleware's: see newServer.
type transferRequest struct {
	From     int    `json:"from" validate:"required"`
	To       int    `json:"to" validate:"required,nefield=From"`
	Amount   int64  `json:"amount" validate:"gt=0"`
	Currency string `json:"currency" validate:"required,iso4217"`
}

type account struct {
	balance  int64
	currency string
}

// bank holds the demo's two accounts, in the process: with -redis, the
// idempotency keys and rate limits are shared between instances, the
// accounts are not.
type bank struct {
	mu       sync.Mutex
	accounts map[int]*account
	next     int
	// delay is how long a transfer takes (-transfer-delay), so that a
	// concurrent duplicate can be seen answered 409.
	delay time.Duration
}

func newBank(delay time.Duration) *bank {
	return &bank{
		accounts: map[int]*account{1: {balance: 5000, currency: "KRW"}, 2: {balance: 0, currency: "KRW"}},
		next:     1,
		delay:    delay,
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
// It runs once per Idempotency-Key: the middleware in front of it answers
// retries, duplicates and reused keys.
func (a *app) createTransfer(w http.ResponseWriter, r *http.Request) error {
	var req transferRequest
	if err := a.decoder.Decode(r, &req); err != nil {
		return err
	}
	b := a.bank
	if b.delay > 0 { // the ledger call a real bank would make
		select {
		case <-time.After(b.delay):
		case <-r.Context().Done():
			return fmt.Errorf("transfer: %w", r.Context().Err())
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
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
	t := transfer{ID: b.next, From: req.From, To: req.To, Amount: req.Amount, Currency: req.Currency}
	b.next++
	writeJSON(w, http.StatusCreated, t)
	return nil
}

// accountParams binds GET /accounts/{id}.
type accountParams struct {
	ID int `path:"id" validate:"min=1"`
}

// getAccount shows an account's balance.
func (a *app) getAccount(w http.ResponseWriter, r *http.Request) error {
	var p accountParams
	if err := a.decoder.Params(r, &p); err != nil {
		return err
	}
	a.bank.mu.Lock()
	acc, ok := a.bank.accounts[p.ID]
	var balance int64
	var currency string
	if ok {
		balance, currency = acc.balance, acc.currency
	}
	a.bank.mu.Unlock()
	if !ok {
		return errAccountNotFound.New().With("accountId", p.ID)
	}
	writeJSON(w, http.StatusOK, accountBody{ID: p.ID, Balance: balance, Currency: currency})
	return nil
}
