package reports

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// Side is one platform of a comparison: its results and a label.
type Side struct {
	Label string
	Set   *results.Set
}

// Class says how a row compares across platforms.
type Class int

// Classes of a comparison row.
const (
	// NotComparable: the figures differ in kind (Reasons say why).
	NotComparable Class = iota
	// Comparable: dimensionless figures, or exact units of the same code
	// on the same data.
	Comparable
	// Normalized: absolute times of the same code on the same data,
	// compared after dividing by the platforms' calibration ratio.
	Normalized
)

func (c Class) String() string {
	switch c {
	case Comparable:
		return "comparable"
	case Normalized:
		return "after normalizing"
	}
	return "no"
}

// CompareRow is one benchmark and unit present on both sides.
type CompareRow struct {
	Name, Unit string
	N          int
	A, B       stats.Summary
	Ratio      float64 // median(B) / median(A)
	Class      Class
	// NormRatio is Ratio divided by the calibration ratio (Normalized
	// rows only; NaN otherwise).
	NormRatio float64
	Reasons   []string
}

// Comparable reports whether the row compares, directly or normalized.
func (r CompareRow) Comparable() bool { return r.Class != NotComparable }

// PlatformComparison is the comparison of two platforms' results.
type PlatformComparison struct {
	A, B         Side
	Rows         []CompareRow
	Derived      []DerivedRow // dimensionless figures computed on each side
	Calibration  []CalibrationRow
	OnlyA, OnlyB []string // benchmark names measured on one side only
	SideReasons  []string // reasons that apply to every absolute figure
	Outputs      []OutputRow
}

// comparedUnits are the units compared across platforms.
var comparedUnits = []string{unitTime, unitBytes, unitAllocs, unitRSS}

// ComparePlatforms pairs the series of a and b by full name and unit and
// classifies each row: exact units of the same code on the same data are
// comparable; absolute times of the same code on the same data are
// comparable after normalizing by the platform calibration benchmark;
// anything else is not comparable, with every reason (figures reported
// rather than measured, different code, datasets that differ or whose
// digests were not recorded, different packages, no calibration).
// Dimensionless figures (stage ratios, speedups, the FFI overhead ratio,
// scaling exponents) are computed on each side and compared, with those
// reasons as caveats (see Derived).
func ComparePlatforms(a, b Side) *PlatformComparison {
	c := &PlatformComparison{A: a, B: b}
	c.sideReasons()
	c.Calibration = calibrations(a, b)
	dsA, dsB := datasetsByN(a.Set), datasetsByN(b.Set)
	names := map[string]bool{}
	for _, s := range a.Set.Series {
		if !slices.Contains(comparedUnits, s.Unit) || isCalibration(s.Name) {
			continue
		}
		sb := b.Set.Lookup(s.Name, s.Unit)
		if sb == nil {
			if !names[s.Name] && b.Set.Lookup(s.Name, unitTime) == nil {
				c.OnlyA = appendOnce(c.OnlyA, s.Name)
			}
			continue
		}
		names[s.Name] = true
		row := CompareRow{Name: s.Name, Unit: s.Unit, N: s.N(),
			A: stats.Of(a.Set, s, stats.Confidence), B: stats.Of(b.Set, sb, stats.Confidence)}
		row.Ratio = row.B.Center / row.A.Center
		if row.A.Center == 0 && row.B.Center == 0 {
			row.Ratio = 1
		}
		if n := s.N(); n > 0 {
			row.Reasons = append(row.Reasons, datasetReasons(n, a.Label, b.Label, dsA[n], dsB[n])...)
		}
		if s.Pkg != sb.Pkg {
			row.Reasons = append(row.Reasons, fmt.Sprintf("different packages (%q, %q)", s.Pkg, sb.Pkg))
		}
		c.classify(&row, s)
		c.Rows = append(c.Rows, row)
	}
	c.Derived = derive(a, b)
	c.Outputs = compareOutputs(a, b, dsA, dsB)
	for _, s := range b.Set.Series {
		if slices.Contains(comparedUnits, s.Unit) && !isCalibration(s.Name) && a.Set.Lookup(s.Name, s.Unit) == nil && a.Set.Lookup(s.Name, unitTime) == nil {
			c.OnlyB = appendOnce(c.OnlyB, s.Name)
		}
	}
	return c
}

