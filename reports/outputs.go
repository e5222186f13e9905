package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/conform"
)

// outputCell is a dataset's output digests for the datasets table.
func outputCell(o bench.OutputDigest) string {
	if len(o.Answers) == 0 {
		return "not recorded"
	}
	parts := make([]string, len(o.Answers))
	for i, a := range o.Answers {
		parts[i] = fmt.Sprintf("`%s` (%s)", conform.ShortDigest(a.Digest), strings.Join(a.Engines, ", "))
	}
	opts := fmt.Sprintf(" at max-depth %d, top-k %d", o.Options.MaxDepth, o.Options.TopK)
	if o.Agree() {
		return parts[0] + opts
	}
	return "**engines differ:** " + strings.Join(parts, "; ") + opts
}

// OutputRow compares one engine's output on one dataset size across two
// platforms: the same code on the same data must write the same document
// everywhere, so a difference is a finding, not noise.
type OutputRow struct {
	N       int
	Engine  string
	A, B    string // digests ("" when not recorded on that side)
	Reasons []string
}

// Equal reports whether both sides recorded the same digest.
func (r OutputRow) Equal() bool { return r.A != "" && r.A == r.B }

// compareOutputs pairs the output digests of a and b (the output lines of
// their datasets, ds*: datasetsByN) by dataset size and engine label.
func compareOutputs(a, b Side, dsA, dsB map[int][]DatasetInfo) []OutputRow {
	var rows []OutputRow
	for _, n := range sizes(a.Set, b.Set) {
		var labels []string
		for _, d := range append(slices.Clone(dsA[n]), dsB[n]...) {
			for _, ans := range d.Output.Answers {
				for _, e := range ans.Engines {
					if !slices.Contains(labels, e) {
						labels = append(labels, e)
					}
				}
			}
		}
		for _, e := range labels {
			la, lb := outputOf(dsA[n], e), outputOf(dsB[n], e)
			r := OutputRow{N: n, Engine: e, A: la.DigestOf(e), B: lb.DigestOf(e)}
			r.Reasons = datasetReasons(n, a.Label, b.Label, dsA[n], dsB[n])
			if optA, optB := la.Options, lb.Options; r.A != "" && r.B != "" && optA != optB {
				r.Reasons = append(r.Reasons, fmt.Sprintf("different options (%s: max-depth %d, top-k %d; %s: max-depth %d, top-k %d)",
					a.Label, optA.MaxDepth, optA.TopK, b.Label, optB.MaxDepth, optB.TopK))
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// outputOf is the first output line of ds that records engine's answer
// (the zero line, which records none, when there is none).
func outputOf(ds []DatasetInfo, engine string) bench.OutputDigest {
	for _, d := range ds {
		if d.Output.DigestOf(engine) != "" {
			return d.Output
		}
	}
	return bench.OutputDigest{}
}

// mdOutputs writes the output digests section of a comparison.
func (c *PlatformComparison) mdOutputs(m *mdWriter) {
	m.p("## Output digests")
	m.p("")
	if len(c.Outputs) == 0 {
		m.p("Not recorded on either side (bench records them from this version on).")
		m.p("")
		return
	}
	m.p("The sha256 of each engine's output document (RFC 8785 canonical form) on each dataset. The same code on the same data must write the same document on every platform: a difference here is a bug, whatever the timings say.")
	m.p("")
	var rows [][]string
	for _, r := range c.Outputs {
		cell := func(d string) string {
			if d == "" {
				return "not recorded"
			}
			return "`" + conform.ShortDigest(d) + "`"
		}
		var verdict string
		switch {
		case r.A == "" && r.B == "":
			verdict = "not recorded"
		case r.A == "":
			verdict = "not recorded on " + c.A.Label
		case r.B == "":
			verdict = "not recorded on " + c.B.Label
		case len(r.Reasons) > 0:
			verdict = "not comparable: " + strings.Join(r.Reasons, "; ")
		case r.Equal():
			verdict = "equal"
		default:
			verdict = "**DIFFERENT**"
		}
		rows = append(rows, []string{Grouped(float64(r.N)), r.Engine, cell(r.A), cell(r.B), verdict})
	}
	m.table([]string{"Findings", "Engine", c.A.Label, c.B.Label, "Verdict"}, rows)
}
