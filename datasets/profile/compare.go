package profile

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/aegisbench/aegisbench/internal/mdtext"
)

// DefaultThreshold is the relative difference from which Compare flags a
// cost metric.
const DefaultThreshold = 0.10

// Row is one metric of a comparison.
type Row struct {
	Section string
	Metric  string
	A, B    float64
	// OK reports that both profiles have the metric.
	OK bool
	// Cost marks metrics that drive the engine's cost (decoding, edge
	// construction, walks, candidates).
	Cost bool
	// Extensive marks metrics that grow with the number of findings: they
	// are only flagged when both files have about as many findings.
	Extensive bool
	// Diff is (B - A) / A (±Inf when A is 0 and B is not).
	Diff float64
	// Flag: a cost metric differing by more than the threshold.
	Flag   bool
	digits int
}

// Compare lists the metrics of a and b side by side, flagging the cost
// metrics whose relative difference exceeds threshold (DefaultThreshold
// when <= 0). Extensive metrics are flagged only when the finding counts
// are themselves within the threshold of each other.
//
// Long: it is the table of the 40-odd compared metrics, one add call per
// metric in the order of the report, then the flagging loop; splitting the
// table would scatter that order across functions.
func Compare(a, b *Profile, threshold float64) []Row {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	var rows []Row
	add := func(section, metric string, digits int, cost, extensive bool, f func(p *Profile) (float64, bool)) {
		x, okA := f(a)
		y, okB := f(b)
		rows = append(rows, Row{Section: section, Metric: metric, A: x, B: y, OK: okA && okB, Cost: cost, Extensive: extensive, digits: digits})
	}
	always := func(g func(p *Profile) float64) func(p *Profile) (float64, bool) {
		return func(p *Profile) (float64, bool) { return g(p), true }
	}
	engine := func(g func(p *Profile) float64) func(p *Profile) (float64, bool) {
		return func(p *Profile) (float64, bool) { return g(p), p.Engine.Computed }
	}
	reach := func(g func(p *Profile) float64) func(p *Profile) (float64, bool) {
		return func(p *Profile) (float64, bool) { return g(p), p.Reach.Computed && p.Reach.Walked > 0 }
	}
	perK := func(x int64, p *Profile) float64 {
		if p.Findings == 0 {
			return 0
		}
		return 1000 * float64(x) / float64(p.Findings)
	}
	shareOf := func(cs []Count, values ...string) float64 {
		s := 0.0
		for _, c := range cs {
			for _, v := range values {
				if c.Value == v {
					s += c.Share
				}
			}
		}
		return s
	}

	add("file", "findings", 0, false, true, always(func(p *Profile) float64 { return float64(p.Findings) }))
	add("file", "bytes per finding", 0, true, false, always(func(p *Profile) float64 { return p.BytesPerFinding }))
	add("accounts", "accounts", 0, true, false, always(func(p *Profile) float64 { return float64(p.Accounts.Count) }))
	add("accounts", "largest account share (%)", 1, true, false, always(func(p *Profile) float64 {
		if len(p.Accounts.Top) == 0 {
			return 0
		}
		return 100 * p.Accounts.Top[0].Share
	}))
	add("accounts", "findings per account, mean", 1, false, true, always(func(p *Profile) float64 { return p.Accounts.Sizes.Mean }))
	for _, g := range []struct {
		name string
		get  func(p *Profile) GroupStats
		span bool
	}{
		{"vpc_id", func(p *Profile) GroupStats { return p.Groups.VPC }, false},
		{"iam_role_arn", func(p *Profile) GroupStats { return p.Groups.Role }, true},
		{"resource_id", func(p *Profile) GroupStats { return p.Groups.Resource }, true},
	} {
		sec := "groups: " + g.name
		add(sec, "group size p50", 0, true, false, always(func(p *Profile) float64 { return float64(g.get(p).Sizes.P50) }))
		add(sec, "group size p90", 0, true, false, always(func(p *Profile) float64 { return float64(g.get(p).Sizes.P90) }))
		add(sec, "group size p99", 0, true, false, always(func(p *Profile) float64 { return float64(g.get(p).Sizes.P99) }))
		add(sec, "group size mean", 2, true, false, always(func(p *Profile) float64 { return g.get(p).Sizes.Mean }))
		add(sec, "group size max", 0, false, false, always(func(p *Profile) float64 { return float64(g.get(p).Sizes.Max) }))
		if g.name != "resource_id" {
			add(sec, "findings without one (%)", 1, true, false, always(func(p *Profile) float64 {
				if p.Findings == 0 {
					return 0
				}
				return 100 * float64(g.get(p).WithoutKey) / float64(p.Findings)
			}))
		}
		if g.span {
			add(sec, "groups spanning VPCs (%)", 1, true, false, always(func(p *Profile) float64 { return 100 * g.get(p).SpanningVPCs }))
		}
		if g.name == "resource_id" {
			add(sec, "groups with several roles (%)", 1, true, false, always(func(p *Profile) float64 { return 100 * g.get(p).MixedRoles }))
		}
	}
	add("mixes", "active: NEW or NOTIFIED (%)", 1, true, false, always(func(p *Profile) float64 {
		return 100 * shareOf(p.Mixes.WorkflowStatus, "NEW", "NOTIFIED")
	}))
	add("mixes", "INTERNET-exposed (%)", 1, true, false, always(func(p *Profile) float64 { return 100 * shareOf(p.Mixes.NetworkExposure, "INTERNET") }))
	add("mixes", "VPC-exposed (%)", 1, true, false, always(func(p *Profile) float64 { return 100 * shareOf(p.Mixes.NetworkExposure, "VPC") }))
	add("mixes", "CONFIDENTIAL or RESTRICTED (%)", 1, true, false, always(func(p *Profile) float64 {
		return 100 * shareOf(p.Mixes.DataClassification, "CONFIDENTIAL", "RESTRICTED")
	}))
	add("mixes", "entries at initial access TA0001 (%)", 1, false, false, always(func(p *Profile) float64 { return 100 * shareOf(p.Mixes.TacticOfEntries, "TA0001") }))
	add("mixes", "epss_e5 p50", 0, false, false, always(func(p *Profile) float64 { return float64(p.EPSS.P50) }))
	add("mixes", "epss_e5 p90", 0, false, false, always(func(p *Profile) float64 { return float64(p.EPSS.P90) }))
	add("mixes", "severity_normalized p50", 0, false, false, always(func(p *Profile) float64 { return float64(p.Severity.P50) }))

	add("engine", "edges per finding", 2, true, false, engine(func(p *Profile) float64 { return p.Engine.EdgesPerFinding }))
	add("engine", "entries per 1k findings", 1, true, false, engine(func(p *Profile) float64 { return perK(p.Engine.Totals.Entries, p) }))
	add("engine", "targets per 1k findings", 1, true, false, engine(func(p *Profile) float64 { return perK(p.Engine.Totals.Targets, p) }))
	add("engine", "candidate paths per 1k findings", 1, true, false, engine(func(p *Profile) float64 { return perK(p.Engine.Totals.CandidatePaths, p) }))
	add("engine", "candidate paths per account, mean", 1, true, true, engine(func(p *Profile) float64 { return p.Engine.CandidatePathsPerAccount.Mean }))
	add("engine", "edges", 0, false, true, engine(func(p *Profile) float64 { return float64(p.Engine.Totals.Edges) }))
	add("engine", "entries", 0, false, true, engine(func(p *Profile) float64 { return float64(p.Engine.Totals.Entries) }))
	add("engine", "targets", 0, false, true, engine(func(p *Profile) float64 { return float64(p.Engine.Totals.Targets) }))
	add("engine", "candidate paths", 0, false, true, engine(func(p *Profile) float64 { return float64(p.Engine.Totals.CandidatePaths) }))
	add("reachable sets", "reachable set p50", 0, true, false, reach(func(p *Profile) float64 { return float64(p.Reach.Sizes.P50) }))
	add("reachable sets", "reachable set p90", 0, true, false, reach(func(p *Profile) float64 { return float64(p.Reach.Sizes.P90) }))
	add("reachable sets", "reachable set mean", 1, true, false, reach(func(p *Profile) float64 { return p.Reach.Sizes.Mean }))
	add("reachable sets", "reachable set max", 0, false, false, reach(func(p *Profile) float64 { return float64(p.Reach.Sizes.Max) }))

	sameSize := relDiff(float64(a.Findings), float64(b.Findings)) <= threshold
	for k := range rows {
		r := &rows[k]
		if !r.OK {
			continue
		}
		r.Diff = relDiff(r.A, r.B)
		if r.B < r.A {
			r.Diff = -r.Diff
		}
		r.Flag = r.Cost && (!r.Extensive || sameSize) && math.Abs(r.Diff) > threshold
	}
	return rows
}

