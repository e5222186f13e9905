package reports

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// HistoryComparison is two points of the history, each the pooled samples
// of every run at its commit(s).
type HistoryComparison struct {
	FromRef, ToRef string
	From, To       *history.Side
	Alpha          float64 // significance level of the U test (0.05)
}

// WriteHistoryComparison writes the benchstat-style markdown table of every
// series present on both sides: median and 95% CI of each, the change of
// the medians when significant (Mann-Whitney U, p < Alpha; exact units
// compared directly) or "~", and p with the sample counts. Series on one
// side only are listed after it.
func WriteHistoryComparison(w io.Writer, c HistoryComparison) error {
	m := &mdWriter{w: w}
	m.p("# %s → %s", c.FromRef, c.ToRef)
	m.p("")
	m.p("%s: %s. %s: %s. All samples of every run at each point; medians with 95%% confidence intervals; "+
		"the change is shown when a Mann-Whitney U test gives p < %g (exact units: when the values differ), else `~`.",
		c.FromRef, sideLine(c.From), c.ToRef, sideLine(c.To), c.Alpha)
	m.p("")
	var rows [][]string
	var onlyOne []string
	for _, k := range c.From.Order {
		to, ok := c.To.Values[k]
		if !ok {
			onlyOne = append(onlyOne, fmt.Sprintf("`%s` %s (%s): only in %s", k.Name, k.Unit, k.Platform, c.FromRef))
			continue
		}
		rows = append(rows, compareRow(k, c.From.Values[k], to, c.From.Exact[k] || c.To.Exact[k], c.Alpha))
	}
	for _, k := range c.To.Order {
		if _, ok := c.From.Values[k]; !ok {
			onlyOne = append(onlyOne, fmt.Sprintf("`%s` %s (%s): only in %s", k.Name, k.Unit, k.Platform, c.ToRef))
		}
	}
	if len(rows) == 0 {
		m.p("No series is measured at both points.")
	} else {
		m.table([]string{"series", "unit", "platform", c.FromRef, c.ToRef, "vs " + c.FromRef, "p (n)"}, rows)
	}
	for _, s := range onlyOne {
		m.p("- %s", s)
	}
	return m.err
}

func sideLine(s *history.Side) string {
	commits := map[string]bool{}
	for _, r := range s.Runs {
		commits[r.Commit] = true
	}
	var names []string
	for _, r := range s.Runs {
		if commits[r.Commit] {
			names = append(names, "`"+shortCommit(r.Commit)+"`")
			delete(commits, r.Commit)
		}
	}
	return fmt.Sprintf("%d run%s of commit %s", len(s.Runs), plural(len(s.Runs)), strings.Join(names, ", "))
}

func compareRow(k history.Key, from, to []float64, exact bool, alpha float64) []string {
	a := stats.Summarize(from, history.Assumption(exact), stats.Confidence)
	b := stats.Summarize(to, history.Assumption(exact), stats.Confidence)
	f := formatterFor(k.Unit)
	cell := func(s stats.Summary) string {
		if ci := pctCI(s); ci != "" {
			return f(s.Center) + " " + ci
		}
		return f(s.Center)
	}
	change, p := "~", "exact"
	delta := RelChange(b.Center/a.Center - 1)
	if exact {
		if a.Center != b.Center {
			change = delta
		}
	} else {
		cmp := stats.Compare(from, to)
		cmp.Alpha = alpha
		if cmp.Significant() {
			change = delta
		}
		p = pValue(cmp)
	}
	if math.IsNaN(a.Center) || math.IsNaN(b.Center) {
		change = "n/a"
	}
	return []string{"`" + k.Name + "`", k.Unit, k.Platform, cell(a), cell(b), change, p}
}
