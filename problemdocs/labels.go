package problemdocs

import "github.com/problemkit/problemkit/problem"

// The labels of the generated documents, localizable like every other
// message: IDs "docs.<name>".
var (
	lblHeading   = label("heading", "Error catalog")
	lblIntro     = label("intro", "Every error this API answers with is an RFC 9457 problem (`application/problem+json`). Its `code` member is stable: match on it, not on the title or detail, which are localized. Every problem carries `requestId`; quote it when you contact support.")
	lblContents  = label("contents", "Contents")
	lblCode      = label("code", "Code")
	lblStatus    = label("status", "HTTP status")
	lblType      = label("type", "Type URI")
	lblTitle     = label("title", "Title")
	lblRetryable = label("retryable", "Retryable")
	lblYes       = label("yes", "yes")
	lblNo        = label("no", "no")
	lblMeaning   = label("description", "What it means")
	lblWhen      = label("when", "When it happens")
	lblAction    = label("action", "What the client should do")
	lblMembers   = label("members", "Extension members")
	lblMember    = label("member", "Member")
	lblJSONType  = label("jsonType", "JSON type")
	lblAbout     = label("about", "Description")
	lblHeaders   = label("headers", "Response headers")
	lblExample   = label("example", "Example")
	lblNone      = label("none", "None beyond the standard members.")
	lblGenerated = label("generated", "Generated from the catalog declared in code; do not edit.")
	lblBack      = label("back", "All errors")
	lblUnknown   = label("unknownCode", "No error code is documented at this address.")
	// lblLanguage is the name of the language, in that language: the
	// language switch of the pages shows it.
	lblLanguage  = label("language", "English")
	lblLanguages = label("languages", "Languages")

	lblErrorsMember = label("errorsMember", "One entry per invalid field or parameter: pointer, field, in, rule, param, detail.")
)

func label(name string, english problem.Template) problem.Message {
	return problem.Message{ID: "docs." + name, Default: english}
}

// Messages returns every label the generated documents use, with its
// English default, so that translations can be checked for completeness.
func Messages() []problem.Message {
	return []problem.Message{
		lblHeading, lblIntro, lblContents, lblCode, lblStatus, lblType, lblTitle,
		lblRetryable, lblYes, lblNo, lblMeaning, lblWhen, lblAction, lblMembers,
		lblMember, lblJSONType, lblAbout, lblHeaders, lblExample, lblNone,
		lblGenerated, lblBack, lblUnknown, lblErrorsMember, lblLanguage, lblLanguages,
	}
}
