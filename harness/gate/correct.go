package gate

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Holm returns Holm's step-down adjusted p-values of ps (same order): with
// the m p-values sorted ascending, the i-th (from 0) is multiplied by m-i,
// and the adjusted values are made non-decreasing and capped at 1.
// Rejecting every hypothesis whose adjusted p is below alpha keeps the
// probability of any false rejection below alpha under any dependence
// between the tests (Holm 1979).
func Holm(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	out := make([]float64, m)
	running := 0.0
	for rank, i := range idx {
		running = math.Max(running, math.Min(1, float64(m-rank)*ps[i]))
		out[i] = running
	}
	return out
}

// correct adjusts the p-values of every row that ran a U test (Holm
// across the run, or none) and gives those rows their verdicts. It notes
// when the correction makes a single regression impossible to detect
// with the samples at hand.
func (r *Report) correct() {
	var tested []int
	var ps []float64
	for i, row := range r.Rows {
		if !math.IsNaN(row.P) {
			tested = append(tested, i)
			ps = append(ps, row.P)
		}
	}
	r.Tests = len(tested)
	adj := ps
	if r.Thresholds.Correction == CorrectionHolm {
		adj = Holm(ps)
	}
	smallest := math.Inf(1)
	for j, i := range tested {
		r.Rows[i].PAdj = adj[j]
		r.Rows[i] = decide(r.Rows[i], r.Thresholds)
		smallest = math.Min(smallest, minP(r.Rows[i].BaseN, r.Rows[i].HeadN))
	}
	if r.Thresholds.Correction != CorrectionHolm || len(tested) == 0 {
		return
	}
	level := r.Thresholds.Alpha / float64(len(tested))
	if smallest >= level {
		need := MinSamples(level)
		r.Notes = append(r.Notes, fmt.Sprintf("Holm correction over %d U tests: the first test must reach p < %.2g, and these sample counts cannot (smallest possible p %.2g); a single regression is undetectable: take >= %d samples per side", len(tested), level, smallest, need))
	}
}

func orNone(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	return strings.Join(vs, ", ")
}
