package problemdocs_test

import (
	"strings"
	"testing"

	"github.com/problemkit/problemkit/problem"
	"github.com/problemkit/problemkit/problemdocs"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		code *problem.Code
		want []string // substrings of the error; none means clean
	}{
		{"complete", insufficientFunds, nil},
		{"bare", &problem.Code{Code: "BARE", Status: 400, Title: "Bare"}, []string{"BARE: no Description", "BARE: no When", "BARE: no Action"}},
		{"undocumented member", &problem.Code{Code: "HALF", Status: 400, Title: "Half", Description: "d", When: "w", Action: "a",
			Members: []problem.Member{{Name: "x"}}}, []string{`HALF: member "x" needs a Type and a Description`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := problemdocs.Lint(problem.NewCatalog("").MustRegister(tt.code))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if (len(tt.want) == 0) != (got == "") {
				t.Fatalf("Lint = %q, want findings %v", got, tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Lint = %q, lacks %q", got, w)
				}
			}
		})
	}
}

func TestBuiltinCodesAreDocumented(t *testing.T) {
	if err := problemdocs.Lint(problem.NewCatalog("")); err != nil {
		t.Error(err)
	}
}
