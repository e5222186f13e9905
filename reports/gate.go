package reports

import (
	"fmt"
	"io"
	"math"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/internal/mdtext"
)

// WriteGate writes the gate's report as markdown fit for a pull-request
// comment: a headline, the thresholds, the configuration lines that
// differ between the sides, one table row per series and the reasons for
// every verdict that is not "ok".
func WriteGate(w io.Writer, r *gate.Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### aegisbench gate: %s\n\n", r.Headline())
	t := r.Thresholds
	fmt.Fprintf(&b, "%d regressed, %d cannot decide, %d improved, %d unchanged, %d not gated. ",
		r.Count(gate.Regression), r.Count(gate.CannotDecide), r.Count(gate.Improved), r.Count(gate.Unchanged), r.Count(gate.NotGated))
	corr := "no multiple-comparison correction"
	if t.Correction == gate.CorrectionHolm {
		corr = fmt.Sprintf("p-values Holm-adjusted across the run's %d U tests", r.Tests)
	}
	fmt.Fprintf(&b, "A regression is a median change worse than %s with Mann-Whitney p < %v (%s); exact units are compared directly on their mode (tolerated: allocs/op %+g, instructions/op %s, other exact units %s).\n\n",
		gatePct(t.Change), t.Alpha, corr, t.Allocs, gatePct(t.Instructions), gatePct(t.Exact))
	if len(r.ConfigDiffs) > 0 {
		b.WriteString("Configuration differs between base and head:\n\n")
		for _, d := range r.ConfigDiffs {
			fmt.Fprintf(&b, "- %s: base %s, head %s\n", d.Key, gateList(d.A), gateList(d.B))
		}
		b.WriteString("\n")
	}
	if c := r.Conformance; c != nil {
		state := "passed"
		if !c.Passed() {
			state = "**FAILED**"
		}
		fmt.Fprintf(&b, "Conformance: %s (`%s`: %s)\n\n", state, c.Path, c.Summary.Line)
	}

	if len(r.Rows) > 0 {
		b.WriteString("| benchmark | unit | base | head | change | p | p adjusted | n (base+head) | verdict |\n")
		b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---|\n")
		for _, row := range r.Rows {
			p, padj := "-", "-"
			switch {
			case row.Exact:
				p, padj = "exact", "exact"
			case !math.IsNaN(row.P):
				p, padj = fmt.Sprintf("%.3g", row.P), fmt.Sprintf("%.3g", row.PAdj)
			}
			verdict := row.Verdict.String()
			if row.Verdict == gate.Regression || row.Verdict == gate.CannotDecide {
				verdict = "**" + verdict + "**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %d+%d | %s |\n",
				mdtext.Cell(row.Name), row.Unit, gateScale(row.BaseCenter, row.Unit), gateScale(row.HeadCenter, row.Unit),
				gateChange(row.Change), p, padj, row.BaseN, row.HeadN, verdict)
		}
		b.WriteString("\n")
	}
	var details []string
	for _, row := range r.Rows {
		if row.Verdict != gate.Unchanged {
			details = append(details, fmt.Sprintf("- `%s` %s: %s: %s", row.Name, row.Unit, row.Verdict, row.Reason))
		}
	}
	details = append(details, gatePrefix("- ", r.Notes)...)
	if len(details) > 0 {
		b.WriteString(strings.Join(details, "\n"))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func gatePrefix(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func gateScale(v float64, unit string) string {
	if math.IsNaN(v) {
		return "-"
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

func gateChange(c float64) string {
	switch {
	case math.IsNaN(c):
		return "-"
	case math.IsInf(c, 0):
		return fmt.Sprintf("%+v", c)
	case c == 0:
		return "0.0%"
	case math.Abs(c) < 0.001:
		return fmt.Sprintf("%+.2g%%", 100*c)
	}
	return fmt.Sprintf("%+.1f%%", 100*c)
}

func gatePct(f float64) string { return fmt.Sprintf("%.4g%%", 100*f) }

func gateList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ", ")
}
