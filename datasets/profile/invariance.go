package profile

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/internal/numfmt"
)

// InvarianceTolerance is the relative difference from the smallest dataset
// of a ladder within which a size-invariant figure must stay.
const InvarianceTolerance = 0.05

// Figure is one cost-relevant figure of a profile that does not grow with
// the number of findings in a size-invariant shape: structure per finding.
type Figure struct {
	Name  string
	Value float64
	// OK is false when the profile lacks the figure (engine skipped).
	OK bool
}

// InvariantFigures returns the figures of p that generator version 2 keeps
// the same at every size: edges per finding; entries, targets and
// candidate paths per 1,000 findings; for each group key (vpc_id,
// iam_role_arn, resource_id) the mean group size and its tail (the mean of
// percentiles 90 to 100, steadier than one percentile of integers); the
// share of resources with several roles; and the mean reachable set.
func InvariantFigures(p *Profile) []Figure {
	perK := func(x int64) float64 {
		if p.Findings == 0 {
			return 0
		}
		return 1000 * float64(x) / float64(p.Findings)
	}
	eng := p.Engine.Computed
	out := []Figure{
		{"edges per finding", p.Engine.EdgesPerFinding, eng},
		{"entries per 1k findings", perK(p.Engine.Totals.Entries), eng},
		{"targets per 1k findings", perK(p.Engine.Totals.Targets), eng},
		{"candidate paths per 1k findings", perK(p.Engine.Totals.CandidatePaths), eng},
	}
	for _, g := range []struct {
		name string
		s    GroupStats
	}{{"vpc_id", p.Groups.VPC}, {"iam_role_arn", p.Groups.Role}, {"resource_id", p.Groups.Resource}} {
		out = append(out,
			Figure{g.name + " group size, mean", g.s.Sizes.Mean, true},
			Figure{g.name + " group size, tail (mean of p90..p100)", tailMean(g.s.Sizes), len(g.s.Sizes.Percentiles) == 101})
	}
	out = append(out,
		Figure{"resources with several roles (%)", 100 * p.Groups.Resource.MixedRoles, true},
		Figure{"reachable set, mean", p.Reach.Sizes.Mean, p.Reach.Computed && p.Reach.Walked > 0})
	return out
}

func tailMean(d Dist) float64 {
	if len(d.Percentiles) != 101 {
		return 0
	}
	s := int64(0)
	for _, x := range d.Percentiles[90:] {
		s += x
	}
	return float64(s) / 11
}

// MeanFigures averages the invariant figures of several profiles of one
// size (seeds): a reference free of one seed's sampling noise. A figure is
// OK when every profile has it.
func MeanFigures(ps []*Profile) []Figure {
	var out []Figure
	for i, p := range ps {
		for k, f := range InvariantFigures(p) {
			if i == 0 {
				out = append(out, Figure{Name: f.Name, OK: true})
			}
			out[k].Value += f.Value / float64(len(ps))
			out[k].OK = out[k].OK && f.OK
		}
	}
	return out
}

// LadderRow is one figure across a ladder of profiles.
type LadderRow struct {
	Figure string
	Values []float64
	OK     []bool
	// Diffs are each profile's relative difference from the first one.
	Diffs []float64
	// Outside counts the profiles differing by more than the tolerance.
	Outside int
}

// Ladder lines up the invariant figures of profiles (the first is the
// reference) and counts those more than tol (InvarianceTolerance when <= 0)
// away from the reference. A figure the reference lacks is not checked.
func Ladder(profiles []*Profile, tol float64) []LadderRow {
	if tol <= 0 {
		tol = InvarianceTolerance
	}
	if len(profiles) == 0 {
		return nil
	}
	var rows []LadderRow
	for k, f := range InvariantFigures(profiles[0]) {
		r := LadderRow{Figure: f.Name}
		for _, p := range profiles {
			g := InvariantFigures(p)[k]
			d := relDiff(f.Value, g.Value)
			if g.Value < f.Value {
				d = -d
			}
			r.Values, r.OK, r.Diffs = append(r.Values, g.Value), append(r.OK, g.OK), append(r.Diffs, d)
			if f.OK && (!g.OK || math.Abs(d) > tol) {
				r.Outside++
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// Outside returns the number of (figure, profile) pairs out of tolerance.
func Outside(rows []LadderRow) int {
	n := 0
	for _, r := range rows {
		n += r.Outside
	}
	return n
}

// WriteLadder writes the ladder as a markdown table: one row per figure,
// one column per profile (its findings), each value with its difference
// from the first column; a bold difference is out of tolerance.
func WriteLadder(w io.Writer, profiles []*Profile, rows []LadderRow, tol float64) error {
	if tol <= 0 {
		tol = InvarianceTolerance
	}
	var b strings.Builder
	b.WriteString("| figure |")
	for _, p := range profiles {
		b.WriteString(" " + numfmt.GroupThousands(strconv.Itoa(p.Findings)) + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(profiles)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + r.Figure + " |")
		for i := range r.Values {
			switch {
			case !r.OK[i]:
				b.WriteString(" - |")
			case i == 0:
				fmt.Fprintf(&b, " %.2f |", r.Values[i])
			default:
				d := fmt.Sprintf("%+.1f%%", 100*r.Diffs[i])
				if math.Abs(r.Diffs[i]) > tol {
					d = "**" + d + "**"
				}
				fmt.Fprintf(&b, " %.2f (%s) |", r.Values[i], d)
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d of %d figures outside ±%.0f%% of the first column.\n", Outside(rows), len(rows)*max(len(profiles)-1, 0), 100*tol)
	_, err := io.WriteString(w, b.String())
	return err
}
