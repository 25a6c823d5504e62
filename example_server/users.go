package main

import (
	"net/http"
	"sync"
)

// user is the demo's resource. It never carries a password out.
type user struct {
	ID       int      `json:"id"`
	Username string   `json:"username"`
	Email    string   `json:"email"`
	Age      int      `json:"age,omitempty"`
	Address  address  `json:"address"`
	Tags     []string `json:"tags,omitempty"`
}

type address struct {
	City string `json:"city" validate:"required,max=100"`
	Zip  string `json:"zip" validate:"required,len=5,numeric"`
}

// createUserRequest is the sign-up body. The rules are the whole
// validation: Decode reports every broken one at once, with the JSON names.
type createUserRequest struct {
	Username string   `json:"username" validate:"required,min=3,max=32,alphanum"`
	Email    string   `json:"email" validate:"required,email,max=254"`
	Password string   `json:"password" validate:"required,min=8,max=128" problem:"secret"` // never echoed, never logged
	Age      int      `json:"age" validate:"required,min=1,max=150"`
	Address  address  `json:"address"`
	Tags     []string `json:"tags,omitempty" validate:"max=5,dive,min=1,max=20"` // optional
}

// maxUsers bounds the demo's store: every field has a size, and so has
// their number, so no client can make the demo hold what it likes. The
// oldest sign-up goes first.
const maxUsers = 1000

type userStore struct {
	mu     sync.Mutex
	byID   map[int]user
	byName map[string]int
	next   int
}

func newUserStore() *userStore {
	s := &userStore{byID: map[int]user{}, byName: map[string]int{}, next: 2}
	s.byID[1] = user{ID: 1, Username: "alice", Email: "alice@example.com", Age: 30, Address: address{City: "Seoul", Zip: "04524"}}
	s.byName["alice"] = 1
	s.byName["taken"] = 0 // reserved, so the demo shows USERNAME_TAKEN
	return s
}

// createUser decodes and validates in one call; a taken username is a
// typed error with the name as a member.
func (a *app) createUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := a.decoder.Decode(r, &req); err != nil {
		return err
	}
	s := a.users
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byName[req.Username]; taken {
		return errUsernameTaken.New().With("username", req.Username)
	}
	u := user{ID: s.next, Username: req.Username, Email: req.Email, Age: req.Age, Address: req.Address, Tags: req.Tags}
	s.next++
	s.byID[u.ID], s.byName[u.Username] = u, u.ID
	if old, ok := s.byID[u.ID-maxUsers]; ok && old.ID > 1 { // alice stays
		delete(s.byID, old.ID)
		delete(s.byName, old.Username)
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// userParams binds the path parameter; a non-number is a 400 naming it.
type userParams struct {
	ID int `path:"id" validate:"min=1"`
}

func (a *app) getUser(w http.ResponseWriter, r *http.Request) error {
	var p userParams
	if err := a.decoder.Params(r, &p); err != nil {
		return err
	}
	a.users.mu.Lock()
	u, ok := a.users.byID[p.ID]
	a.users.mu.Unlock()
	if !ok {
		return errUserNotFound.New().With("userId", p.ID)
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
