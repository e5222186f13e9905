package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/aegisbench/aegisbench/harness/platformcal"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// CalibrationRow is one platform calibration benchmark on both sides.
type CalibrationRow struct {
	Name string
	A, B float64 // medians, sec/op; NaN when absent
}

// Ratio is B over A (NaN when either is absent).
func (r CalibrationRow) Ratio() float64 { return r.B / r.A }

func calibrations(a, b Side) []CalibrationRow {
	var out []CalibrationRow
	for _, name := range []string{platformcal.GoName, platformcal.RustName} {
		out = append(out, CalibrationRow{Name: name, A: seriesMedian(a.Set, name), B: seriesMedian(b.Set, name)})
	}
	return out
}

// isCalibration reports a platform calibration benchmark (shown in its
// own table, not as a measured figure).
func isCalibration(name string) bool {
	return name == platformcal.GoName || name == platformcal.RustName
}

// seriesMedian is the median sec/op of a series, NaN when absent.
func seriesMedian(set *results.Set, name string) float64 {
	s := set.Lookup(name, unitTime)
	if s == nil || len(s.Values) == 0 {
		return math.NaN()
	}
	return stats.Of(set, s, stats.Confidence).Center
}

// calibrationFor names the calibration benchmark of a series' language:
// Rust for Criterion and the Rust engines, Go otherwise.
func calibrationFor(s *results.Series) string {
	if s.Base == baseCriterion || strings.HasPrefix(s.Part("engine"), "rust") {
		return platformcal.RustName
	}
	return platformcal.GoName
}

// classify sets the class of a direct row: any reason (or a reason for
// every row) makes it not comparable; otherwise exact units compare as
// they are, times after normalizing by calibration, other units (peak
// RSS: the operating system's accounting) only on the same OS.
func (c *PlatformComparison) classify(row *CompareRow, s *results.Series) {
	row.NormRatio = math.NaN()
	if len(c.SideReasons) > 0 {
		row.Reasons = append(row.Reasons, "see the reasons for every row")
	}
	if len(row.Reasons) > 0 {
		return
	}
	meta := results.Set{Units: c.A.Set.Units}
	switch {
	case meta.Exact(row.Unit):
		row.Class = Comparable
	case row.Unit == unitTime:
		name := calibrationFor(s)
		for _, cal := range c.Calibration {
			if cal.Name == name && !math.IsNaN(cal.Ratio()) {
				row.Class, row.NormRatio = Normalized, row.Ratio/cal.Ratio()
				return
			}
		}
		row.Reasons = append(row.Reasons, fmt.Sprintf("absolute time without the calibration benchmark %s on both sides", name))
	case c.A.Set.ConfigString("goos") == c.B.Set.ConfigString("goos"):
		row.Class = Comparable
	default:
		row.Reasons = append(row.Reasons, "measured by different operating systems")
	}
}
