package main

import (
	"net/http"

	"github.com/problemkit/problemkit/problem"
)

// The demo's own codes, declared once. The catalog (newCatalog) registers
// them; responses, messages and docs all come from these values.
var (
	errUserNotFound = &problem.Code{
		Code: "USER_NOT_FOUND", Status: http.StatusNotFound,
		Title:       "User not found",
		Detail:      "No user has the ID {{.userId}}.",
		Description: "The user the request names does not exist.",
		When:        "GET /users/{id} with an ID no user has, or a user that was deleted.",
		Action:      "Check the user ID; list or search users to find the right one.",
		Members: []problem.Member{
			{Name: "userId", Type: "integer", Description: "The ID that was looked up.", Example: 42},
		},
	}
)

// newCatalog returns the demo's catalog: the built-in codes and the demo's,
// with type URIs under base.
func newCatalog(base string) (*problem.Catalog, error) {
	c := problem.NewCatalog(base)
	if err := c.Register(errUserNotFound); err != nil {
		return nil, err
	}
	return c, nil
}
