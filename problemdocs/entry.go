package problemdocs

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/problemkit/problemkit/problem"
)

// Entry is one code as the documents show it, localized. The docs handler
// serves it as JSON.
type Entry struct {
	// Code is the stable application code.
	Code string `json:"code"`
	// Status is the HTTP status.
	Status int `json:"status"`
	// Type is the resolved type URI.
	Type string `json:"type"`
	// Title is the localized title.
	Title string `json:"title"`
	// Description says what the code means, localized.
	Description string `json:"description"`
	// When says when it happens, localized.
	When string `json:"when"`
	// Action says what the client should do, localized.
	Action string `json:"action"`
	// Retryable reports whether repeating the request may succeed.
	Retryable bool `json:"retryable"`
	// Members are the extension members, their descriptions localized.
	Members []Member `json:"members,omitempty"`
	// Headers are the response headers the code's problems carry.
	Headers []string `json:"headers,omitempty"`
	// Example is an example problem body.
	Example *problem.Problem `json:"example"`
}

// Member is one extension member of a code as the documents show it, its
// description localized.
type Member struct {
	// Name is the JSON member name.
	Name string `json:"name"`
	// Type is its JSON Schema type.
	Type string `json:"type"`
	// Description says what it holds, localized.
	Description string `json:"description"`
	// Example is a sample value.
	Example any `json:"example,omitempty"`
}

// exampleTime is the timestamp of example bodies, fixed so that generated
// files only change when the catalog does.
var exampleTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// entries returns the catalog's codes, localized by tr, ordered by status
// and then code.
func entries(cat *problem.Catalog, tr problem.Translator) []Entry {
	codes := cat.Codes()
	slices.SortStableFunc(codes, func(a, b *problem.Code) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.Code, b.Code))
	})
	out := make([]Entry, 0, len(codes))
	for _, c := range codes {
		out = append(out, entry(cat, c, tr))
	}
	return out
}

func entry(cat *problem.Catalog, c *problem.Code, tr problem.Translator) Entry {
	desc, when, action := c.DocMessages()
	ext := make(map[string]any, len(c.Members))
	for _, m := range c.Members {
		ext[m.Name] = m.Example
	}
	example := &problem.Problem{
		Type:      cat.TypeURI(c),
		Title:     tr.Translate(c.TitleMessage()),
		Status:    c.Status,
		Instance:  "/example",
		Code:      c.Code,
		RequestID: "0193b0c4-6f1e-7c2a-9d4e-2b1f0a9c8e77",
		Timestamp: exampleTime,
	}
	if c.Detail != "" {
		example.Detail = tr.Translate(c.DetailMessage(ext))
	}
	if len(ext) > 0 {
		example.Extensions = ext
	}
	example.Errors = slices.Clone(c.ExampleErrors)
	// Localized once here, for every output.
	members := make([]Member, 0, len(c.Members)+1)
	for _, m := range c.Members {
		members = append(members, Member{Name: m.Name, Type: m.Type, Description: tr.Translate(c.MemberMessage(m)), Example: m.Example})
	}
	if len(example.Errors) > 0 {
		members = append(members, Member{Name: "errors", Type: "array", Description: tr.Translate(lblErrorsMember)})
	}
	if len(members) == 0 {
		members = nil
	}
	return Entry{
		Code: c.Code, Status: c.Status, Type: cat.TypeURI(c),
		Title:       example.Title,
		Description: tr.Translate(desc),
		When:        tr.Translate(when),
		Action:      tr.Translate(action),
		Retryable:   c.Retryable,
		Members:     members,
		Headers:     c.Headers,
		Example:     example,
	}
}

// anchor is the Markdown heading anchor of a code, as GitHub makes it.
func anchor(code string) string {
	b := []byte(code)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func statusText(status int) string {
	return strconv.Itoa(status) + " " + problem.StatusTitle(status)
}
