package validation

import (
	"maps"
	"slices"

	"github.com/problemkit/problemkit/problem"
)

// MessagePrefix starts the ID of every message of this package: a rule's
// message is "validation.<rule>", with a suffix where the wording depends on
// the kind of value ("validation.min.string").
const MessagePrefix = "validation."

// text is the English of one message: other is the default (plural
// "other" form), one the singular form of a message with a count.
type text struct{ other, one problem.Template }

// english holds every English default, keyed by message ID without
// MessagePrefix. Keys are "<rule>", "<rule>.<kind>" where kind is "string"
// (length in characters), "number" (the value), "slice" (number of items of
// a slice, array or map) or "time", "<rule>.multi" for cross-field rules
// naming several fields, and a few messages of the decoder itself.
//
// Template data: field (the field label), rule, param, and, where the
// message says so, otherField (a label), otherFields, value and values.
var english = map[string]text{
	// Fallbacks and the decoder's own messages.
	"generic":    {other: "{{.field}} is invalid ({{.rule}})"},
	"unknown":    {other: "{{.field}} is not a known field"},
	"format":     {other: "{{.field}} has an invalid format"},
	"body":       {other: "the request body"},
	"body.value": {other: "A value in the request body is not valid for its field."},

	// Wrong JSON types; the kind is the expected JSON type.
	"type.string":   {other: "{{.field}} must be a string"},
	"type.number":   {other: "{{.field}} must be a number"},
	"type.integer":  {other: "{{.field}} must be an integer"},
	"type.boolean":  {other: "{{.field}} must be true or false"},
	"type.object":   {other: "{{.field}} must be an object"},
	"type.array":    {other: "{{.field}} must be an array"},
	"type.range":    {other: "{{.field}} is out of range"},
	"type.duration": {other: "{{.field}} must be a duration, such as 1m30s"},

	// Presence.
	"required":                   {other: "{{.field}} is required"},
	"required_if":                {other: "{{.field}} is required when {{.otherField}} is {{.value}}"},
	"required_if.multi":          {other: "{{.field}} is required for the given values of {{.otherFields}}"},
	"required_unless":            {other: "{{.field}} is required unless {{.otherField}} is {{.value}}"},
	"required_unless.multi":      {other: "{{.field}} is required unless {{.otherFields}} have the given values"},
	"required_with":              {other: "{{.field}} is required when {{.otherField}} is present"},
	"required_with.multi":        {other: "{{.field}} is required when any of {{.otherFields}} is present"},
	"required_with_all":          {other: "{{.field}} is required when {{.otherField}} is present"},
	"required_with_all.multi":    {other: "{{.field}} is required when all of {{.otherFields}} are present"},
	"required_without":           {other: "{{.field}} is required when {{.otherField}} is missing"},
	"required_without.multi":     {other: "{{.field}} is required when any of {{.otherFields}} is missing"},
	"required_without_all":       {other: "{{.field}} is required when {{.otherField}} is missing"},
	"required_without_all.multi": {other: "{{.field}} is required when all of {{.otherFields}} are missing"},
	"isdefault":                  {other: "{{.field}} must not be set"},

	// Sizes and comparisons.
	"min.string": {other: "{{.field}} must be at least {{.param}} characters long", one: "{{.field}} must be at least {{.param}} character long"},
	"min.number": {other: "{{.field}} must be {{.param}} or greater"},
	"min.slice":  {other: "{{.field}} must contain at least {{.param}} items", one: "{{.field}} must contain at least {{.param}} item"},
	"max.string": {other: "{{.field}} must be at most {{.param}} characters long", one: "{{.field}} must be at most {{.param}} character long"},
	"max.number": {other: "{{.field}} must be {{.param}} or less"},
	"max.slice":  {other: "{{.field}} must contain at most {{.param}} items", one: "{{.field}} must contain at most {{.param}} item"},
	"len.string": {other: "{{.field}} must be exactly {{.param}} characters long", one: "{{.field}} must be exactly {{.param}} character long"},
	"len.number": {other: "{{.field}} must be equal to {{.param}}"},
	"len.slice":  {other: "{{.field}} must contain exactly {{.param}} items", one: "{{.field}} must contain exactly {{.param}} item"},
	"eq":         {other: "{{.field}} must be equal to {{.param}}"},
	"eq.slice":   {other: "{{.field}} must contain exactly {{.param}} items", one: "{{.field}} must contain exactly {{.param}} item"},
	"ne":         {other: "{{.field}} must not be equal to {{.param}}"},
	"ne.slice":   {other: "{{.field}} must not contain exactly {{.param}} items", one: "{{.field}} must not contain exactly {{.param}} item"},
	"gt.string":  {other: "{{.field}} must be longer than {{.param}} characters", one: "{{.field}} must be longer than {{.param}} character"},
	"gt.number":  {other: "{{.field}} must be greater than {{.param}}"},
	"gt.slice":   {other: "{{.field}} must contain more than {{.param}} items", one: "{{.field}} must contain more than {{.param}} item"},
	"gt.time":    {other: "{{.field}} must be in the future"},
	"gte.string": {other: "{{.field}} must be at least {{.param}} characters long", one: "{{.field}} must be at least {{.param}} character long"},
	"gte.number": {other: "{{.field}} must be {{.param}} or greater"},
	"gte.slice":  {other: "{{.field}} must contain at least {{.param}} items", one: "{{.field}} must contain at least {{.param}} item"},
	"gte.time":   {other: "{{.field}} must not be in the past"},
	"lt.string":  {other: "{{.field}} must be shorter than {{.param}} characters", one: "{{.field}} must be shorter than {{.param}} character"},
	"lt.number":  {other: "{{.field}} must be less than {{.param}}"},
	"lt.slice":   {other: "{{.field}} must contain fewer than {{.param}} items", one: "{{.field}} must contain fewer than {{.param}} item"},
	"lt.time":    {other: "{{.field}} must be in the past"},
	"lte.string": {other: "{{.field}} must be at most {{.param}} characters long", one: "{{.field}} must be at most {{.param}} character long"},
	"lte.number": {other: "{{.field}} must be {{.param}} or less"},
	"lte.slice":  {other: "{{.field}} must contain at most {{.param}} items", one: "{{.field}} must contain at most {{.param}} item"},
	"lte.time":   {other: "{{.field}} must not be in the future"},

	// Comparisons with other fields.
	"eqfield":       {other: "{{.field}} must be equal to {{.otherField}}"},
	"nefield":       {other: "{{.field}} must not be equal to {{.otherField}}"},
	"gtfield":       {other: "{{.field}} must be greater than {{.otherField}}"},
	"gtfield.time":  {other: "{{.field}} must be after {{.otherField}}"},
	"gtefield":      {other: "{{.field}} must be greater than or equal to {{.otherField}}"},
	"gtefield.time": {other: "{{.field}} must not be before {{.otherField}}"},
	"ltfield":       {other: "{{.field}} must be less than {{.otherField}}"},
	"ltfield.time":  {other: "{{.field}} must be before {{.otherField}}"},
	"ltefield":      {other: "{{.field}} must be less than or equal to {{.otherField}}"},
	"ltefield.time": {other: "{{.field}} must not be after {{.otherField}}"},
	"fieldcontains": {other: "{{.field}} must contain the value of {{.otherField}}"},
	"fieldexcludes": {other: "{{.field}} must not contain the value of {{.otherField}}"},

	// Sets and substrings.
	"oneof":         {other: "{{.field}} must be one of {{.values}}"},
	"unique":        {other: "{{.field}} must not contain duplicate values"},
	"contains":      {other: "{{.field}} must contain {{.param}}"},
	"containsany":   {other: "{{.field}} must contain at least one of the characters {{.param}}"},
	"excludes":      {other: "{{.field}} must not contain {{.param}}"},
	"excludesall":   {other: "{{.field}} must not contain any of the characters {{.param}}"},
	"startswith":    {other: "{{.field}} must start with {{.param}}"},
	"endswith":      {other: "{{.field}} must end with {{.param}}"},
	"startsnotwith": {other: "{{.field}} must not start with {{.param}}"},
	"endsnotwith":   {other: "{{.field}} must not end with {{.param}}"},

	// Formats.
	"email":              {other: "{{.field}} must be a valid email address"},
	"url":                {other: "{{.field}} must be a valid URL"},
	"http_url":           {other: "{{.field}} must be a valid HTTP or HTTPS URL"},
	"uri":                {other: "{{.field}} must be a valid URI"},
	"uuid":               {other: "{{.field}} must be a valid UUID"},
	"ulid":               {other: "{{.field}} must be a valid ULID"},
	"alpha":              {other: "{{.field}} must contain only letters"},
	"alphanum":           {other: "{{.field}} must contain only letters and digits"},
	"numeric":            {other: "{{.field}} must be a numeric value"},
	"number":             {other: "{{.field}} must contain only digits"},
	"boolean":            {other: "{{.field}} must be a boolean value"},
	"lowercase":          {other: "{{.field}} must be in lower case"},
	"uppercase":          {other: "{{.field}} must be in upper case"},
	"ascii":              {other: "{{.field}} must contain only ASCII characters"},
	"printascii":         {other: "{{.field}} must contain only printable ASCII characters"},
	"datetime":           {other: "{{.field}} must be a date and time in the format {{.param}}"},
	"timezone":           {other: "{{.field}} must be a valid time zone name"},
	"e164":               {other: "{{.field}} must be a phone number in E.164 format, such as +14155550123"},
	"iso3166_1_alpha2":   {other: "{{.field}} must be a two-letter ISO 3166-1 country code"},
	"iso3166_1_alpha3":   {other: "{{.field}} must be a three-letter ISO 3166-1 country code"},
	"iso4217":            {other: "{{.field}} must be a three-letter ISO 4217 currency code"},
	"bcp47_language_tag": {other: "{{.field}} must be a language tag, such as en-US"},
	"ip":                 {other: "{{.field}} must be a valid IP address"},
	"ipv4":               {other: "{{.field}} must be a valid IPv4 address"},
	"ipv6":               {other: "{{.field}} must be a valid IPv6 address"},
	"cidr":               {other: "{{.field}} must be a valid CIDR network"},
	"mac":                {other: "{{.field}} must be a valid MAC address"},
	"hostname":           {other: "{{.field}} must be a valid hostname"},
	"fqdn":               {other: "{{.field}} must be a fully qualified domain name"},
	"json":               {other: "{{.field}} must be valid JSON"},
	"jwt":                {other: "{{.field}} must be a valid JSON Web Token"},
	"base64":             {other: "{{.field}} must be valid Base64"},
	"hexadecimal":        {other: "{{.field}} must be a hexadecimal number"},
	"hexcolor":           {other: "{{.field}} must be a hexadecimal color"},
	"latitude":           {other: "{{.field}} must be a valid latitude"},
	"longitude":          {other: "{{.field}} must be a valid longitude"},
	"semver":             {other: "{{.field}} must be a semantic version, such as 1.2.3"},
}

