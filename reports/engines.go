package reports

import (
	"fmt"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// The engines of a run as the user named them ("engine-LABEL" config
// lines: what was given and its version string), each measured in-process
// (Pipeline/engine=LABEL/n=N) and as whole processes
// (Process/engine=LABEL/n=N, with peak RSS), and the A/B comparisons of
// engines of the same kind (two builds of the port as ffi:A and ffi:B, two
// exec: programs): each against the first one given.

// EngineRow is one engine at one size.
type EngineRow struct {
	Engine    bench.EngineInfo
	N         int
	InProcess *Stat // Pipeline/engine=LABEL/n=N
	Process   *Stat // Process/engine=LABEL/n=N
	RSS       *Stat // its peak RSS
}

// ABRow compares engine B with engine A (the first engine of its kind
// given) on one measurement at one size.
type ABRow struct {
	A, B    bench.EngineInfo
	What    string // "in-process" or "whole process"
	N       int
	StatA   *Stat
	StatB   *Stat
	Ratio   stats.Ratio      // median(B) / median(A): above 1, B is slower
	P       stats.Comparison // Mann-Whitney U
	Changed bool             // significant at the test's alpha
}

// buildEngines fills Engines, EngineRows and ABRows from the engine-LABEL
// config lines.
func (b *Baseline) buildEngines() {
	for _, c := range b.set.Config {
		for _, v := range c.Values {
			if e, ok := bench.ParseEngineConfig(c.Key, v); ok {
				b.Engines = append(b.Engines, e)
			}
		}
	}
	for _, e := range b.Engines {
		for _, n := range b.Sizes {
			row := EngineRow{Engine: e, N: n,
				InProcess: b.stat(fmt.Sprintf("Pipeline/engine=%s/n=%d", e.Label, n), unitTime),
				Process:   b.stat(fmt.Sprintf("%s/engine=%s/n=%d", baseProcess, e.Label, n), unitTime),
				RSS:       b.stat(fmt.Sprintf("%s/engine=%s/n=%d", baseProcess, e.Label, n), unitRSS)}
			if row.InProcess != nil || row.Process != nil {
				b.EngineRows = append(b.EngineRows, row)
			}
		}
	}
	b.buildAB()
}

// engineKind is what engines compare with each other: the text before
// ':' of what was given ("ffi", "exec"); built-in names have none.
func engineKind(e bench.EngineInfo) string {
	kind, _, ok := strings.Cut(e.Given, ":")
	if !ok {
		return ""
	}
	return kind
}

// buildAB compares every engine given as KIND:ARG with the first engine
// of its kind, at every size, in-process and as whole processes.
func (b *Baseline) buildAB() {
	first := map[string]bench.EngineInfo{}
	rows := map[string][]EngineRow{}
	for _, r := range b.EngineRows {
		rows[r.Engine.Label] = append(rows[r.Engine.Label], r)
	}
	for _, e := range b.Engines {
		kind := engineKind(e)
		if kind == "" {
			continue
		}
		a, ok := first[kind]
		if !ok {
			first[kind] = e
			continue
		}
		for _, rb := range rows[e.Label] {
			for _, ra := range rows[a.Label] {
				if ra.N != rb.N {
					continue
				}
				b.addAB(a, e, "in-process", rb.N, ra.InProcess, rb.InProcess)
				b.addAB(a, e, "whole process", rb.N, ra.Process, rb.Process)
			}
		}
	}
}

func (b *Baseline) addAB(a, e bench.EngineInfo, what string, n int, sa, sb *Stat) {
	if sa == nil || sb == nil {
		return
	}
	r := ABRow{A: a, B: e, What: what, N: n, StatA: sa, StatB: sb,
		Ratio: stats.RatioOfMedians(sb.Series.Values, sa.Series.Values, stats.Confidence),
		P:     stats.Compare(sa.Series.Values, sb.Series.Values)}
	r.Changed = r.P.Significant()
	b.ABRows = append(b.ABRows, r)
}

// engineName is an engine as the report names it: what was given, then
// its version string.
func engineName(e bench.EngineInfo) string {
	s := "`" + e.Given + "`"
	if e.Version != "" {
		s += " (" + e.Version + ")"
	}
	return s
}

func (b *Baseline) mdEngines(m *mdWriter) {
	if len(b.Engines) == 0 {
		return
	}
	m.p("## Engines as given")
	m.p("")
	m.p("Each engine as named on the command line (`bench --engines`) with its version string, measured in-process (`Pipeline/engine=LABEL`: a Go benchmark; an `ffi:PATH` library is called over cgo) and as whole processes under hyperfine (`Process/engine=LABEL`, peak RSS from hyperfine's per-run memory usage).")
	m.p("")
	var rows [][]string
	for _, e := range b.Engines {
		rows = append(rows, []string{engineName(e), "`" + e.Label + "`"})
	}
	m.table([]string{"Engine (given, version)", "Label in results"}, rows)
	rows = nil
	for _, r := range b.EngineRows {
		rows = append(rows, []string{"`" + r.Engine.Label + "`", Grouped(float64(r.N)),
			statCell(r.InProcess, Duration), statCell(r.Process, Duration), statCell(r.RSS, Bytes)})
	}
	if len(rows) > 0 {
		m.table([]string{"Engine", "Findings", "In-process (median)", "Whole process (median)", "Peak RSS"}, rows)
	}
	if len(b.ABRows) == 0 {
		return
	}
	m.p("### A/B: builds of the same kind")
	m.p("")
	m.p("Each engine against the first engine of its kind given (B / A of the medians: above 1, B is slower), with the ratio's confidence interval and the Mann-Whitney U test of the two samples; the samples of A and B were taken interleaved in one run.")
	m.p("")
	rows = nil
	for _, r := range b.ABRows {
		verdict := "no significant change"
		if r.Changed && r.Ratio.Center > 1 {
			verdict = "**B slower**"
		} else if r.Changed {
			verdict = "**B faster**"
		}
		rows = append(rows, []string{engineName(r.A), engineName(r.B), r.What, Grouped(float64(r.N)),
			statCell(r.StatA, Duration), statCell(r.StatB, Duration), Factor(r.Ratio.Center), ratioCI(r.Ratio), pValue(r.P), verdict})
	}
	m.table([]string{"A", "B", "Measured", "Findings", "A (median)", "B (median)", "B / A", "95% CI", "Mann-Whitney", "Verdict"}, rows)
}
