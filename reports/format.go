package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/harness/stats"
	"github.com/aegisbench/aegisbench/internal/numfmt"
)

// sig formats v with three significant digits, without exponent and
// without trailing zeros after the point.
func sig(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	digits := 3 - int(math.Floor(math.Log10(math.Abs(v)))) - 1
	if digits < 0 {
		digits = 0
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Duration formats seconds for people: "127s", "7.46ms", "10.1µs", "13.2ns".
func Duration(sec float64) string {
	switch a := math.Abs(sec); {
	case math.IsNaN(sec):
		return "n/a"
	case a >= 1:
		return sig(sec) + "s"
	case a >= 1e-3:
		return sig(sec*1e3) + "ms"
	case a >= 1e-6:
		return sig(sec*1e6) + "µs"
	default:
		return sig(sec*1e9) + "ns"
	}
}

// Bytes formats a byte count with binary prefixes: "42.9GiB", "13.7MiB", "0B".
func Bytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return sig(b) + units[i]
}

// Count formats a count with decimal prefixes: "185M", "63", "2.5k".
func Count(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return sig(v/1e9) + "G"
	case a >= 1e6:
		return sig(v/1e6) + "M"
	case a >= 1e4:
		return sig(v/1e3) + "k"
	default:
		return sig(v)
	}
}

// Grouped formats v with thousands separators, as the reference report's tables do:
// integers for values of 100 and more, two decimals below.
func Grouped(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	if math.Abs(v) < 100 && v != math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return numfmt.GroupThousands(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
}

// Factor formats a ratio: "6.2×", "0.87×", "12×".
func Factor(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a"
	}
	return sig(r) + "×"
}

// ratioCI formats a ratio's interval: "[5.8×, 6.7×]", or a reason.
func ratioCI(r stats.Ratio) string {
	if !r.HasCI() {
		return "n/a (needs ≥ 7 samples each)"
	}
	return fmt.Sprintf("[%s, %s]", Factor(r.Lo), Factor(r.Hi))
}

// durationCI formats a summary's interval in time units.
func durationCI(s stats.Summary) string {
	if note, ok := noCI(s); ok {
		return note
	}
	return fmt.Sprintf("[%s, %s]", Duration(s.Lo), Duration(s.Hi))
}

// pctCI is benchstat's "± x%" or a reason.
func pctCI(s stats.Summary) string {
	if note, ok := noCI(s); ok {
		return note
	}
	return "± " + s.PctRange()
}

// noCI returns what a table shows instead of a summary's interval and true
// when there is none to show: "" without samples, "exact", or the sample
// count when too few for an interval.
func noCI(s stats.Summary) (string, bool) {
	switch {
	case s.N == 0:
		return "", true
	case s.Exact:
		return "exact", true
	case !s.HasCI():
		return fmt.Sprintf("n/a (%d sample%s)", s.N, plural(s.N)), true
	}
	return "", false
}

// pValue formats a Mann-Whitney p-value with its sample sizes.
func pValue(c stats.Comparison) string {
	if c.N1 == 0 || c.N2 == 0 {
		return "n/a"
	}
	p := "p=" + strconv.FormatFloat(c.P, 'f', 3, 64)
	if c.P < 0.001 {
		p = "p<0.001"
	}
	return fmt.Sprintf("%s (n=%d+%d)", p, c.N1, c.N2)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pct formats a share as a percentage with one decimal.
func pct(share float64) string { return strconv.FormatFloat(100*share, 'f', 1, 64) + "%" }