// shared maps rules to the rule whose messages they use.
var shared = map[string]string{
	"uuid3": "uuid", "uuid4": "uuid", "uuid5": "uuid", "uuid_rfc4122": "uuid",
	"uuid3_rfc4122": "uuid", "uuid4_rfc4122": "uuid", "uuid5_rfc4122": "uuid",
	"eqcsfield": "eqfield", "necsfield": "nefield", "gtcsfield": "gtfield",
	"gtecsfield": "gtefield", "ltcsfield": "ltfield", "ltecsfield": "ltefield",
	"alphaunicode": "alpha", "alphanumunicode": "alphanum",
	"hostname_rfc1123": "hostname", "hostname_port": "hostname",
	"ip_addr": "ip", "ip4_addr": "ipv4", "ip6_addr": "ipv6",
	"cidrv4": "cidr", "cidrv6": "cidr",
	"containsrune": "contains", "excludesrune": "excludes",
	"base64url": "base64", "base64rawurl": "base64",
}

// Messages returns every built-in message of the package, sorted by ID: its
// ID, English Default and, for messages with a count, English One. Locale
// files are written from it; Data and Count are left empty.
func Messages() []problem.Message { return listMessages(english) }

func listMessages(m map[string]text) []problem.Message {
	out := make([]problem.Message, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, problem.Message{ID: MessagePrefix + k, Default: m[k].other, One: m[k].one})
	}
	return out
}
