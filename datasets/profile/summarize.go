package profile

// The collector's counts turned into a Profile.

import (
	"fmt"
	"sort"

	"github.com/aegisbench/aegisbench/internal/schema"
)

// profile assembles everything but the file identity, the engine counts
// and the reachable sets.
func (c *collector) profile() *Profile {
	p := &Profile{Schema: Schema, Findings: c.findings}
	p.Options = RunParams{MaxDepth: c.opt.MaxDepth, MaxFindingBytes: c.opt.MaxFindingBytes, EngineMaxBytes: c.opt.EngineMaxBytes}

	p.Check = c.check()

	p.FindingBytes = distFromHist(c.sizeHist, sizeBucket)
	if p.FindingBytes.N > 0 {
		p.FindingBytes.Max = c.maxSize
	}

	p.Accounts = c.accounts()

	// Groups.
	p.Groups.VPC = c.groups[gVPC].stats(c.withoutVPC, false)
	p.Groups.Role = c.groups[gRole].stats(c.withoutRole, true)
	p.Groups.Resource = c.groups[gResource].stats(0, true)
	for k, v := range classValues {
		p.Groups.Role.WithoutKeyByClass = append(p.Groups.Role.WithoutKeyByClass, Count{Value: v, Count: c.noRoleByClass[k], Share: share(c.noRoleByClass[k], c.classCount[k])})
	}

	p.Mixes = c.mixes()

	if c.idsTruncated {
		p.Notes = append(p.Notes, fmt.Sprintf("more than %d distinct ids: duplicates of later ids are not detected", c.opt.MaxDistinct))
	}
	if c.acctTrunc {
		p.Notes = append(p.Notes, fmt.Sprintf("more than %d distinct accounts: account statistics are partial", c.opt.MaxDistinct))
	}
	for k, name := range []string{"resource", "role", "VPC"} {
		if c.groups[k].truncated {
			p.Notes = append(p.Notes, fmt.Sprintf("more than %d distinct %s groups: their statistics are partial", c.opt.MaxDistinct, name))
		}
	}
	p.EPSS = distFromHist(c.epssHist, 1)
	p.Severity = distFromHist(c.sevHist[:], 1)
	return p
}

// check is the schema check: the counts, the fields with violations
// (the finding as a whole first) and the ten commonest unknown members.
func (c *collector) check() Check {
	ch := &Check{}
	ch.Fatal = c.fatal
	ch.Violations, ch.ConventionViolations, ch.InvalidFindings = c.violations, c.conventions, c.invalidFindings
	ch.Valid = c.fatal == "" && c.violations == 0
	for f := 0; f <= schema.NumFields; f++ {
		acc := c.fieldViol[f]
		if acc == nil {
			continue
		}
		name := findingField
		if f < schema.NumFields {
			name = schema.Fields[f].Name
		}
		sort.SliceStable(acc.rules, func(a, b int) bool { return acc.rules[a].Count > acc.rules[b].Count })
		ch.Fields = append(ch.Fields, FieldCheck{Field: name, Count: acc.count, Rules: acc.rules, Examples: acc.examples})
	}
	// The finding as a whole first, then fields in section-6 order.
	if n := len(ch.Fields); n > 0 && ch.Fields[n-1].Field == findingField {
		ch.Fields = append(ch.Fields[n-1:], ch.Fields[:n-1]...)
	}
	ch.UnknownMembers = c.unknownTotal
	for name, n := range c.unknown {
		ch.UnknownNames = append(ch.UnknownNames, NameCount{Name: name, Count: n})
	}
	sort.Slice(ch.UnknownNames, func(a, b int) bool {
		x, y := ch.UnknownNames[a], ch.UnknownNames[b]
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		return x.Name < y.Name
	})
	if len(ch.UnknownNames) > 10 {
		ch.UnknownNames = ch.UnknownNames[:10]
	}
	return *ch
}

// accounts is the account statistics, with the ten biggest accounts.
func (c *collector) accounts() Accounts {
	a := &Accounts{}
	a.Count = len(c.acctNames)
	a.Truncated = c.acctTrunc
	a.Sizes = distOf(c.acctSize)
	order := make([]int, len(c.acctNames))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if c.acctSize[x] != c.acctSize[y] {
			return c.acctSize[x] > c.acctSize[y]
		}
		return c.acctNames[x] < c.acctNames[y]
	})
	for _, k := range order[:min(10, len(order))] {
		a.Top = append(a.Top, AccountShare{ID: c.acctNames[k], Findings: c.acctSize[k], Share: share(c.acctSize[k], int64(c.findings))})
	}
	return *a
}

// mixes is the value mixes of the enum fields, overall and conditional.
func (c *collector) mixes() Mixes {
	m := &Mixes{}
	m.NetworkExposure = counts(exposureValues, c.exposure[:])
	m.DataClassification = counts(classValues, c.class[:])
	m.WorkflowStatus = counts(statusValues, c.status[:])
	m.MitreTacticID = counts(tacticValues, c.tactic[:])
	m.SeverityLabel = counts(severityLabelValues, c.sevLabel[:])
	m.ExposureWithVPC = counts(exposureValues, c.exposureByVPC[1][:])
	m.ExposureWithoutVPC = counts(exposureValues, c.exposureByVPC[0][:])
	for k, e := range exposureValues {
		m.ClassificationByExposure = append(m.ClassificationByExposure, ExposureMix{Exposure: e, Classes: counts(classValues, c.classByExposure[k][:])})
	}
	m.TacticOfEntries = counts(tacticValues, c.tacticByKind[0][:])
	m.TacticOfTargets = counts(tacticValues, c.tacticByKind[1][:])
	m.TacticOfOthers = counts(tacticValues, c.tacticByKind[2][:])
	return *m
}

func (t *groupTable) stats(without int64, spanning bool) GroupStats {
	g := GroupStats{Groups: len(t.size), WithoutKey: without, Sizes: distOf(t.size), Truncated: t.truncated}
	if spanning && len(t.multi) > 0 {
		n := 0
		for _, m := range t.multi {
			if m {
				n++
			}
		}
		g.SpanningVPCs = float64(n) / float64(len(t.multi))
	}
	if len(t.multiRole) > 0 {
		n := 0
		for _, m := range t.multiRole {
			if m {
				n++
			}
		}
		g.MixedRoles = float64(n) / float64(len(t.multiRole))
	}
	return g
}

// counts lists an enumeration's counts in spec order, then "(other)" when
// any value was out of the domain.
func counts(values []string, n []int64) []Count {
	var total int64
	for _, x := range n {
		total += x
	}
	out := make([]Count, 0, len(n))
	for k, v := range values {
		out = append(out, Count{Value: v, Count: n[k], Share: share(n[k], total)})
	}
	if other := n[len(values)]; other > 0 {
		out = append(out, Count{Value: "(other)", Count: other, Share: share(other, total)})
	}
	return out
}

func share(x, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(x) / float64(total)
}
