package main

import (
	"net/http"

	"github.com/problemkit/problemkit/idempotency"
	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/upstream"
	"github.com/problemkit/problemkit/validation"
)

// The demo's own codes, declared once. newCatalog registers them; the
// responses, the messages in locales/ and the generated docs/ all come from
// these values.
var (
	errUserNotFound = &problem.Code{
		Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
		Title:       "User not found",
		Detail:      "No user has the ID {{.userId}}.",
		Description: "The user the request names does not exist.",
		When:        "GET /users/{id} with an ID no user has.",
		Action:      "Check the user ID.",
		Members: []problem.Member{
			{Name: "userId", Type: "integer", Description: "The ID that was looked up.", Example: 42},
		},
	}
	errUsernameTaken = &problem.Code{
		Code: "USERNAME_TAKEN", Status: http.StatusConflict,
		Title:       "Username taken",
		Detail:      "The username {{.username}} is already in use.",
		Description: "Another account already has the requested username.",
		When:        "POST /users with a username that is registered.",
		Action:      "Choose another username.",
		Members: []problem.Member{
			{Name: "username", Type: "string", Description: "The username that was asked for.", Example: "taken"},
		},
	}
	errAccountNotFound = &problem.Code{
		Code: "ACCOUNT_NOT_FOUND", Status: http.StatusNotFound,
		Title:       "Account not found",
		Detail:      "No account has the ID {{.accountId}}.",
		Description: "An account the transfer names does not exist.",
		When:        "POST /transfers with an unknown from or to account.",
		Action:      "Check the account IDs.",
		Members: []problem.Member{
			{Name: "accountId", Type: "integer", Description: "The account ID that was not found.", Example: 9},
		},
	}
	errInsufficientFunds = &problem.Code{
		Code: "INSUFFICIENT_FUNDS", Status: http.StatusUnprocessableEntity,
		Title:       "Insufficient funds",
		Detail:      "The balance of {{.availableBalance}} {{.currency}} does not cover {{.requiredAmount}} {{.currency}}.",
		Description: "The source account's balance is lower than the amount to transfer.",
		When:        "POST /transfers with an amount above the source account's balance.",
		Action:      "Transfer at most availableBalance, or add funds to the account first.",
		Members: []problem.Member{
			{Name: "availableBalance", Type: "integer", Description: "The source account's balance.", Example: 5000},
			{Name: "requiredAmount", Type: "integer", Description: "The amount the transfer needs.", Example: 7000},
			{Name: "currency", Type: "string", Description: "The ISO 4217 currency of both amounts.", Example: "KRW"},
		},
	}
	errCurrencyMismatch = &problem.Code{
		Code: "CURRENCY_MISMATCH", Status: http.StatusUnprocessableEntity,
		Title:       "Currency mismatch",
		Detail:      "The account holds {{.accountCurrency}}, not {{.currency}}.",
		Description: "The transfer's currency is not the currency of the accounts.",
		When:        "POST /transfers in a currency the accounts do not hold.",
		Action:      "Send the transfer in accountCurrency.",
		Members: []problem.Member{
			{Name: "currency", Type: "string", Description: "The currency of the request.", Example: "USD"},
			{Name: "accountCurrency", Type: "string", Description: "The currency of the accounts.", Example: "KRW"},
		},
	}
)

// appCodes lists the demo's codes, for the catalog and the messages test.
func appCodes() []*problem.Code {
	return []*problem.Code{errUserNotFound, errUsernameTaken, errAccountNotFound, errInsufficientFunds, errCurrencyMismatch}
}

// newCatalog returns the demo's catalog: the built-in codes, those of the
// features it uses, and the demo's own, with type URIs under base.
func newCatalog(base string) (*problem.Catalog, error) {
	c := problem.NewCatalog(base)
	if err := c.Include(validation.Feature, idempotency.Feature, upstream.Feature); err != nil {
		return nil, err
	}
	if err := c.Register(appCodes()...); err != nil {
		return nil, err
	}
	return c, nil
}
