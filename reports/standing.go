package reports

import (
	"fmt"
	"strings"
)

// mdStanding is the section "Against previous runs on this machine": the
// run's median time of every benchmark next to the median of the previous
// runs' medians (and their range), the change, and the run's place among
// them; other units only when they changed. Nothing when there are no
// previous runs.
func (b *Baseline) mdStanding(m *mdWriter) {
	st := b.Standing
	if st == nil || len(st.Previous) == 0 || len(st.Rows) == 0 {
		return
	}
	first, last := st.Previous[0], st.Previous[len(st.Previous)-1]
	m.p("## Against previous runs on this machine")
	m.p("")
	m.p("This run (`%s`) against the previous %d run%s of %s (%s) in the history store, from `%s` (%s) to `%s` (%s). "+
		"Place: this run's median among all %d medians, 1 = lowest.",
		shortCommit(st.Run.Commit), len(st.Previous), plural(len(st.Previous)), st.Run.Platform, st.Run.CPU,
		shortCommit(first.Commit), first.Date, shortCommit(last.Commit), last.Date, len(st.Previous)+1)
	m.p("")
	var rows [][]string
	var changedExact []string
	faster := 0
	for _, r := range st.Rows {
		f := formatterFor(r.Unit)
		switch {
		case r.Unit == unitTime:
			if r.This < r.Previous {
				faster++
			}
			rows = append(rows, []string{"`" + r.Name + "`", f(r.This), fmt.Sprintf("%s [%s, %s]", f(r.Previous), f(r.Lowest), f(r.Highest)),
				RelChange(r.This/r.Previous - 1), fmt.Sprintf("%d of %d", r.Rank, r.Of)})
		case r.Exact && r.This != r.Previous:
			changedExact = append(changedExact, fmt.Sprintf("`%s` %s %s → %s (%s)", r.Name, r.Unit, f(r.Previous), f(r.This), RelChange(r.This/r.Previous-1)))
		}
	}
	if len(rows) > 0 {
		m.p("%d of %d timed benchmarks are below the previous median.", faster, len(rows))
		m.p("")
		m.table([]string{"benchmark (sec/op)", "this run", "previous: median [range]", "change", "place"}, rows)
	}
	if len(changedExact) > 0 {
		m.p("Exact units that changed: %s.", strings.Join(changedExact, "; "))
		m.p("")
	}
}
