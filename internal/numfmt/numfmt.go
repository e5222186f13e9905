// Package numfmt formats numbers for people: the tables and reports of the
// harness and the dataset tools share its digit grouping.
package numfmt

import "strings"

// GroupThousands puts a comma between every three digits of an integer
// written in decimal ("-1234567" becomes "-1,234,567"). s is the output of
// strconv.FormatInt or strconv.FormatFloat(v, 'f', 0, 64): digits with an
// optional leading minus sign.
func GroupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
