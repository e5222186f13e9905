// Package gate judges whether a change regressed performance: it
// compares a base and a head results set (harness/results), series by
// series, with a Mann-Whitney U test whose p-values are corrected across
// the whole run (Holm) and a threshold on the median change (both must
// agree before a change counts as a regression), compares exact units
// (allocs/op, B/op, instructions/op) directly, and says "cannot decide"
// rather than pass when the samples cannot support a verdict. A failed
// conformance verdict (harness/conform's Summary) fails the gate.
//
// Running the sides is harness/refrun's (git worktree) and
// harness/instructions' (instruction counts); measuring the gate is
// harness/calibrate's; its markdown is reports.WriteGate.
package gate

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/results"
)

// Thresholds configure the gate. A statistical unit regresses when the
// U-test rejects "same distribution" at Alpha AND the median moved in the
// bad direction by more than Change; an exact unit regresses when its
// mode moved in the bad direction by more than its exact threshold.
type Thresholds struct {
	// Alpha is the significance level of the Mann-Whitney U test (0.05):
	// with Correction "holm", the family-wise level of the whole run.
	Alpha float64
	// Correction is the multiple-comparison correction across every
	// U test of a run: "holm" (Holm-Bonferroni: the probability that a
	// run flags any unchanged benchmark stays below Alpha) or "none"
	// (each test at Alpha on its own).
	Correction string
	// Change is the relative median change a statistical unit (sec/op,
	// B/s, ...) must exceed to count (0.05 for 5%).
	Change float64
	// Allocs is the absolute allocs/op increase tolerated (0: any increase
	// regresses).
	Allocs float64
	// Instructions is the relative instructions/op change tolerated (0.01).
	Instructions float64
	// Exact is the relative change tolerated for other exact units, such as
	// B/op (0.001: a few bytes of runtime background allocation averaged
	// into a sample are not a regression; an extra allocation is caught by
	// allocs/op).
	Exact float64
}

// DefaultThresholds returns alpha 0.05, 5% median change, no extra
// allocation, 1% instructions and 0.1% for other exact units (B/op).
func DefaultThresholds() Thresholds {
	return Thresholds{Alpha: 0.05, Correction: CorrectionHolm, Change: 0.05, Allocs: 0, Instructions: 0.01, Exact: 0.001}
}

// Multiple-comparison corrections (Thresholds.Correction).
const (
	CorrectionHolm = "holm"
	CorrectionNone = "none"
)

// Validate reports a threshold out of range.
func (t Thresholds) Validate() error {
	if !(t.Alpha > 0 && t.Alpha < 1) {
		return fmt.Errorf("alpha %v must be in (0, 1)", t.Alpha)
	}
	if t.Correction != CorrectionHolm && t.Correction != CorrectionNone {
		return fmt.Errorf("correction %q: want %s or %s", t.Correction, CorrectionHolm, CorrectionNone)
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"threshold", t.Change}, {"alloc threshold", t.Allocs}, {"instructions threshold", t.Instructions}, {"exact threshold", t.Exact}} {
		if c.v < 0 || math.IsNaN(c.v) || math.IsInf(c.v, 0) {
			return fmt.Errorf("%s %v must be a finite number >= 0", c.name, c.v)
		}
	}
	return nil
}

// Verdict is the outcome for one series or for the whole gate.
type Verdict int

// Verdicts, from best to worst as far as the exit code is concerned
// (Regression beats CannotDecide).
const (
	// Unchanged: no significant change beyond the threshold.
	Unchanged Verdict = iota
	// Improved: a significant change beyond the threshold in the good
	// direction.
	Improved
	// NotGated: the unit's good direction is unknown, so it is shown only.
	NotGated
	// CannotDecide: too few samples, or the series is missing on one side.
	CannotDecide
	// Regression: a significant change beyond the threshold in the bad
	// direction (or any exact increase beyond its threshold).
	Regression
)

