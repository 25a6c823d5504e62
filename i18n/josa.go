package i18n

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// particle is a Korean particle whose form depends on whether the word before
// it ends in a final consonant (batchim).
type particle struct {
	consonant string // after a final consonant: 은
	vowel     string // after a vowel: 는
	either    string // when the sound is unknown: 은(는)
	rieul     bool   // a final ㄹ takes the vowel form (으로/로)
}

// particles lists the supported particles under both of their forms.
var particles = func() map[string]particle {
	list := []particle{
		{consonant: "은", vowel: "는", either: "은(는)"},
		{consonant: "이", vowel: "가", either: "이(가)"},
		{consonant: "을", vowel: "를", either: "을(를)"},
		{consonant: "과", vowel: "와", either: "과(와)"},
		{consonant: "아", vowel: "야", either: "아(야)"},
		{consonant: "으로", vowel: "로", either: "(으)로", rieul: true},
		{consonant: "이나", vowel: "나", either: "(이)나"},
		{consonant: "이랑", vowel: "랑", either: "(이)랑"},
		{consonant: "이면", vowel: "면", either: "(이)면"},
		{consonant: "이라", vowel: "라", either: "(이)라"},
		{consonant: "이라고", vowel: "라고", either: "(이)라고"},
		{consonant: "이어야", vowel: "여야", either: "이어야(여야)"},
		{consonant: "이에요", vowel: "예요", either: "이에요(예요)"},
	}
	m := make(map[string]particle, 2*len(list))
	for _, p := range list {
		m[p.consonant] = p
		m[p.vowel] = p
		m[p.either] = p
	}
	return m
}()

// josa returns word followed by the form of the Korean particle p that
// fits the word's last sound: josa("은", "이름") is "이름은", josa("은",
// "주소") is "주소는". p may be given in either form ("은" or "는"). When
// the sound cannot be known, as for most foreign words, it writes the
// conventional combined form, "은(는)". An unknown particle is appended as
// is. It is the template function "josa": {{.field | josa "은"}}.
func josa(p string, word any) string {
	w, ok := word.(string)
	if !ok {
		w = fmt.Sprint(word)
	}
	pt, ok := particles[p]
	if !ok {
		return w + p
	}
	switch final, rieul := finalSound(w); {
	case final == soundUnknown:
		return w + pt.either
	case final == soundConsonant && !(rieul && pt.rieul):
		return w + pt.consonant
	default:
		return w + pt.vowel
	}
}

type sound int

const (
	soundUnknown sound = iota
	soundVowel
	soundConsonant
)

// finalSound reports how word ends when read aloud in Korean: on a vowel or
// on a final consonant, and whether that consonant is ㄹ. Hangul is exact;
// numbers are read in Sino-Korean; Latin letters follow the usual reading
// of English words and abbreviations where it is predictable.
func finalSound(word string) (s sound, rieul bool) {
	word = trimTail(word)
	if word == "" {
		return soundUnknown, false
	}
	r, _ := utf8.DecodeLastRuneInString(word)
	switch {
	case r >= 0xAC00 && r <= 0xD7A3: // Hangul syllable
		jong := (r - 0xAC00) % 28
		if jong == 0 {
			return soundVowel, false
		}
		return soundConsonant, jong == 8
	case r >= 0x3131 && r <= 0x314E: // Hangul consonant letter, as in ㅋㅋ
		return soundConsonant, r == 'ㄹ'
	case r >= '0' && r <= '9':
		return numberSound(word)
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		return latinSound(word)
	}
	return soundUnknown, false
}

// trimTail drops trailing spaces, punctuation and one parenthesized
// remark, which are not read before a particle: "이메일(선택)" ends on 일.
func trimTail(s string) string {
	for {
		t := strings.TrimRight(s, " \t\n\"'`.,!?:;]}>")
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndexByte(t, '('); i > 0 {
				t = t[:i]
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// numberSound reads the number at the end of s in Sino-Korean: 1 일, 3 삼,
// 10 십, 100 백, 1000 천, 10000 만.
func numberSound(s string) (sound, bool) {
	end := len(s)
	i := end
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	digits := s[i:end]
	zeros := len(digits) - len(strings.TrimRight(digits, "0"))
	if zeros == len(digits) || i > 0 && s[i-1] == '.' {
		zeros = 0 // "0" is 영; after a decimal point each digit is read alone
	}
	switch {
	case zeros == 0:
		// 영 일 이 삼 사 오 육 칠 팔 구
		switch digits[len(digits)-1] {
		case '0', '3', '6':
			return soundConsonant, false
		case '1', '7', '8':
			return soundConsonant, true
		}
		return soundVowel, false
	case zeros <= 11: // 십, 백, 천, 만 (십만, 백만, 천만), 억 (…천억)
		return soundConsonant, false
	case zeros <= 15: // 조
		return soundVowel, false
	case zeros <= 19: // 경
		return soundConsonant, false
	}
	return soundUnknown, false
}

// latinSound guesses how the Latin word at the end of s ends in Korean.
// An upper-case ending is an abbreviation read letter by letter (URL: 유알엘);
// otherwise the English spelling decides where it is predictable (email:
// 이메일, name: 네임, password: 패스워드) and the sound is unknown where it
// is not (zip: 집 but help: 헬프).
func latinSound(s string) (sound, bool) {
	i := len(s)
	for i > 0 && isLatin(s[i-1]) {
		i--
	}
	w := s[i:]
	last := w[len(w)-1]
	if last >= 'A' && last <= 'Z' && (len(w) == 1 || w[len(w)-2] >= 'A' && w[len(w)-2] <= 'Z') {
		switch last {
		case 'L', 'R': // 엘, 알
			return soundConsonant, true
		case 'M', 'N': // 엠, 엔
			return soundConsonant, false
		}
		return soundVowel, false
	}
	w = strings.ToLower(w)
	switch {
	case strings.HasSuffix(w, "type"): // 타입
		return soundConsonant, false
	case strings.HasSuffix(w, "l"), strings.HasSuffix(w, "le"): // 이메일, 타이틀
		return soundConsonant, true
	case strings.HasSuffix(w, "m"), strings.HasSuffix(w, "n"), strings.HasSuffix(w, "ng"),
		strings.HasSuffix(w, "me"), strings.HasSuffix(w, "ne"): // 네임, 폰, 스트링
		return soundConsonant, false
	}
	switch last {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'w', 'r', 's', 'x', 'z', 'd', 'g', 'h', 'f', 'v':
		// 데이터, 코드, 키, 유저, 주소(address: 어드레스), 패스워드, 태그, 해시
		return soundVowel, false
	}
	return soundUnknown, false // b, c, j, k, p, q, t: 잡 but 헬프, 북 but 링크, 집 but 카운트
}

func isLatin(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
