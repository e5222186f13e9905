package generators

import (
	"errors"
	"fmt"
)

// LikeShape is the shape name of a dataset drawn from a Fit (Config.Like).
// It is not one of Shapes(): it needs parameters.
const LikeShape = "like"

// Fit holds the statistics a "like" dataset is drawn from: a profile of a
// real findings file reduced to integers (see datasets/profile, Profile.Fit),
// so that the file can be scaled to any size with its own account skew,
// group sizes, mixes and EPSS distribution. Distributions are percentiles
// p0..p100 (101 nondecreasing values) sampled with linear interpolation;
// mixes are integer weights in spec order. Integers only, so the bytes are
// the same on every platform.
type Fit struct {
	// Accounts holds a weight per account (its findings in the profile);
	// the dataset has that many accounts with those shares.
	Accounts []int64 `json:"accounts"`
	// VPCSizes, RoleSizes and ResourceSizes are the percentiles of the
	// findings per VPC, role and resource (within an account). VPCSizes and
	// RoleSizes may be empty (no VPCs, no roles); ResourceSizes may not.
	VPCSizes      []int64 `json:"vpc_sizes"`
	RoleSizes     []int64 `json:"role_sizes"`
	ResourceSizes []int64 `json:"resource_sizes"`
	// WithVPCPerMillion is the share of findings with a vpc_id, per million;
	// NoRolePerMillion that of findings with an empty iam_role_arn.
	WithVPCPerMillion int64 `json:"with_vpc_per_million"`
	NoRolePerMillion  int64 `json:"no_role_per_million"`
	// RoleSpanPerMillion is the share of roles that reach into another VPC
	// of their account, per million: the links between workloads.
	RoleSpanPerMillion int64 `json:"role_span_per_million"`
	// ResourceSpanPerMillion is the share of resources found in more than
	// one VPC of their account, per million.
	ResourceSpanPerMillion int64 `json:"resource_span_per_million"`
	// NoRoleByClassPerMillion is, for each data_classification, the share
	// of its findings (per million) with an empty iam_role_arn: whether a
	// resource has a role depends on what it holds. All zero: use
	// NoRolePerMillion for every class.
	NoRoleByClassPerMillion [4]int64 `json:"no_role_by_class_per_million"`
	// RoleSwapPerMillion is the share of findings, per million, that carry
	// another role of their workload than their resource's: resources with
	// several roles, the links between roles.
	RoleSwapPerMillion int64 `json:"role_swap_per_million"`
	// Mixes: network_exposure (INTERNET, VPC, PRIVATE, NONE) of findings
	// with and without a VPC; data_classification (NONE, INTERNAL,
	// CONFIDENTIAL, RESTRICTED); workflow_status (NEW, NOTIFIED, RESOLVED,
	// SUPPRESSED); mitre_tactic_id in stage order, for INTERNET-exposed
	// findings, for other CONFIDENTIAL or RESTRICTED ones and for the rest.
	ExposureWithVPC    [4]int64 `json:"exposure_with_vpc"`
	ExposureWithoutVPC [4]int64 `json:"exposure_without_vpc"`
	Classification     [4]int64 `json:"classification"`
	// ClassificationByExposure is the classification mix of each exposure
	// (INTERNET, VPC, PRIVATE, NONE); an all-zero row falls back to
	// Classification.
	ClassificationByExposure [4][4]int64 `json:"classification_by_exposure"`
	Status                   [4]int64    `json:"status"`
	TacticOfEntries          [14]int64   `json:"tactic_of_entries"`
	TacticOfTargets          [14]int64   `json:"tactic_of_targets"`
	TacticOfOthers           [14]int64   `json:"tactic_of_others"`
	// Severity and EPSS are the percentiles of severity_normalized and
	// epss_e5.
	Severity []int64 `json:"severity"`
	EPSS     []int64 `json:"epss"`
	// BytesPerFinding is the mean size of a finding to pad descriptions up
	// to (0: no padding; the generator's findings are about 2.1 KB).
	BytesPerFinding int64 `json:"bytes_per_finding"`
}

// maxPad bounds the padding added to one finding.
const maxPad = 64 << 10

// Validate reports a Fit the generator cannot draw from: the first
// problem found in the accounts, percentiles, rates, mixes, then the size.
func (f *Fit) Validate() error {
	for _, check := range []func() error{f.validateAccounts, f.validatePercentiles, f.validateRates, f.validateMixes} {
		if err := check(); err != nil {
			return err
		}
	}
	if f.BytesPerFinding < 0 {
		return fmt.Errorf("fit: bytes_per_finding must be >= 0, got %d", f.BytesPerFinding)
	}
	return nil
}

// validateAccounts checks the account weights: some, none negative, not all 0.
func (f *Fit) validateAccounts() error {
	if len(f.Accounts) == 0 {
		return errors.New("fit: no accounts")
	}
	var sum int64
	for k, w := range f.Accounts {
		if w < 0 {
			return fmt.Errorf("fit: accounts[%d]: negative weight %d", k, w)
		}
		sum += w
	}
	if sum == 0 {
		return errors.New("fit: accounts: all weights are 0")
	}
	return nil
}