func (v Verdict) String() string {
	switch v {
	case Unchanged:
		return "ok"
	case Improved:
		return "improved"
	case NotGated:
		return "not gated"
	case CannotDecide:
		return "cannot decide"
	case Regression:
		return "regression"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// ExitCode maps the gate's verdict to the process exit code: 0 pass, 1
// regression, 3 cannot decide.
func (v Verdict) ExitCode() int {
	switch v {
	case Regression:
		return 1
	case CannotDecide:
		return 3
	}
	return 0
}

// Key identifies one compared quantity: a series name (full name without
// "Benchmark" and GOMAXPROCS) and a tidied unit, as harness/results keys
// them.
type Key struct {
	Name string
	Unit string
}

// Row is the comparison of one series.
type Row struct {
	Key
	// BaseN and HeadN are the sample counts.
	BaseN, HeadN int
	// BaseCenter and HeadCenter summarize each side: the median, or for
	// exact units the mode (benchmath's exact summary: the most frequent
	// value, the smallest of equally frequent ones, so that a rare
	// background allocation in one sample does not move it). NaN when
	// that side has no samples.
	BaseCenter, HeadCenter float64
	// Change is HeadCenter/BaseCenter - 1 (NaN when undefined).
	Change float64
	// P is the U-test p-value; NaN when no test was run (exact units, too
	// few samples).
	P float64
	// PAdj is P adjusted for the run's multiple comparisons (Holm), equal
	// to P without correction; NaN when no test was run.
	PAdj float64
	// Exact reports that the unit was compared as exact.
	Exact bool
	// Better is -1 when lower is better, +1 when higher is better, 0 when
	// unknown.
	Better  int
	Verdict Verdict
	// Reason explains the verdict in a sentence.
	Reason string
}

// Report is the gate's judgement of head against base.
type Report struct {
	Rows       []Row
	Thresholds Thresholds
	// Conformance is the conformance result the gate was given, if any.
	Conformance *Conformance
	// Verdict is the overall verdict: Regression if any row regressed or
	// conformance failed, else CannotDecide if any row could not be
	// decided (or there were no rows), else Unchanged.
	Verdict Verdict
	// Notes are report-level remarks (no benchmarks, conformance,
	// correction).
	Notes []string
	// Tests is the number of U tests the correction spans.
	Tests int
	// ConfigDiffs are the configuration lines (and GOMAXPROCS) that
	// differ between base and head.
	ConfigDiffs []results.ConfigDiff
}

// Count returns how many rows have verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, row := range r.Rows {
		if row.Verdict == v {
			n++
		}
	}
	return n
}

// MinSamples returns the smallest per-side sample count n for which the
// two-sided Mann-Whitney U test on n and n samples can reach p < alpha.
func MinSamples(alpha float64) int {
	for n := 1; n < 64; n++ {
		if minP(n, n) < alpha {
			return n
		}
	}
	return 64
}

// minP is the smallest p-value the exact two-sided U test can give for
// samples of sizes n1 and n2: both extreme orderings out of C(n1+n2, n1).
func minP(n1, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 1
	}
	// C(n1+n2, k) by the multiplicative formula: exact while it fits in
	// float64's 53 bits, which covers every practical sample count.
	k, n := min(n1, n2), n1+n2
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return math.Min(1, 2/c)
}

// Judge compares head against base series by series. Series present on
// one side only cannot be decided. Unit metadata of both sides is merged;
// a unit is exact by results.Exact. The U tests of all rows are corrected
// together (Thresholds.Correction) before any verdict is given.
func Judge(base, head *results.Set, t Thresholds) *Report {
	units := benchfmt.UnitMetadataMap{}
	for k, v := range base.Units {
		units[k] = v
	}
	for k, v := range head.Units {
		units[k] = v
	}
	rep := &Report{Thresholds: t, ConfigDiffs: results.Diff(base, head)}
	var order []Key
	for _, set := range []*results.Set{base, head} {
		for _, s := range set.Series {
			if k := (Key{s.Name, s.Unit}); !slices.Contains(order, k) {
				order = append(order, k)
			}
		}
	}
	for _, k := range order {
		rep.Rows = append(rep.Rows, judgeSeries(k, values(base, k), values(head, k), units, t))
	}
	rep.correct()
	rep.Verdict = Unchanged
	if len(rep.Rows) == 0 {
		rep.Verdict = CannotDecide
		rep.Notes = append(rep.Notes, "no benchmark results on either side")
	}
	for _, row := range rep.Rows {
		if row.Verdict == Regression || row.Verdict == CannotDecide {
			rep.Verdict = max(rep.Verdict, row.Verdict)
		}
	}
	for _, d := range rep.ConfigDiffs {
		if d.Key == results.ProcsKey {
			rep.Notes = append(rep.Notes, fmt.Sprintf("core counts differ: base ran with GOMAXPROCS %s, head with %s (series are compared by name without the suffix)", orNone(d.A), orNone(d.B)))
		}
	}
	return rep
}

func values(set *results.Set, k Key) []float64 {
	if s := set.Lookup(k.Name, k.Unit); s != nil {
		return s.Values
	}
	return nil
}

// WithConformance folds a conformance verdict into the report: a failed
// conformance run fails the gate.
func (r *Report) WithConformance(c *Conformance) {
	r.Conformance = c
	if c != nil && !c.Passed() {
		r.Verdict = Regression
		r.Notes = append(r.Notes, "conformance FAILED: "+c.Path+": "+c.Summary.Line)
	}
}

// center returns the median of vals, or their mode when exact; NaN when
// there are none.
func center(vals []float64, exact bool) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	s := benchmath.NewSample(append([]float64(nil), vals...), &benchmath.DefaultThresholds)
	if exact {
		return benchmath.AssumeExact.Summary(s, 0.95).Center
	}
	return benchmath.AssumeNothing.Summary(s, 0.95).Center
}

