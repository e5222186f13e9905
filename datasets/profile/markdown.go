package profile

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/internal/mdtext"
	"github.com/aegisbench/aegisbench/internal/numfmt"
)

// WriteMarkdown writes the profile for people: a header table, then one
// section per part of the profile (the sections after the schema check
// only when the file has findings).
func (p *Profile) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p.writeHeader(&b)
	p.writeSchemaCheck(&b)
	if p.Findings > 0 {
		p.writeAccounts(&b)
		p.writeGroups(&b)
		p.writeMixes(&b)
		p.writeDistributions(&b)
		p.writeEngine(&b)
		p.writeReach(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader writes the title and the file table.
func (p *Profile) writeHeader(b *strings.Builder) {
	fmt.Fprintf(b, "# Profile of %s\n\n", mdtext.Cell(p.File.Name))
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(b, "| file | %s |\n", mdtext.Cell(p.File.Path))
	fmt.Fprintf(b, "| bytes | %s (%s) |\n", num(p.File.Bytes), humanBytes(p.File.Bytes))
	fmt.Fprintf(b, "| sha256 | `%s` |\n", p.File.SHA256)
	fmt.Fprintf(b, "| findings | %s |\n", num(int64(p.Findings)))
	if p.Findings > 0 {
		fb := p.FindingBytes
		fmt.Fprintf(b, "| bytes per finding | %.0f (one finding: p50 ≈%d, p90 ≈%d, p99 ≈%d, max %s) |\n", p.BytesPerFinding, fb.P50, fb.P90, fb.P99, num(fb.Max))
	}
}

// writeSchemaCheck writes the "Schema check" section and the partial-read notes.
func (p *Profile) writeSchemaCheck(b *strings.Builder) {
	b.WriteString("\n## Schema check\n\n")
	c := &p.Check
	switch {
	case c.Fatal != "":
		fmt.Fprintf(b, "**NOT A FINDINGS DOCUMENT**: %s\n\nThe profile below covers the %s findings read before that point.\n", mdtext.Cell(c.Fatal), num(int64(p.Findings)))
	case c.Valid:
		b.WriteString("**Valid**: every finding is an object with the 56 fields once each, of their types; the engine fields are in their domains and the ids are unique.\n")
	default:
		fmt.Fprintf(b, "**INVALID**: %s in %s of %s (the engine or the list operation rejects this file).\n",
			plural(int64(c.Violations), "violation", "violations"), num(int64(c.InvalidFindings)), plural(int64(p.Findings), "finding", "findings"))
	}
	if c.ConventionViolations > 0 {
		fmt.Fprintf(b, "\n%s a section-6 convention (severity_label band, compliance_status, record_state, timestamps), which no operation checks.\n", plural(int64(c.ConventionViolations), "value breaks", "values break"))
	}
	if len(c.Fields) > 0 {
		b.WriteString("\n| field | violations | rules (class: rule x count) | first examples (finding: value) |\n|---|---:|---|---|\n")
		for _, f := range c.Fields {
			rules := make([]string, len(f.Rules))
			for k, r := range f.Rules {
				rules[k] = fmt.Sprintf("%s: %s x %s", r.Class, r.Rule, num(int64(r.Count)))
			}
			ex := make([]string, len(f.Examples))
			for k, e := range f.Examples {
				v := e.Value
				if v == "" {
					v = "(absent)"
				}
				ex[k] = fmt.Sprintf("%d: `%s`", e.Index, mdtext.Code(v))
				if e.Rule != "" && len(f.Rules) > 1 || strings.HasPrefix(e.Rule, "duplicate id (") {
					ex[k] += " (" + mdtext.Cell(e.Rule) + ")"
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", f.Field, num(int64(f.Count)), mdtext.Cell(strings.Join(rules, "; ")), strings.Join(ex, "<br>"))
		}
	}
	if c.UnknownMembers > 0 {
		names := make([]string, len(c.UnknownNames))
		for k, n := range c.UnknownNames {
			names[k] = fmt.Sprintf("`%s` x %s", mdtext.Code(n.Name), num(int64(n.Count)))
		}
		fmt.Fprintf(b, "\n%s none of the 56 fields (ignored by every operation): %s.\n", plural(int64(c.UnknownMembers), "member is", "members are"), strings.Join(names, ", "))
	}
	for _, n := range p.Notes {
		fmt.Fprintf(b, "\nPartial: %s.\n", mdtext.Cell(n))
	}
}

// writeAccounts writes the "Accounts" section.
func (p *Profile) writeAccounts(b *strings.Builder) {
	b.WriteString("\n## Accounts\n\n")
	a := &p.Accounts
	fmt.Fprintf(b, "%s; findings per account: p50 %s, p90 %s, max %s, mean %.1f.", plural(int64(a.Count), "account", "accounts"), num(a.Sizes.P50), num(a.Sizes.P90), num(a.Sizes.Max), a.Sizes.Mean)
	if a.Truncated {
		b.WriteString(" (More distinct accounts than the profiler keeps: counts are partial.)")
	}
	b.WriteString("\n\n| account | findings | share |\n|---|---:|---:|\n")
	for _, s := range a.Top {
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", mdtext.Code(s.ID), num(s.Findings), pct(s.Share))
	}
}

// writeGroups writes the "Groups" section.
func (p *Profile) writeGroups(b *strings.Builder) {
	b.WriteString("\n## Groups\n\nFindings per distinct value of a key within an account (edges are made inside these groups).\n\n")
	b.WriteString("| key | groups | findings without | p50 | p90 | p99 | max | mean | spanning VPCs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range []struct {
		name string
		s    GroupStats
		span bool
	}{{"vpc_id", p.Groups.VPC, false}, {"iam_role_arn", p.Groups.Role, true}, {"resource_id", p.Groups.Resource, true}} {
		span := "-"
		if g.span {
			span = pct(g.s.SpanningVPCs)
		}
		trunc := ""
		if g.s.Truncated {
			trunc = " (truncated)"
		}
		fmt.Fprintf(b, "| %s | %s%s | %s | %d | %d | %d | %s | %.2f | %s |\n", g.name, num(int64(g.s.Groups)), trunc, num(g.s.WithoutKey),
			g.s.Sizes.P50, g.s.Sizes.P90, g.s.Sizes.P99, num(g.s.Sizes.Max), g.s.Sizes.Mean, span)
	}
}

// writeMixes writes the "Mixes" section.
func (p *Profile) writeMixes(b *strings.Builder) {
	b.WriteString("\n## Mixes\n\n| field | value | findings | share |\n|---|---|---:|---:|\n")
	m := &p.Mixes
	for _, mx := range []struct {
		name string
		c    []Count
	}{{"network_exposure", m.NetworkExposure}, {"data_classification", m.DataClassification}, {"workflow_status", m.WorkflowStatus},
		{"severity_label", m.SeverityLabel}, {"mitre_tactic_id", m.MitreTacticID}} {
		for k, x := range mx.c {
			name := ""
			if k == 0 {
				name = mx.name
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, mdtext.Cell(x.Value), num(x.Count), pct(x.Share))
		}
	}
}

// writeDistributions writes the "Distributions" section.
func (p *Profile) writeDistributions(b *strings.Builder) {
	b.WriteString("\n## Distributions\n\n| field | n | p50 | p90 | p99 | max | mean |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, d := range []struct {
		name string
		d    Dist
	}{{"epss_e5", p.EPSS}, {"severity_normalized", p.Severity}} {
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %.1f |\n", d.name, num(d.d.N), d.d.P50, d.d.P90, d.d.P99, d.d.Max, d.d.Mean)
	}
}

// writeEngine writes the "Engine" section.
func (p *Profile) writeEngine(b *strings.Builder) {
	e := &p.Engine
	fmt.Fprintf(b, "\n## Engine")
	if e.Name != "" {
		fmt.Fprintf(b, " (%s, max_depth %d)", e.Name, e.MaxDepth)
	}
	b.WriteString("\n\n")
	if !e.Computed {
		fmt.Fprintf(b, "Not computed: %s.\n", mdtext.Cell(e.Skipped))
	} else {
		t := e.Totals
		b.WriteString("| | findings | active | edges | edges per finding | entries | targets | candidate paths |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(b, "| **total** | %s | %s | %s | %.2f | %s | %s | %s |\n", num(t.Findings), num(t.Active), num(t.Edges), e.EdgesPerFinding, num(t.Entries), num(t.Targets), num(t.CandidatePaths))
		for _, ac := range e.Accounts {
			epf := 0.0
			if ac.Findings > 0 {
				epf = float64(ac.Edges) / float64(ac.Findings)
			}
			fmt.Fprintf(b, "| `%s` | %s | %s | %s | %.2f | %s | %s | %s |\n", mdtext.Code(ac.ID), num(ac.Findings), num(ac.Active), num(ac.Edges), epf, num(ac.Entries), num(ac.Targets), num(ac.CandidatePaths))
		}
		cp := e.CandidatePathsPerAccount
		fmt.Fprintf(b, "\nCandidate paths per account: p50 %s, p90 %s, max %s, mean %.1f (over %s accounts).\n", num(cp.P50), num(cp.P90), num(cp.Max), cp.Mean, num(cp.N))
	}
}

// writeReach writes the "Reachable sets" section, with its cross-check against the engine's counts.
func (p *Profile) writeReach(b *strings.Builder) {
	r, e := &p.Reach, &p.Engine
	fmt.Fprintf(b, "\n## Reachable sets (max_depth %d)\n\n", r.MaxDepth)
	if !r.Computed {
		fmt.Fprintf(b, "Not computed: %s.\n", mdtext.Cell(r.Skipped))
	} else {
		fmt.Fprintf(b, "Findings an entry reaches within %d edges (itself excluded), over %s of %s entries: p50 %s, p90 %s, p99 %s, max %s, mean %.1f.",
			r.MaxDepth, num(int64(r.Walked)), num(int64(r.Entries)), num(r.Sizes.P50), num(r.Sizes.P90), num(r.Sizes.P99), num(r.Sizes.Max), r.Sizes.Mean)
		fmt.Fprintf(b, " Targets reached: %s", num(r.TargetsReached))
		switch {
		case r.MatchesEngine == nil:
			b.WriteString(".")
		case *r.MatchesEngine:
			b.WriteString(" = the engine's candidate paths (cross-check OK).")
		default:
			fmt.Fprintf(b, " but the engine counts %s candidate paths and %s entries (cross-check FAILED: a bug in the profiler or the engine).", num(e.Totals.CandidatePaths), num(e.Totals.Entries))
		}
		if r.Skipped != "" {
			fmt.Fprintf(b, " Partial: %s.", r.Skipped)
		}
		b.WriteString("\n")
	}
}

// Summary returns the profile in one line (no tabs, no newlines), for
// results' config lines and reports.
func (p *Profile) Summary() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%d findings", p.Findings))
	switch {
	case p.Check.Fatal != "":
		parts = append(parts, "NOT A FINDINGS DOCUMENT: "+oneLine(p.Check.Fatal))
		return strings.Join(parts, ", ")
	case !p.Check.Valid:
		parts = append(parts, fmt.Sprintf("INVALID (%d violations in %d findings)", p.Check.Violations, p.Check.InvalidFindings))
	}
	if p.Findings > 0 {
		parts = append(parts, fmt.Sprintf("%.0f B/finding", p.BytesPerFinding))
		top := 0.0
		if len(p.Accounts.Top) > 0 {
			top = p.Accounts.Top[0].Share
		}
		parts = append(parts, fmt.Sprintf("%s (largest %s)", plural(int64(p.Accounts.Count), "account", "accounts"), pct(top)))
		parts = append(parts, fmt.Sprintf("group p50/max vpc %d/%d role %d/%d resource %d/%d",
			p.Groups.VPC.Sizes.P50, p.Groups.VPC.Sizes.Max, p.Groups.Role.Sizes.P50, p.Groups.Role.Sizes.Max,
			p.Groups.Resource.Sizes.P50, p.Groups.Resource.Sizes.Max))
	}
	if e := p.Engine; e.Computed {
		parts = append(parts, fmt.Sprintf("edges %d (%.2f/finding)", e.Totals.Edges, e.EdgesPerFinding),
			fmt.Sprintf("entries %d", e.Totals.Entries), fmt.Sprintf("targets %d", e.Totals.Targets),
			fmt.Sprintf("candidate paths %d", e.Totals.CandidatePaths))
	} else {
		parts = append(parts, "engine counts skipped: "+oneLine(e.Skipped))
	}
	if r := p.Reach; r.Computed && r.Walked > 0 {
		parts = append(parts, fmt.Sprintf("reachable set p50/p90/max %d/%d/%d", r.Sizes.P50, r.Sizes.P90, r.Sizes.Max))
	}
	return strings.Join(parts, ", ")
}

// plural formats a count with the singular or plural noun.
func plural(n int64, one, many string) string {
	if n == 1 {
		return num(n) + " " + one
	}
	return num(n) + " " + many
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// num formats an integer with thousands separators.
func num(n int64) string { return numfmt.GroupThousands(strconv.FormatInt(n, 10)) }

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
