module github.com/problemkit/problemkit/upstream

go 1.25.0

replace github.com/problemkit/problemkit => ../

require github.com/problemkit/problemkit v0.0.0-00010101000000-000000000000

require (
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/sony/gobreaker/v2 v2.4.0
	golang.org/x/oauth2 v0.36.0
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
)
