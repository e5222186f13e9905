package generators

import "strings"

// advWords are the hostile-but-valid strings the adversarial shape mixes
// into text and names: non-ASCII in 1-4 byte UTF-8 (astral runes need
// surrogate pairs when escaped), combining marks, U+2028/U+2029 (valid raw in
// JSON, not in JavaScript), controls, quotes, backslashes, a literal
// backslash-u sequence that is not an escape, markup, a BOM inside a string
// and a zero-width space.
var advWords = []string{
	"données", "Übergröße", "naïve-café", "日本語", "데이터", "Ошибка", "مرحبا", "שלום", "😀", "🔥🚨", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
	"e\u0301", "line\u2028sep\u2029", "tab\there", "quote\"inside", "back\\slash", "literal \\u0041 not an escape",
	"nul\x00byte", "unit\x1fsep", "/slashes/", "<script>alert(1)</script>", "\ufeffbom", "zero\u200bwidth",
}

// advIDBits are the fragments mixed into ids, ARNs, VPC ids and names. Their
// UTF-8 byte order differs from their UTF-16 order (U+FF21 sorts before
// U+1F600 bytewise, after it in UTF-16), which matters for id tie-breaks.
var advIDBits = []string{"ünïcødé", "ид", "😀", "Ａ", "é", "quo\"te", "back\\slash", "sp ace", "tab\t", "日本", "\u2028"}

// advParagraph is repeated to build strings of tens of KB.
const advParagraph = "Überprüfung fehlgeschlagen — 検出されたリスク: «критично» 🔥. " +
	"The payload contained \"quoted\" text, a back\\slash, a tab\tand a newline\nthen continued; " +
	"𝕊𝕥𝕣𝕒𝕟𝕘𝕖 𝕥𝕖𝕩𝕥 and e\u0301 (combining acute). "

// adversarialText adds hostile strings to a finding's free text: most
// findings get a non-ASCII fragment, 1% get a description of 20-60 KB.
func (g *gen) adversarialText(title string, desc, rem []byte) (string, []byte, []byte) {
	r := g.r
	if r.pct(60) {
		title += " " + pick(r, advWords)
	}
	if r.pct(70) {
		desc = append(desc, ' ')
		desc = append(desc, pick(r, advWords)...)
		desc = append(desc, ' ')
		desc = append(desc, pick(r, advWords)...)
	}
	if r.pct(1) {
		target := r.between(20000, 60000)
		for len(desc) < target {
			desc = append(desc, ' ')
			desc = append(desc, advParagraph...)
		}
	}
	if r.pct(30) {
		rem = append(rem, " "+strings.Repeat(pick(r, advWords), r.between(1, 3))...)
	}
	return title, desc, rem
}