// validatePercentiles checks each distribution: 101 nondecreasing values
// in its range (vpc_sizes and role_sizes may be empty).
func (f *Fit) validatePercentiles() error {
	for _, d := range []struct {
		name     string
		p        []int64
		lo, hi   int64
		optional bool
	}{
		{"vpc_sizes", f.VPCSizes, 1, 1 << 40, true}, {"role_sizes", f.RoleSizes, 1, 1 << 40, true},
		{"resource_sizes", f.ResourceSizes, 1, 1 << 40, false},
		{"severity", f.Severity, 0, 100, false}, {"epss", f.EPSS, 0, 100000, false},
	} {
		if len(d.p) == 0 && d.optional {
			continue
		}
		if len(d.p) != 101 {
			return fmt.Errorf("fit: %s: want 101 percentiles, got %d", d.name, len(d.p))
		}
		for k, x := range d.p {
			if x < d.lo || x > d.hi || (k > 0 && x < d.p[k-1]) {
				return fmt.Errorf("fit: %s: percentiles must be nondecreasing in %d..%d (p%d = %d)", d.name, d.lo, d.hi, k, x)
			}
		}
	}
	return nil
}

// validateRates checks the per-million rates, and that the sizes of VPCs
// and roles are given when findings have them.
func (f *Fit) validateRates() error {
	for _, pm := range []struct {
		name string
		v    int64
	}{{"with_vpc_per_million", f.WithVPCPerMillion}, {"no_role_per_million", f.NoRolePerMillion}, {"role_span_per_million", f.RoleSpanPerMillion},
		{"role_swap_per_million", f.RoleSwapPerMillion}, {"resource_span_per_million", f.ResourceSpanPerMillion}} {
		if pm.v < 0 || pm.v > 1000000 {
			return fmt.Errorf("fit: %s must be in 0..1000000, got %d", pm.name, pm.v)
		}
	}
	for c, v := range f.NoRoleByClassPerMillion {
		if v < 0 || v > 1000000 {
			return fmt.Errorf("fit: no_role_by_class_per_million[%d] must be in 0..1000000, got %d", c, v)
		}
	}
	if f.WithVPCPerMillion > 0 && len(f.VPCSizes) == 0 {
		return errors.New("fit: findings with a VPC but no vpc_sizes")
	}
	if f.NoRolePerMillion < 1000000 && len(f.RoleSizes) == 0 {
		return errors.New("fit: findings with a role but no role_sizes")
	}
	return nil
}

// validateMixes checks the mix weights: none negative, and classification,
// status and exposure not all 0.
func (f *Fit) validateMixes() error {
	for _, m := range []struct {
		name string
		w    []int64
	}{{"exposure_with_vpc", f.ExposureWithVPC[:]}, {"exposure_without_vpc", f.ExposureWithoutVPC[:]}, {"classification", f.Classification[:]},
		{"status", f.Status[:]}, {"tactic_of_entries", f.TacticOfEntries[:]}, {"tactic_of_targets", f.TacticOfTargets[:]}, {"tactic_of_others", f.TacticOfOthers[:]}} {
		for _, w := range m.w {
			if w < 0 {
				return fmt.Errorf("fit: %s: negative weight", m.name)
			}
		}
	}
	for e := range f.ClassificationByExposure {
		for _, w := range f.ClassificationByExposure[e] {
			if w < 0 {
				return fmt.Errorf("fit: classification_by_exposure[%d]: negative weight", e)
			}
		}
	}
	for _, m := range []struct {
		name string
		w    []int64
	}{{"classification", f.Classification[:]}, {"status", f.Status[:]}} {
		if sum64(m.w) == 0 {
			return fmt.Errorf("fit: %s: all weights are 0", m.name)
		}
	}
	if sum64(f.ExposureWithVPC[:])+sum64(f.ExposureWithoutVPC[:]) == 0 {
		return errors.New("fit: exposure: all weights are 0")
	}
	return nil
}

func sum64(w []int64) int64 {
	var s int64
	for _, x := range w {
		s += x
	}
	return s
}

// weighted64 returns index i with probability w[i]/sum(w); sum must be > 0.
func (r *rng) weighted64(w []int64) int {
	x := r.n64(sum64(w))
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	return len(w) - 1
}

// quantile draws from a distribution given by its percentiles p0..p100:
// a uniform position in [0, 100) percent, linearly interpolated and
// rounded to the nearest integer (flooring would bias small integer sizes
// down: between percentiles 1 and 2 it would always give 1).
func (r *rng) quantile(p []int64) int64 {
	u := r.n64(100000)
	i, frac := u/1000, u%1000
	lo, hi := p[i], p[i+1]
	return lo + ((hi-lo)*frac+500)/1000
}

// Resource kinds a like dataset draws, with and without a VPC.
var (
	likeVPCKinds     = []int{kindEC2, kindSG, kindELB, kindRDS, kindLambda, kindEKS}
	likeVPCWeights   = []int{35, 15, 5, 10, 15, 5}
	likeOtherKinds   = []int{kindS3, kindDynamo, kindIAMRole, kindECR, kindLambda}
	likeOtherWeights = []int{40, 20, 15, 10, 15}
)

// likeAccount is one account's planning state: its current workload, the
// run of findings on one resource and the run of findings under one role.
type likeAccount struct {
	idx      int
	acct     *account
	wl       *workload
	res      *resource
	resLeft  int64
	role     string
	roleLeft int64
	roleUsed int64 // findings given the current role so far
	// lastVPCRole is the last role given to a resource in a VPC; carry asks
	// that the workload's first VPC resource take it (a spanning role).
	lastVPCRole string
	carry       bool
	// lastVPCRes is the last resource in a VPC; carryRes asks that the
	// workload's first VPC resource be it (a resource spanning VPCs).
	lastVPCRes *resource
	carryRes   bool
	swapsOwed  int // role swaps drawn but not yet made in this workload
}