// relDiff returns |b - a| / |a| (+Inf when a is 0 and b is not).
func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	if a == 0 {
		return math.Inf(1)
	}
	return math.Abs(b-a) / math.Abs(a)
}

// WriteCompare writes the comparison of a and b as a markdown table.
func WriteCompare(w io.Writer, a, b *Profile, rows []Row, threshold float64) error {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	var s strings.Builder
	fmt.Fprintf(&s, "# Profiles compared\n\n- A: %s (%s findings, sha256 %s)\n- B: %s (%s findings, sha256 %s)\n\n",
		mdtext.Cell(a.File.Name), num(int64(a.Findings)), short(a.File.SHA256), mdtext.Cell(b.File.Name), num(int64(b.Findings)), short(b.File.SHA256))
	fmt.Fprintf(&s, "Cost metrics (marked *) that differ by more than %.0f%% are flagged; those that grow with the number of findings only when both files have about as many.\n\n", 100*threshold)
	s.WriteString("| section | metric | A | B | B vs A | |\n|---|---|---:|---:|---:|---|\n")
	flagged := 0
	last := ""
	for _, r := range rows {
		sec := ""
		if r.Section != last {
			sec, last = r.Section, r.Section
		}
		name := r.Metric
		if r.Cost {
			name += " *"
		}
		a, b, d, flag := "n/a", "n/a", "", ""
		if r.OK {
			a, b = format(r.A, r.digits), format(r.B, r.digits)
			switch {
			case math.IsInf(r.Diff, 0):
				d = "new"
			default:
				d = fmt.Sprintf("%+.1f%%", 100*r.Diff)
			}
		}
		if r.Flag {
			flag = "**DIFFERS**"
			flagged++
		}
		fmt.Fprintf(&s, "| %s | %s | %s | %s | %s | %s |\n", sec, name, a, b, d, flag)
	}
	fmt.Fprintf(&s, "\n%d cost metric(s) differ by more than %.0f%%.\n", flagged, 100*threshold)
	_, err := io.WriteString(w, s.String())
	return err
}

// Flagged counts the flagged rows.
func Flagged(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Flag {
			n++
		}
	}
	return n
}

func format(x float64, digits int) string {
	if digits == 0 && math.Abs(x) < 1e15 {
		return num(int64(math.Round(x)))
	}
	return fmt.Sprintf("%.*f", digits, x)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
