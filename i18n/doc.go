// Package i18n localizes problems: it holds one message [Bundle] per
// application, chooses each request's language from its Accept-Language
// header, and translates titles, details and field messages into it as a
// [problem.Translator].
//
// # Setup
//
// Build the application's catalog first, with the features it uses
// ([problem.Feature]); then build one Bundle from it at start-up with
// [New], and give both to the pipeline
// ([github.com/problemkit/problemkit/problemhttp]), whose Localizer a
// *Bundle is:
//
//	//go:embed locales/*.json
//	var messages embed.FS
//
//	catalog := problem.NewCatalog("https://api.example.com/problems/").
//		MustInclude(validation.Feature, idempotency.Feature).
//		MustRegister(UserNotFound)
//	bundle, err := i18n.New(i18n.Options{Catalog: catalog, Files: []fs.FS{messages}})
//	if err != nil {
//		log.Fatal(err)
//	}
//	pl := problemhttp.New(problemhttp.Options{Catalog: catalog, Localizer: bundle})
//
// The bundle loads, in this order, problemkit's own message files (package
// [locales]: the codes of package [problem] and the labels of the
// generated docs, in English and Korean), the message files of every
// feature the catalog includes ([Options.Catalog],
// [problem.Catalog.Features]), and the application's ([Options.Files]):
// go-i18n JSON message files named after their language ("ko.json",
// "active.ko.json"), in the format package [locales] describes. A later
// message with the same ID and language replaces an earlier one, and a
// file in a new language adds that language. Field labels are messages
// too: "field.username" names the username field in field messages, and
// without it the JSON name is used. [Bundle.Check] reports the mistakes of
// the message files against the catalog: call it in a test.
//
// # What a Bundle holds
//
// Nothing a client chooses can grow a Bundle. Its messages are compiled
// once, by New; a message without a count is rendered from them directly,
// one with a count through go-i18n's plural rules; no translation is
// cached. The negotiation cache keeps at most 1,024 Accept-Language values
// of at most 128 bytes each.
//
// # Negotiation
//
// [Bundle.Translator] negotiates from the request's Accept-Language header
// ([Bundle.Negotiate] from a header value) with golang.org/x/text/language:
// weights, "*", and region fallback ("ko-KR" is served "ko") are honored.
// A missing, malformed or unsatisfiable header gets the default language
// ([Options.Default], English unless set); negotiation never fails. Only
// the first 1 KiB and 32 entries of a header are read, recent header
// values are cached, and the per-language translators are built once by
// New, so a request costs a map lookup in the common case.
// [Bundle.Languages] lists the languages a bundle answers in.
//
// The translator's Language is the bundle language it writes, such as "ko"
// for "ko-KR,ko;q=0.9": the value for Content-Language.
//
// # Fallback
//
// Translation never fails. A message missing from the negotiated language,
// or missing the plural form a count needs, or whose template fails, is
// taken from the language's parent ("pt" for "pt-BR") when the bundle has
// it, then from the default language, then from the [problem.Message]'s
// own text: its literal ([problem.Text], [problem.Label]) or the English
// default compiled into it. A broken template in a message file is caught
// by New, at start-up.
//
// # Templates and Korean particles
//
// Messages are written in problemkit's message language, which
// [problem.Template] describes: text, {{.name}} and {{.name | fn "arg"}},
// nothing else, so a message costs time linear in its text and its data.
// New refuses a message file with any other action, or with delimiters
// other than {{ and }}. A missing key renders as nothing and {{.count}}
// holds the plural count. The data are printed as text, never parsed: a
// field name a client sent that looks like a template is shown as it is.
//
// The one template function, "josa", picks the form of a Korean particle
// that fits the word before it, so inserted field names read naturally:
// {{.field | josa "은"}} renders "이름은", "주소는", "email은" or "password는".
// It accepts 은/는, 이/가, 을/를, 과/와, 아/야, 으로/로, 이나/나, 이랑/랑,
// 이면/면, 이라/라, 이라고/라고, 이어야/여야 and 이에요/예요 in either form.
// Hangul and numbers are read exactly; for Latin words whose Korean
// reading is not predictable ("zip": 집, "help": 헬프) it writes the
// conventional combined form, "은(는)".
//
// # Message keys
//
// Some clients translate with their own catalogs. The hybrid approach sends
// both: the localized text in each field error's detail, and the message ID
// it came from in its messageKey member ([problem.FieldError]). The
// pipeline writes message keys when
// [github.com/problemkit/problemkit/problemhttp.Options.MessageKeys] is
// set; this package only guarantees that every message ID, problemkit's,
// a feature's or the application's, is a stable key in the message files.
// The switch lives in one place, the renderer, because showing keys is a
// property of the response format, not of the language.
//
// # Import alias
//
// This package shares its name with go-i18n's. Applications should not need
// go-i18n: message files and [Options] suffice. Where both are imported,
// import go-i18n as goi18n:
//
//	import goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
package i18n
