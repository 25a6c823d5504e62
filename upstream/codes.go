package upstream

import "github.com/problemkit/problemkit/problem"

// Codes returns the codes a failed call answers with, one per Kind but
// Canceled (whose 499 CLIENT_CLOSED_REQUEST every operation may answer):
// for an operation's declaration in problemdocs, so that the OpenAPI
// document lists them where Client.Do is called.
func Codes() []*problem.Code {
	return []*problem.Code{
		Timeout.code(), Unreachable.code(), ServerError.code(),
		RateLimited.code(), AuthFailed.code(), Rejected.code(), CircuitOpen.code(),
	}
}
