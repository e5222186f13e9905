package profile

import (
	"errors"
	"fmt"
	"math"

	"github.com/aegisbench/aegisbench/generators"
)

// Fit reduces the profile to the generator's parameters for a dataset like
// the profiled file at any size (`aegisbench generate --like`): the same
// accounts with the same shares (the ten largest exactly, the others from
// the account-size percentiles), the group size percentiles, the shares of
// findings without VPC or role and of roles spanning VPCs, the mixes, the
// severity and EPSS percentiles, and the bytes per finding.
func (p *Profile) Fit() (generators.Fit, error) {
	var f generators.Fit
	if p.Findings == 0 {
		return f, errors.New("the profile has no findings to fit")
	}
	if p.Check.Fatal != "" {
		return f, fmt.Errorf("the profiled file is not a findings document (%s)", p.Check.Fatal)
	}
	a := p.Accounts
	if a.Count == 0 || len(a.Top) == 0 {
		return f, errors.New("the profile has no valid aws_account_id")
	}
	for _, t := range a.Top {
		f.Accounts = append(f.Accounts, t.Findings)
	}
	if rest := a.Count - len(a.Top); rest > 0 {
		if len(a.Sizes.Percentiles) != 101 {
			return f, errors.New("the profile has no account-size percentiles")
		}
		// The smaller accounts are the lowest ranks of the distribution.
		for j := 0; j < rest; j++ {
			q := (float64(j) + 0.5) / float64(a.Count) * 100
			f.Accounts = append(f.Accounts, max(1, int64(math.Round(interpolate(a.Sizes.Percentiles, q)))))
		}
	}
	n := float64(p.Findings)
	perMillion := func(x float64) int64 { return min(1000000, max(0, int64(math.Round(x*1e6)))) }
	g := p.Groups
	if g.VPC.Groups > 0 {
		f.VPCSizes = g.VPC.Sizes.Percentiles
		f.WithVPCPerMillion = perMillion((n - float64(g.VPC.WithoutKey)) / n)
	}
	if g.Role.Groups > 0 {
		f.RoleSizes = g.Role.Sizes.Percentiles
		f.NoRolePerMillion = perMillion(float64(g.Role.WithoutKey) / n)
		f.RoleSpanPerMillion = perMillion(g.Role.SpanningVPCs)
		f.RoleSwapPerMillion = perMillion(swapRate(g.Resource, g.Role, n))
		for _, c := range g.Role.WithoutKeyByClass {
			if k := enumIndex(classValues, []byte(c.Value)); k < len(classValues) {
				f.NoRoleByClassPerMillion[k] = perMillion(c.Share)
			}
		}
	} else {
		f.NoRolePerMillion = 1000000
		f.NoRoleByClassPerMillion = [4]int64{1000000, 1000000, 1000000, 1000000}
	}
	if g.Resource.Groups == 0 {
		return f, errors.New("the profile has no valid resource_id")
	}
	f.ResourceSizes = g.Resource.Sizes.Percentiles
	if g.VPC.Groups > 0 {
		f.ResourceSpanPerMillion = perMillion(g.Resource.SpanningVPCs)
	}
	m := p.Mixes
	copy(f.ExposureWithVPC[:], weights(m.ExposureWithVPC, exposureValues))
	copy(f.ExposureWithoutVPC[:], weights(m.ExposureWithoutVPC, exposureValues))
	copy(f.Classification[:], weights(m.DataClassification, classValues))
	for _, em := range m.ClassificationByExposure {
		if k := enumIndex(exposureValues, []byte(em.Exposure)); k < len(exposureValues) {
			copy(f.ClassificationByExposure[k][:], weights(em.Classes, classValues))
		}
	}
	copy(f.Status[:], weights(m.WorkflowStatus, statusValues))
	copy(f.TacticOfEntries[:], weights(m.TacticOfEntries, tacticValues))
	copy(f.TacticOfTargets[:], weights(m.TacticOfTargets, tacticValues))
	copy(f.TacticOfOthers[:], weights(m.TacticOfOthers, tacticValues))
	if p.Severity.N == 0 || p.EPSS.N == 0 {
		return f, errors.New("the profile has no valid severity_normalized or epss_e5")
	}
	f.Severity = p.Severity.Percentiles
	f.EPSS = p.EPSS.Percentiles
	f.BytesPerFinding = int64(math.Round(p.BytesPerFinding))
	if err := f.Validate(); err != nil {
		return f, err
	}
	return f, nil
}

// interpolate evaluates percentiles p0..p100 at q in [0, 100].
func interpolate(p []int64, q float64) float64 {
	i := int(q)
	if i >= 100 {
		return float64(p[100])
	}
	frac := q - float64(i)
	return float64(p[i]) + (float64(p[i+1])-float64(p[i]))*frac
}

// weights returns the counts of the values, in the given order ("(other)"
// dropped).
func weights(cs []Count, values []string) []int64 {
	out := make([]int64, len(values))
	for _, c := range cs {
		for k, v := range values {
			if c.Value == v {
				out[k] = c.Count
			}
		}
	}
	return out
}

// swapRate solves for d, the share of findings that carry another role than
// their resource's, such that the share of resources with several roles
// is the profile's: a resource of k >= 2 findings with a role is mixed with
// probability 1 - (1-d)^k, k taken from the resource-size percentiles.
func swapRate(res, role GroupStats, findings float64) float64 {
	target := res.MixedRoles
	if target <= 0 || len(res.Sizes.Percentiles) != 101 {
		return 0
	}
	withRole := 1 - float64(role.WithoutKey)/findings
	mixed := func(d float64) float64 {
		s := 0.0
		for i := range 100 {
			k := interpolate(res.Sizes.Percentiles, float64(i)+0.5)
			if k >= 2 {
				s += 1 - math.Pow(1-d, k)
			}
		}
		return withRole * s / 100
	}
	if mixed(1) <= target {
		return 1
	}
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if mixed(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
