package locales

import "embed"

// FS holds the message files, "en.json" and "ko.json", at its root.
//
//go:embed *.json
var FS embed.FS
