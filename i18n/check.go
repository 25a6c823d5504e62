package i18n

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/problemkit/problemkit/internal/tmpl"
	"github.com/problemkit/problemkit/problem"
)

// Check reports the mistakes of message files against the catalog they
// translate, one error per mistake, joined (nil when there are none):
//
//   - a message ID that nothing produces, such as "ORDER_NOT_FOUND.titel":
//     neither a message of a code of cat (CODE.title, .detail, .description,
//     .when, .action, .member.NAME), nor one of its features' Messages (such
//     as the validation package's), nor one of produced (the docs'
//     messages, the application's own), nor a field or parameter label
//     ("field.…", "param.…");
//   - a title or detail that uses data its code does not declare, such as
//     {{.orderID}} for the member orderId (only the members and, in a
//     detail, count);
//   - a code without a title, or with a detail and no detail, in a language
//     the bundle answers in;
//   - a documented member without an example, which the generated docs
//     would show as null.
//
// Call it in a test of the application, or at start-up:
//
//	if err := bundle.Check(catalog, problemdocs.Messages()); err != nil {
//		log.Fatal(err)
//	}
func (b *Bundle) Check(cat *problem.Catalog, produced []problem.Message) error {
	var errs []error
	known := map[string]*problem.Code{} // message ID → its code, nil for produced
	for _, m := range produced {
		known[m.ID] = nil
	}
	for _, f := range cat.Features() {
		for _, m := range f.Messages {
			known[m.ID] = nil
		}
	}
	codes := cat.Codes()
	for _, c := range codes {
		desc, when, action := c.DocMessages()
		for _, m := range []problem.Message{c.TitleMessage(), c.DetailMessage(nil), desc, when, action} {
			known[m.ID] = c
		}
		for _, m := range c.Members {
			known[c.MemberMessage(m).ID] = nil
			if m.Example == nil {
				errs = append(errs, fmt.Errorf("code %s: member %s has no example", c.Code, m.Name))
			}
		}
	}
	byLang := map[string]map[string]bool{} // language → the IDs its files have
	for _, f := range b.files {
		lang := f.Tag.String()
		if byLang[lang] == nil {
			byLang[lang] = map[string]bool{}
		}
		where := f.Path
		for _, m := range f.Messages {
			byLang[lang][m.ID] = true
			code, ok := known[m.ID]
			switch {
			case !ok && !strings.HasPrefix(m.ID, "field.") && !strings.HasPrefix(m.ID, "param."):
				errs = append(errs, fmt.Errorf("%s: %s: no code or message has this ID", where, m.ID))
			case code != nil:
				errs = append(errs, checkData(where, m, code)...)
			}
		}
	}
	for _, tag := range b.tags {
		have := byLang[tag.String()]
		for _, c := range codes {
			if !have[c.TitleMessage().ID] {
				errs = append(errs, fmt.Errorf("%s: code %s has no title", tag, c.Code))
			}
			if c.Detail != "" && !have[c.DetailMessage(nil).ID] {
				errs = append(errs, fmt.Errorf("%s: code %s has no detail", tag, c.Code))
			}
		}
	}
	for _, c := range codes {
		for _, src := range []problem.Template{c.Title, c.Detail, c.DetailOne} {
			errs = append(errs, checkNames("the declaration of "+c.Code, c, string(src))...)
		}
	}
	return errors.Join(errs...)
}

// checkData reports the data names a code's message uses that the code
// does not declare.
func checkData(where string, m *goi18n.Message, code *problem.Code) []error {
	var errs []error
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		errs = append(errs, checkNames(where+": "+m.ID, code, src)...)
	}
	return errs
}

// checkNames reports the names src prints that code declares no member of.
func checkNames(where string, code *problem.Code, src string) []error {
	if src == "" {
		return nil
	}
	t, err := tmpl.Compile(src, funcs)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", where, err)}
	}
	var errs []error
	for _, name := range t.Names() {
		declared := name == "count" || slices.ContainsFunc(code.Members, func(m problem.Member) bool { return m.Name == name })
		if !declared {
			errs = append(errs, fmt.Errorf("%s uses {{.%s}}, which code %s does not declare", where, name, code.Code))
		}
	}
	return errs
}
