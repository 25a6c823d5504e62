package i18n_test

import (
	"testing"

	"github.com/problemkit/problemkit/i18n"
)

func TestJosa(t *testing.T) {
	tests := []struct {
		name     string
		particle string
		word     any
		want     string
	}{
		{"hangul with batchim", "은", "이름", "이름은"},
		{"hangul without batchim", "은", "주소", "주소는"},
		{"either form given", "는", "이름", "이름은"},
		{"subject", "이", "비밀번호", "비밀번호가"},
		{"object", "를", "전화번호", "전화번호를"},
		{"and", "과", "시작일", "시작일과"},
		{"ro after vowel", "으로", "서울", "서울로"},
		{"ro after rieul", "으로", "이메일", "이메일로"},
		{"ro after other batchim", "로", "부산항", "부산항으로"},
		{"if copula consonant", "이면", "admin", "admin이면"},
		{"if copula vowel", "면", "true", "true면"},
		{"number one", "과", 1, "1과"},
		{"number five", "과", "5", "5와"},
		{"number ten", "과", "10", "10과"},
		{"number hundred ro", "으로", "100", "100으로"},
		{"number ten thousand", "은", 10000, "10000은"},
		{"zero", "은", "0", "0은"},
		{"decimal", "은", "1.5", "1.5는"},
		{"trillion", "은", "1000000000000", "1000000000000는"},
		{"abbreviation vowel", "은", "UUID", "UUID는"},
		{"abbreviation rieul", "으로", "URL", "URL로"},
		{"abbreviation nasal", "은", "PIN", "PIN은"},
		{"camel case abbreviation", "이", "userID", "userID가"},
		{"english l", "은", "email", "email은"},
		{"english le", "이", "title", "title이"},
		{"english me", "을", "username", "username을"},
		{"english n", "은", "phone_number_region", "phone_number_region은"},
		{"english vowel", "은", "quantity", "quantity는"},
		{"english r", "은", "user", "user는"},
		{"english d", "은", "password", "password는"},
		{"english type", "은", "contentType", "contentType은"},
		{"english unpredictable", "은", "zip", "zip은(는)"},
		{"english unpredictable ro", "으로", "help", "help(으)로"},
		{"nested path", "은", "address.zip", "address.zip은(는)"},
		{"parenthetical", "은", "이메일(선택)", "이메일(선택)은"},
		{"trailing punctuation", "이", "주소\"", "주소\"가"},
		{"other script", "은", "名前", "名前은(는)"},
		{"symbol", "이", "@", "@이(가)"},
		{"empty", "은", "", "은(는)"},
		{"unknown particle", "의", "이름", "이름의"},
		{"hangul jamo", "이", "ㅋㅋ", "ㅋㅋ이"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.Josa(tt.particle, tt.word); got != tt.want {
				t.Errorf("josa(%q, %q) = %q, want %q", tt.particle, tt.word, got, tt.want)
			}
		})
	}
}