// sideReasons lists what makes every absolute figure not comparable:
// figures reported rather than measured, different or unknown code.
func (c *PlatformComparison) sideReasons() {
	a, b := c.A, c.B
	srcA, srcB := a.Set.ConfigString("source"), b.Set.ConfigString("source")
	switch {
	case srcA != "" && srcB != "":
		c.SideReasons = append(c.SideReasons, fmt.Sprintf("both sides are reported, not measured (%s: %s; %s: %s)", a.Label, srcA, b.Label, srcB))
	case srcA != "":
		c.SideReasons = append(c.SideReasons, fmt.Sprintf("%s is reported (%s), %s is measured", a.Label, srcA, b.Label))
	case srcB != "":
		c.SideReasons = append(c.SideReasons, fmt.Sprintf("%s is measured, %s is reported (%s)", a.Label, b.Label, srcB))
	}
	ca, cb := a.Set.ConfigString("commit"), b.Set.ConfigString("commit")
	if ca != cb || ca == "" || strings.Contains(ca, "not recorded") || ca == "unknown" {
		c.SideReasons = append(c.SideReasons, fmt.Sprintf("different or unknown code: commit %s on %s, %s on %s", orUnknown(ca), a.Label, orUnknown(cb), b.Label))
	}
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// datasetsByN indexes a set's dataset config lines, with their output
// lines, by number of findings. A malformed output line reads as not
// recorded here (report refuses it).
func datasetsByN(set *results.Set) map[int][]DatasetInfo {
	var all []DatasetInfo
	for _, c := range set.Config {
		if !strings.HasPrefix(c.Key, "dataset-") {
			continue
		}
		for _, v := range c.Values {
			all = append(all, parseDataset(strings.TrimPrefix(c.Key, "dataset-"), v))
		}
	}
	_ = attachOutputs(set, all)
	out := map[int][]DatasetInfo{}
	for _, d := range all {
		if d.Findings > 0 {
			out[d.Findings] = append(out[d.Findings], d)
		}
	}
	return out
}

// datasetReasons says why the datasets of size n may differ.
func datasetReasons(n int, la, lb string, a, b []DatasetInfo) []string {
	switch {
	case len(a) == 0 && len(b) == 0:
		return []string{fmt.Sprintf("no dataset recorded for n=%d on either side", n)}
	case len(a) == 0:
		return []string{fmt.Sprintf("no dataset recorded for n=%d on %s", n, la)}
	case len(b) == 0:
		return []string{fmt.Sprintf("no dataset recorded for n=%d on %s", n, lb)}
	}
	digests := func(ds []DatasetInfo) (known []string, unknown []string) {
		for _, d := range ds {
			if d.SHA256 == "" {
				unknown = append(unknown, d.Name)
			} else {
				known = append(known, d.SHA256)
			}
		}
		return known, unknown
	}
	ka, ua := digests(a)
	kb, ub := digests(b)
	var out []string
	if len(ua) > 0 {
		out = append(out, fmt.Sprintf("dataset digest not recorded on %s (%s)", la, strings.Join(ua, ", ")))
	}
	if len(ub) > 0 {
		out = append(out, fmt.Sprintf("dataset digest not recorded on %s (%s)", lb, strings.Join(ub, ", ")))
	}
	if len(ka) > 0 && len(kb) > 0 && !slices.Equal(ka, kb) {
		out = append(out, fmt.Sprintf("different datasets at n=%d (digests differ)", n))
	}
	return out
}

// WriteComparison renders the comparison as markdown.
func WriteComparison(w io.Writer, c *PlatformComparison) error {
	m := &mdWriter{w: w}
	m.p("# Cross-platform comparison: %s vs %s", c.A.Label, c.B.Label)
	m.p("")
	for _, s := range []Side{c.A, c.B} {
		var files []string
		for _, f := range s.Set.Files {
			files = append(files, filepath.Base(f.Path))
		}
		cpu := orUnknown(s.Set.ConfigString("cpu"))
		if cores := s.Set.ConfigString("cores"); cores != "" {
			cpu += ", " + cores + " cores"
		}
		m.p("- **%s:** %s (%s/%s), Go %s, Rust %s, date %s; %s", s.Label, cpu, orUnknown(s.Set.ConfigString("goos")),
			orUnknown(s.Set.ConfigString("goarch")), orUnknown(s.Set.ConfigString("go")), orUnknown(s.Set.ConfigString("rustc")),
			orUnknown(s.Set.ConfigString("date")), strings.Join(files, ", "))
	}
	m.p("")
	c.mdCalibration(m)
	c.mdDerived(m)
	c.mdOutputs(m)
	m.p("## Measured figures")
	m.p("")
	m.p("Ratio is %s's median over %s's (above 1: %s takes more). Exact units (allocs/op, B/op, instructions/op) of the same code on the same data are comparable as they are; absolute times of the same code on the same data after dividing by the calibration ratio above; every other row is not comparable, with every reason listed.", c.B.Label, c.A.Label, c.B.Label)
	m.p("")
	if len(c.SideReasons) > 0 {
		m.p("**Not comparable for every absolute figure:**")
		m.p("")
		for _, r := range c.SideReasons {
			m.p("- %s", r)
		}
		m.p("")
	}
	if len(c.Rows) == 0 {
		m.p("No benchmark was measured on both sides.")
		m.p("")
	} else {
		var rows [][]string
		for _, r := range c.Rows {
			f := formatterFor(r.Unit)
			norm := "-"
			if r.Class == Normalized {
				norm = Factor(r.NormRatio)
			}
			rows = append(rows, []string{r.Name, r.Unit, f(r.A.Center), strconv.Itoa(r.A.N), f(r.B.Center), strconv.Itoa(r.B.N), Factor(r.Ratio), r.Class.String(), norm, strings.Join(r.Reasons, "; ")})
		}
		m.table([]string{"Benchmark", "Unit", c.A.Label, "n", c.B.Label, "n", "Ratio", "Comparable", "Normalized ratio", "Why not"}, rows)
	}
	m.p("**Measured on %s only:** %s", c.A.Label, listOrNone(c.OnlyA))
	m.p("")
	m.p("**Measured on %s only:** %s", c.B.Label, listOrNone(c.OnlyB))
	m.p("")
	return m.err
}

// mdCalibration writes the platform calibration benchmarks.
func (c *PlatformComparison) mdCalibration(m *mdWriter) {
	m.p("## Platform calibration")
	m.p("")
	m.p("A fixed CPU-bound workload (harness/platformcal, the same loop and checksum in Go and in Rust) measured in every results file; its ratio normalizes absolute times of the same code.")
	m.p("")
	var rows [][]string
	for _, r := range c.Calibration {
		a, b, ratio := "not measured", "not measured", "-"
		if !math.IsNaN(r.A) {
			a = Duration(r.A)
		}
		if !math.IsNaN(r.B) {
			b = Duration(r.B)
		}
		if !math.IsNaN(r.Ratio()) {
			ratio = Factor(r.Ratio())
		}
		rows = append(rows, []string{r.Name, a, b, ratio})
	}
	m.table([]string{"Calibration", c.A.Label, c.B.Label, "Ratio"}, rows)
}

// mdDerived writes the dimensionless figures.
func (c *PlatformComparison) mdDerived(m *mdWriter) {
	m.p("## Dimensionless figures")
	m.p("")
	m.p("Computed on each side from its own medians, so the platforms' speeds cancel: stage ratios, speedups, the FFI overhead ratio, scaling exponents (time ∝ n^k). Caveats say what is not known to be the same; a row is not comparable only when the two sides measured different code.")
	m.p("")
	if len(c.Derived) == 0 {
		m.p("No dimensionless figure can be computed on both sides.")
		m.p("")
		return
	}
	var rows [][]string
	for _, r := range c.Derived {
		n, f := strconv.Itoa(r.N), func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
		if r.Exponent {
			n = "fit"
		}
		comp := "comparable"
		if !r.Comparable() {
			comp = "no: " + strings.Join(r.Reasons, "; ")
		}
		rows = append(rows, []string{r.Figure, n, f(r.A), f(r.B), Factor(r.B / r.A), comp, joinOr(r.Caveats, "none")})
	}
	m.table([]string{"Figure", "n", c.A.Label, c.B.Label, "B/A", "Comparable", "Caveats"}, rows)
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none."
	}
	return strings.Join(l, ", ") + "."
}

func formatterFor(unit string) func(float64) string {
	switch unit {
	case unitTime:
		return Duration
	case unitBytes, unitRSS:
		return Bytes
	}
	return Count
}
