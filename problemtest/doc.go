// Package problemtest checks HTTP responses against problemkit's wire
// contract, the way testing/slogtest checks slog handlers: use it in your
// own tests to prove every failure of your API is a well-formed RFC 9457
// problem ([problem.Problem]) that leaks nothing.
//
// [Check] reads a response (and [CheckBody] one already read, such as an
// httptest.ResponseRecorder's) and reports, joined in one error, every
// rule of the contract it breaks, returning the decoded problem;
// [Options] adjusts the checks to an application's settings, such as its
// request ID header ([RequestIDHeader] by default). [Leaks] reports what
// in a body betrays the server's internals or any of the secrets given:
//
//	resp, _ := http.Get(srv.URL + "/users/999")
//	p, err := problemtest.Check(resp)           // well-formed problem?
//	leaks := problemtest.Leaks(body, "hunter2") // internals in the body?
//
// The responses it checks are those of the pipeline,
// [github.com/problemkit/problemkit/problemhttp], whose package doc says
// what each failure becomes.
package problemtest
