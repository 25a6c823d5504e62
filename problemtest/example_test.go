package problemtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/problemkit/problemkit/problemhttp"
	"github.com/problemkit/problemkit/problemtest"
)

func ExampleCheckBody() {
	pl := problemhttp.New(problemhttp.Options{})
	h := pl.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("db password=hunter2")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	p, err := problemtest.CheckBody(rec.Code, rec.Header(), rec.Body.Bytes())
	fmt.Println(p.Status, p.Code, err)
	fmt.Println(problemtest.Leaks(rec.Body.Bytes(), "hunter2"))
	// Output:
	// 500 INTERNAL_ERROR <nil>
	// []
}

func ExampleLeaks() {
	body := []byte(`{"title":"Internal Server Error","detail":"open /etc/app/db.yaml: db password=hunter2"}`)
	for _, leak := range problemtest.Leaks(body, "hunter2") {
		fmt.Println(leak)
	}
	// Output:
	// file path: "rror\",\"detail\":\"open /etc/app/db.yaml: db pass"
	// secret "hunter2"
}
