package gate

import (
	"fmt"
	"io"
	"math"
	"strings"

	"golang.org/x/perf/benchunit"
)

// Headline returns the one-line verdict, e.g. "REGRESSION: 1 of 6
// comparisons regressed".
func (r *Report) Headline() string {
	total := len(r.Rows)
	switch r.Verdict {
	case Regression:
		n := r.Count(Regression)
		if n == 0 {
			return "FAIL: conformance failed"
		}
		s := fmt.Sprintf("REGRESSION: %d of %d comparisons regressed", n, total)
		if r.Conformance != nil && r.Conformance.Verdict == ConformanceFailed {
			s += "; conformance failed"
		}
		return s
	case CannotDecide:
		n := r.Count(CannotDecide)
		if n == 0 {
			if total == 0 {
				return "CANNOT DECIDE: no benchmark results"
			}
			return "CANNOT DECIDE: conformance result unknown"
		}
		return fmt.Sprintf("CANNOT DECIDE: %d of %d comparisons lack samples", n, total)
	}
	return fmt.Sprintf("PASS: no regression in %d comparisons", total)
}

// WriteMarkdown writes the report as markdown fit for a pull-request
// comment: a headline, the thresholds, one table row per series and the
// reasons for every verdict that is not "ok".
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### aegisbench gate: %s\n\n", r.Headline())
	t := r.Thresholds
	fmt.Fprintf(&b, "%d regressed, %d cannot decide, %d improved, %d unchanged, %d not gated. ",
		r.Count(Regression), r.Count(CannotDecide), r.Count(Improved), r.Count(Unchanged), r.Count(NotGated))
	corr := "no multiple-comparison correction"
	if t.Correction == CorrectionHolm {
		corr = fmt.Sprintf("p-values Holm-adjusted across the run's %d U tests", r.Tests)
	}
	fmt.Fprintf(&b, "A regression is a median change worse than %s with Mann-Whitney p < %v (%s); exact units are compared directly on their mode (tolerated: allocs/op %+g, instructions/op %s, other exact units %s).\n\n",
		pct(t.Change), t.Alpha, corr, t.Allocs, pct(t.Instructions), pct(t.Exact))
	if len(r.ConfigDiffs) > 0 {
		b.WriteString("Configuration differs between base and head:\n\n")
		for _, d := range r.ConfigDiffs {
			fmt.Fprintf(&b, "- %s: base %s, head %s\n", d.Key, orNone(d.A), orNone(d.B))
		}
		b.WriteString("\n")
	}
	if c := r.Conformance; c != nil {
		state := map[ConformanceVerdict]string{ConformancePassed: "passed", ConformanceFailed: "**FAILED**", ConformanceUnknown: "unknown"}[c.Verdict]
		fmt.Fprintf(&b, "Conformance: %s (`%s`)\n\n", state, c.Line)
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
			if row.Verdict == Regression || row.Verdict == CannotDecide {
				verdict = "**" + verdict + "**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %d+%d | %s |\n",
				mdEscape(row.Name), row.Unit, scale(row.BaseCenter, row.Unit), scale(row.HeadCenter, row.Unit),
				changeString(row.Change), p, padj, row.BaseN, row.HeadN, verdict)
		}
		b.WriteString("\n")
	}
	var details []string
	for _, row := range r.Rows {
		if row.Verdict != Unchanged {
			details = append(details, fmt.Sprintf("- `%s` %s: %s: %s", row.Name, row.Unit, row.Verdict, row.Reason))
		}
	}
	details = append(details, prefixAll("- ", r.Notes)...)
	if len(details) > 0 {
		b.WriteString(strings.Join(details, "\n"))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func scale(v float64, unit string) string {
	if math.IsNaN(v) {
		return "-"
	}
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

func changeString(c float64) string {
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

func pct(f float64) string { return fmt.Sprintf("%.4g%%", 100*f) }

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