// judgeSeries gives the verdict of one row, except for rows that ran a
// U test: those keep their P for Report.correct to decide.
func judgeSeries(s Key, baseVals, headVals []float64, units benchfmt.UnitMetadataMap, t Thresholds) Row {
	exact := results.Exact(s.Unit, units)
	row := Row{
		Key: s, BaseN: len(baseVals), HeadN: len(headVals),
		BaseCenter: center(baseVals, exact), HeadCenter: center(headVals, exact),
		P: math.NaN(), PAdj: math.NaN(), Exact: exact, Better: results.Better(s.Unit, units),
	}
	row.Change = relChange(row.BaseCenter, row.HeadCenter)
	switch {
	case row.BaseN == 0:
		row.Verdict, row.Reason = CannotDecide, "missing in base"
		return row
	case row.HeadN == 0:
		row.Verdict, row.Reason = CannotDecide, "missing in head"
		return row
	case row.Better == 0:
		row.Verdict, row.Reason = NotGated, "direction of unit unknown (declare Unit "+s.Unit+" better=lower|higher)"
		return row
	}
	// bad is the change in the bad direction (positive = worse).
	bad := row.Change * float64(-row.Better)
	if row.Exact {
		return judgeExact(row, bad, t)
	}
	if minP(row.BaseN, row.HeadN) >= t.Alpha {
		need := MinSamples(t.Alpha)
		row.Verdict = CannotDecide
		row.Reason = fmt.Sprintf("too few samples (base %d, head %d): need >= %d per side for a U test at alpha %v", row.BaseN, row.HeadN, need, t.Alpha)
		return row
	}
	th := &benchmath.Thresholds{CompareAlpha: t.Alpha}
	sb := benchmath.NewSample(append([]float64(nil), baseVals...), th)
	sh := benchmath.NewSample(append([]float64(nil), headVals...), th)
	row.P = benchmath.AssumeNothing.Compare(sb, sh).P
	row.PAdj = row.P
	return row
}

// decide gives the verdict of a row that ran a U test, on its adjusted p.
func decide(row Row, t Thresholds) Row {
	bad := row.Change * float64(-row.Better)
	significant := row.PAdj < t.Alpha
	p := fmt.Sprintf("p=%.3f", row.P)
	if t.Correction == CorrectionHolm {
		p = fmt.Sprintf("p=%.3g, Holm-adjusted %.3g", row.P, row.PAdj)
	}
	switch {
	case significant && bad > t.Change:
		row.Verdict = Regression
		row.Reason = fmt.Sprintf("%s by %.1f%% (threshold %.1f%%), %s < %v", worse(row.Better), 100*math.Abs(row.Change), 100*t.Change, p, t.Alpha)
	case significant && -bad > t.Change:
		row.Verdict = Improved
		row.Reason = fmt.Sprintf("%s by %.1f%%, %s", better(row.Better), 100*math.Abs(row.Change), p)
	case significant:
		row.Verdict = Unchanged
		row.Reason = fmt.Sprintf("significant (%s) but within the %.1f%% threshold", p, 100*t.Change)
	default:
		row.Verdict = Unchanged
		row.Reason = fmt.Sprintf("no significant difference (%s >= %v)", p, t.Alpha)
	}
	return row
}

func judgeExact(row Row, bad float64, t Thresholds) Row {
	var over, under bool
	var limit string
	switch row.Unit {
	case "allocs/op":
		delta := (row.HeadCenter - row.BaseCenter) * float64(-row.Better)
		over, under = delta > t.Allocs, -delta > t.Allocs
		limit = fmt.Sprintf("%+g allocs/op tolerated", t.Allocs)
	case "instructions/op":
		over, under = bad > t.Instructions, -bad > t.Instructions
		limit = fmt.Sprintf("%.2f%% tolerated", 100*t.Instructions)
	default:
		over, under = bad > t.Exact, -bad > t.Exact
		limit = fmt.Sprintf("%.2f%% tolerated", 100*t.Exact)
	}
	if math.IsNaN(row.Change) {
		over, under = false, false
	}
	switch {
	case over:
		row.Verdict = Regression
		row.Reason = fmt.Sprintf("exact unit %s: %s -> %s (%s)", worse(row.Better), fmtNum(row.BaseCenter), fmtNum(row.HeadCenter), limit)
	case under:
		row.Verdict = Improved
		row.Reason = fmt.Sprintf("exact unit %s: %s -> %s", better(row.Better), fmtNum(row.BaseCenter), fmtNum(row.HeadCenter))
	default:
		row.Verdict = Unchanged
		row.Reason = "exact unit within threshold (" + limit + ")"
	}
	return row
}

func relChange(base, head float64) float64 {
	switch {
	case math.IsNaN(base) || math.IsNaN(head):
		return math.NaN()
	case base == head:
		return 0
	case base == 0:
		return math.Inf(int(math.Copysign(1, head)))
	}
	return head/base - 1
}

func worse(better int) string {
	if better > 0 {
		return "decreased"
	}
	return "increased"
}

func better(b int) string { return worse(-b) }

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.6g", v)
}
