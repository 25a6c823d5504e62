package upstream

import (
	"embed"
	"net/http"

	"github.com/problemkit/problemkit/problem"
)

// Feature is the package's codes and their messages, one code per Kind
// but Canceled (whose 499 CLIENT_CLOSED_REQUEST is built in): include it
// in the application's catalog, and list its Codes in the declaration of
// an operation that calls an upstream, so that the OpenAPI document lists
// them (see problemdocs.Operation).
var Feature = &problem.Feature{
	Name:  "upstream",
	Codes: []*problem.Code{codeTimeout, codeUnreachable, codeServerError, codeRateLimited, codeAuthFailed, codeRejected, codeCircuitOpen},
	Files: locales,
}

// locales holds the translations of the codes, one go-i18n file per
// language.
//
//go:embed locales/*.json
var locales embed.FS

// dependencyMember documents the member every upstream code may carry.
var dependencyMember = problem.Member{
	Name: "dependency", Type: "string", Example: "embeddings",
	Description: "The failing dependency's public label, when the API chooses to name it.",
}

// The codes of the kinds, reached through Kind.Code.
var (
	// codeTimeout is a service we called that did not answer in time.
	codeTimeout = &problem.Code{
		Code: "UPSTREAM_TIMEOUT", Status: http.StatusGatewayTimeout,
		Title:       "Upstream service timed out",
		Detail:      "A service this API depends on did not answer in time.",
		Description: "A service the API calls to answer the request did not respond within its deadline.",
		When:        "A slow or overloaded dependency.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
		Members:     []problem.Member{dependencyMember},
	}
	// codeUnreachable is a service we could not reach at all.
	codeUnreachable = &problem.Code{
		Code: "UPSTREAM_UNAVAILABLE", Status: http.StatusBadGateway,
		Title:       "Upstream service unreachable",
		Detail:      "A service this API depends on could not be reached.",
		Description: "The API could not connect to a service it depends on: the connection was refused, its name did not resolve, or TLS failed.",
		When:        "A dependency that is down or misconfigured.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
		Members:     []problem.Member{dependencyMember},
	}
	// codeServerError is a service we called that failed (5xx) or answered
	// with something we could not use.
	codeServerError = &problem.Code{
		Code: "UPSTREAM_ERROR", Status: http.StatusBadGateway,
		Title:       "Upstream service failed",
		Detail:      "A service this API depends on failed to answer the request.",
		Description: "A service the API calls answered with a server error or an invalid response.",
		When:        "An incident at a dependency.",
		Action:      "Retry later, with backoff.",
		Retryable:   true,
		Members:     []problem.Member{dependencyMember},
	}
	// codeRateLimited is a service we called that is rate limiting or
	// shedding us (its 429 or 503).
	codeRateLimited = &problem.Code{
		Code: "UPSTREAM_RATE_LIMITED", Status: http.StatusServiceUnavailable,
		Title:       "Upstream service busy",
		Detail:      "A service this API depends on is busy. Please retry later.",
		Description: "A service the API calls is rate limiting the API or is temporarily unavailable.",
		When:        "The API's quota at a dependency is used up, or the dependency sheds load.",
		Action:      "Wait for the number of seconds in Retry-After before retrying.",
		Retryable:   true,
		Headers:     []string{"Retry-After"},
		Members:     []problem.Member{dependencyMember},
	}
	// codeAuthFailed is a service we called that rejected our own
	// credentials: the server's fault, never the client's.
	codeAuthFailed = &problem.Code{
		Code: "UPSTREAM_AUTH_FAILED", Status: http.StatusBadGateway,
		Title:       "Upstream service rejected the API",
		Detail:      "A service this API depends on refused the request.",
		Description: "A service the API calls rejected the API's own credentials (its 401 or 403). This is a server misconfiguration, not a problem with the client's request.",
		When:        "Expired or revoked API keys at a dependency.",
		Action:      "Retry later; the operators are alerted. Contact support if it persists.",
		Members:     []problem.Member{dependencyMember},
	}
	// codeRejected is a service we called that rejected our request as
	// invalid (its other 4xx): a bug on our side.
	codeRejected = &problem.Code{
		Code: "UPSTREAM_REJECTED", Status: http.StatusBadGateway,
		Title:       "Upstream service rejected the request",
		Detail:      "A service this API depends on rejected the request.",
		Description: "A service the API calls rejected the API's request with a client error other than 401, 403 or 429.",
		When:        "A mismatch between the API and a dependency, such as a changed upstream schema.",
		Action:      "Retry later; contact support if it persists.",
		Members:     []problem.Member{dependencyMember},
	}
	// codeCircuitOpen is a service we stopped calling for a while
	// after repeated failures: our circuit breaker for it is open, and the
	// call was not sent.
	codeCircuitOpen = &problem.Code{
		Code: "UPSTREAM_CIRCUIT_OPEN", Status: http.StatusServiceUnavailable,
		Title:       "Upstream service paused",
		Detail:      "A service this API depends on keeps failing, so the API stopped calling it for a while. Please retry later.",
		Description: "A service the API calls failed repeatedly, and the API's circuit breaker for it is open: the API answers at once instead of sending calls that would fail, until the breaker lets a trial call through.",
		When:        "After consecutive failures of a dependency (timeouts, connection failures, server errors), for as long as the breaker stays open.",
		Action:      "Wait for the number of seconds in Retry-After before retrying.",
		Retryable:   true,
		Headers:     []string{"Retry-After"},
		Members:     []problem.Member{dependencyMember},
	}
)
