package generators

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"
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

// Validate reports a Fit the generator cannot draw from.
func (f *Fit) Validate() error {
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
	if f.BytesPerFinding < 0 {
		return fmt.Errorf("fit: bytes_per_finding must be >= 0, got %d", f.BytesPerFinding)
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

// likePlanner draws a dataset from a Fit. Each account gets its share of
// the findings exactly (largest remainders). Findings come in workloads,
// each of one account (the one furthest below its share; with many
// accounts, one account after the other): a VPC holding a VPC-sized group
// (VPC distribution) and enough findings outside it to keep the fit's share
// of findings without a VPC. A workload is filled resource by resource: a
// resource is in the VPC or not in proportion to what is left of each part
// and gets a run of findings (resource distribution). Whether a resource
// has a role depends on its classification (the fit's shares); roles are
// given to whole resources in runs of findings (role distribution), and a
// share of findings carry another role of their workload (resources with
// several roles). A role, and a resource, of the account's previous
// workload reach the next workload's VPC with probabilities that give the
// fit's shares of roles and resources spanning VPCs; resource ids are
// otherwise unique, so workloads merge no more often at 1M findings than
// at 20K. Exposure (by VPC or not) and classification (by exposure) are
// drawn per resource, 10% of findings deviating; status, severity and EPSS
// per finding; the tactic per finding from the mix of its kind (entry,
// target, other).
type likePlanner struct {
	fit       *Fit
	st        style
	accts     []*likeAccount
	counts    []int64 // findings given to each account so far
	total     int64
	quota     []int64 // findings left to give each account
	nextAcct  int
	cur       *likeAccount
	vpcLeft   int64 // findings left to plan in the workload's VPC
	otherLeft int64 // and outside it
	otherDebt int64 // findings outside VPCs planned beyond their share so far
	spanPM    int64 // per million workloads, a role of the previous one carries over
	resSpanPM int64 // and a resource

	written, padded int64 // bytes written so far, of which padding
	findings        int64
	pad             int64 // padding planned for the current finding
}

// manyAccounts is the account count above which accounts are filled one
// after the other instead of interleaved by deficit.
const manyAccounts = 256

// quotas splits n findings over the accounts in proportion to their
// weights (largest remainders get the leftover findings, lower index
// first on ties).
func quotas(w []int64, n int64) []int64 {
	sum := sum64(w)
	q := make([]int64, len(w))
	rem := make([]int64, len(w))
	var given int64
	for a, x := range w {
		hi, lo := bits.Mul64(uint64(x), uint64(n))
		quo, r := bits.Div64(hi, lo, uint64(sum))
		q[a], rem[a] = int64(quo), int64(r)
		given += q[a]
	}
	order := make([]int, len(w))
	for a := range order {
		order[a] = a
	}
	sort.SliceStable(order, func(i, j int) bool { return rem[order[i]] > rem[order[j]] })
	for k := 0; given < n; k++ {
		q[order[k%len(order)]]++
		given++
	}
	return q
}

func newLikePlanner(r *rng, st style, f *Fit, n int) *likePlanner {
	p := &likePlanner{fit: f, st: st}
	off := r.u64()
	for k := range f.Accounts {
		name := "account-" + pad5(k)
		p.accts = append(p.accts, &likeAccount{idx: k, acct: newAccount(r, accountID(k, off), name)})
	}
	p.counts = make([]int64, len(f.Accounts))
	p.quota = quotas(f.Accounts, int64(n))
	// A carried role spans two VPCs; there are about VPC-size x (1 -
	// no-role share) / role-size roles per workload.
	if f.RoleSpanPerMillion > 0 && len(f.RoleSizes) > 0 && len(f.VPCSizes) > 0 && f.WithVPCPerMillion > 0 {
		block := meanX1000(f.VPCSizes) * 1000000 / f.WithVPCPerMillion
		roles := block * (1000000 - f.NoRolePerMillion) / 1000000 * 1000 / max(meanX1000(f.RoleSizes), 1)
		p.spanPM = min(f.RoleSpanPerMillion*roles/1000, 1000000)
	}
	// Likewise a carried resource; there are about workload-size /
	// resource-size resources in a workload.
	if f.ResourceSpanPerMillion > 0 && len(f.VPCSizes) > 0 && f.WithVPCPerMillion > 0 {
		block := meanX1000(f.VPCSizes) * 1000000 / f.WithVPCPerMillion
		res := block * 1000 / max(meanX1000(f.ResourceSizes), 1)
		p.resSpanPM = min(f.ResourceSpanPerMillion*res/1000, 1000000)
	}
	return p
}

// meanX1000 returns 1000 times the mean of the distribution given by
// percentiles p0..p100 (interpolated).
func meanX1000(p []int64) int64 {
	var s int64
	for i := 0; i < 100; i++ {
		s += p[i] + p[i+1]
	}
	return s * 5
}

// pickAccount gives the next workload to the account with findings left
// that is furthest below its share (with many accounts: the next account
// with findings left, in order).
func (p *likePlanner) pickAccount() *likeAccount {
	if len(p.accts) > manyAccounts {
		for p.nextAcct < len(p.accts)-1 && p.quota[p.nextAcct] <= 0 {
			p.nextAcct++
		}
		return p.accts[p.nextAcct]
	}
	sum := sum64(p.fit.Accounts)
	best, bestDeficit := -1, int64(0)
	for a, w := range p.fit.Accounts {
		if p.quota[a] <= 0 {
			continue
		}
		d := w*(p.total+1) - sum*p.counts[a]
		if best < 0 || d > bestDeficit {
			best, bestDeficit = a, d
		}
	}
	if best < 0 {
		best = len(p.accts) - 1 // only when asked for more than n findings
	}
	return p.accts[best]
}

// startBlock plans a new workload.
func (p *likePlanner) startBlock(r *rng) {
	f := p.fit
	switch {
	case len(f.VPCSizes) > 0 && f.WithVPCPerMillion > 0:
		p.vpcLeft = max(r.quantile(f.VPCSizes), 1)
		p.otherLeft = (p.vpcLeft*(1000000-f.WithVPCPerMillion) + r.n64(f.WithVPCPerMillion)) / f.WithVPCPerMillion
	case len(f.RoleSizes) > 0:
		p.vpcLeft, p.otherLeft = 0, max(r.quantile(f.RoleSizes), 1)
	default:
		p.vpcLeft, p.otherLeft = 0, max(r.quantile(f.ResourceSizes), 1)
	}
	paid := min(p.otherDebt, p.otherLeft)
	p.otherLeft -= paid
	p.otherDebt -= paid
	a := p.pickAccount()
	if left, size := max(p.quota[a.idx], 1), p.vpcLeft+p.otherLeft; size > left {
		// The account's last workload: keep the VPC's part of what is left.
		p.vpcLeft = p.vpcLeft * left / size
		p.otherLeft = left - p.vpcLeft
	}
	a.roleLeft = 0
	a.carry = a.lastVPCRole != "" && r.n64(1000000) < p.spanPM
	a.carryRes = a.lastVPCRes != nil && r.n64(1000000) < p.resSpanPM
	wl := &workload{acct: a.acct, size: int(p.vpcLeft + p.otherLeft)}
	wl.region = regions[r.weighted(regionWeights)]
	wl.app = pick(r, apps)
	wl.env = pick(r, envs)
	wl.vpc = newVPCID(r, p.st)
	for k := r.between(1, 3); k > 0; k-- {
		wl.subnets = append(wl.subnets, "subnet-0"+hexString(r.u64(), 16))
	}
	wl.tags = append(wl.tags, "Environment="+wl.env)
	if r.pct(70) {
		wl.tags = append(wl.tags, "Application="+wl.app)
	}
	a.wl, a.res, a.resLeft, a.swapsOwed = wl, nil, 0, 0
	p.cur = a
}

// newResource starts a run of findings on a new resource of the workload.
func (p *likePlanner) newResource(r *rng, a *likeAccount) {
	f := p.fit
	inVPC := r.n64(p.vpcLeft+p.otherLeft) < p.vpcLeft
	var kind int
	if inVPC {
		kind = likeVPCKinds[r.weighted(likeVPCWeights)]
	} else {
		kind = likeOtherKinds[r.weighted(likeOtherWeights)]
	}
	if inVPC && a.carryRes {
		p.carryResource(r, a)
		return
	}
	res := newResource(r, p.st, a.wl, kind)
	if kind == kindEKS {
		// Cluster ids are app-eks-env: make them unique, or workloads
		// would merge more often as the dataset grows.
		res.short += "-" + hexString(r.u64(), 6)
		res.name = res.short
		res.id = "arn:aws:eks:" + res.region + ":" + a.acct.id + ":cluster/" + res.short
	}
	res.vpc, res.subnet = "", ""
	size := min(max(r.quantile(f.ResourceSizes), 1), max(p.quota[a.idx], 1))
	if inVPC {
		res.vpc, res.subnet = a.wl.vpc, pick(r, a.wl.subnets)
		size = min(size, p.vpcLeft)
		p.vpcLeft -= size
	} else {
		// Outside the VPC a run may overshoot (only the VPC's size is a
		// group size); the next workload makes up for it.
		p.otherDebt += max(size-p.otherLeft, 0)
		p.otherLeft = max(p.otherLeft-size, 0)
	}
	res.exposure = p.exposure(r, inVPC)
	res.class = p.class(r, res.exposure)
	if res.exposure == expInternet && res.publicIP == "" {
		res.publicIP = newPublicIP(r)
	}
	if res.exposure <= expVPC && len(res.ports) == 0 {
		res.ports = pickPorts(r, resKinds[kind].ports)
	}
	res.role = ""
	if p.hasRole(r, res.class) {
		// A role takes whole resources: end its run at the resource
		// boundary nearest to its drawn size.
		if a.roleLeft <= 0 || (a.roleUsed > 0 && 2*a.roleLeft <= size) {
			p.nextRole(r, a)
		}
		res.role = a.role
		a.roleLeft -= size
		a.roleUsed += size
	}
	if inVPC && res.role != "" {
		if a.carry {
			// A role of the account's previous workload reaches this VPC.
			res.role, a.carry = a.lastVPCRole, false
		}
		a.lastVPCRole = res.role
	}
	if inVPC {
		a.lastVPCRes = res
	}
	a.res, a.resLeft = res, size
}

// carryResource puts the next run of findings on the account's last
// resource in a VPC, now in this workload's VPC: a resource spanning VPCs.
func (p *likePlanner) carryResource(r *rng, a *likeAccount) {
	res := *a.lastVPCRes
	res.vpc, res.subnet = a.wl.vpc, pick(r, a.wl.subnets)
	size := min(max(r.quantile(p.fit.ResourceSizes), 1), max(p.quota[a.idx], 1), p.vpcLeft)
	p.vpcLeft -= size
	a.carryRes = false
	a.lastVPCRes = &res
	a.res, a.resLeft = &res, size
}

// exposure draws a network_exposure for a finding with or without a VPC
// (from the other mix when that one is empty).
func (p *likePlanner) exposure(r *rng, inVPC bool) int {
	w := p.fit.ExposureWithoutVPC[:]
	if inVPC {
		w = p.fit.ExposureWithVPC[:]
	}
	if sum64(w) == 0 {
		if inVPC {
			w = p.fit.ExposureWithoutVPC[:]
		} else {
			w = p.fit.ExposureWithVPC[:]
		}
	}
	return r.weighted64(w)
}

// class draws a data_classification for a finding of the given exposure.
func (p *likePlanner) class(r *rng, exposure int) int {
	if w := p.fit.ClassificationByExposure[exposure][:]; sum64(w) > 0 {
		return r.weighted64(w)
	}
	return r.weighted64(p.fit.Classification[:])
}

// hasRole draws whether a resource of the given classification has a
// role.
func (p *likePlanner) hasRole(r *rng, class int) bool {
	f := p.fit
	if len(f.RoleSizes) == 0 {
		return false
	}
	no := f.NoRolePerMillion
	if sum64(f.NoRoleByClassPerMillion[:]) > 0 {
		no = f.NoRoleByClassPerMillion[class]
	}
	return !(r.n64(1000000) < no)
}

// nextRole starts a run of findings under a new role.
func (p *likePlanner) nextRole(r *rng, a *likeAccount) {
	a.roleLeft = max(r.quantile(p.fit.RoleSizes), 1)
	a.role, a.roleUsed = newRoleARN(r, p.st, a.acct, a.wl.app), 0
	a.wl.roles = append(a.wl.roles, a.role)
}

func (p *likePlanner) next(r *rng, i int, s *slot) {
	f := p.fit
	if c := p.cur; c == nil || (c.resLeft <= 0 && (p.vpcLeft+p.otherLeft <= 0 || p.quota[c.idx] <= 0)) {
		p.startBlock(r)
	}
	a := p.cur
	p.quota[a.idx]--
	p.counts[a.idx]++
	p.total++
	if a.resLeft <= 0 {
		p.newResource(r, a)
	}
	a.resLeft--
	a.wl.emitted++
	res := a.res
	*s = slot{acct: a.acct, wl: a.wl, res: res, related: s.related[:0]}
	s.role = res.role
	if res.role != "" && r.n64(1000000) < f.RoleSwapPerMillion {
		a.swapsOwed++
	}
	if a.swapsOwed > 0 && res.role != "" && len(a.wl.roles) > 1 {
		// Another role of the workload (never the resource's own); a swap
		// drawn while the workload had a single role is made up here.
		a.swapsOwed--
		k := r.n(len(a.wl.roles) - 1)
		if a.wl.roles[k] == res.role {
			k = len(a.wl.roles) - 1
		}
		s.role = a.wl.roles[k]
	}
	s.vpc, s.subnet = res.vpc, res.subnet
	s.exposure, s.class = res.exposure, res.class
	if r.pct(10) {
		s.exposure = p.exposure(r, res.vpc != "")
	}
	if r.pct(10) {
		s.class = p.class(r, s.exposure)
	}
	s.status = r.weighted64(f.Status[:])
	s.severity = int(r.quantile(f.Severity))
	s.epss = int(r.quantile(f.EPSS))
	tactics := &f.TacticOfOthers
	switch {
	case s.exposure == expInternet:
		tactics = &f.TacticOfEntries
	case s.class >= classConfidential:
		tactics = &f.TacticOfTargets
	}
	if sum64(tactics[:]) > 0 {
		s.stage = r.weighted64(tactics[:])
	} else {
		s.stage = drawStage(r, s.exposure, s.class)
	}
	if len(a.wl.recent) > 0 && r.pct(3) {
		for k := r.between(1, 2); k > 0; k-- {
			s.related = append(s.related, pick(r, a.wl.recent))
		}
	}
	s.pad = p.planPad()
}

// planPad returns the padding that brings the mean finding size to the
// fit's BytesPerFinding, given the sizes written so far.
func (p *likePlanner) planPad() int {
	p.pad = 0
	if p.fit.BytesPerFinding <= 0 {
		return 0
	}
	natural := int64(2048)
	if p.findings > 0 {
		natural = (p.written - p.padded) / p.findings
	}
	want := p.fit.BytesPerFinding*(p.findings+1) - p.written - natural
	p.pad = min(max(want, 0), maxPad)
	return int(p.pad)
}

// wrote records the bytes written for the last finding.
func (p *likePlanner) wrote(n int) {
	p.written += int64(n)
	p.padded += p.pad
	p.findings++
}

// fillerText is the padding appended to descriptions of like datasets.
const fillerText = "Additional context recorded by the source system for this finding. "

// appendFiller appends a space and n bytes of filler text.
func appendFiller(dst []byte, n int) []byte {
	if n <= 0 {
		return dst
	}
	dst = append(dst, ' ')
	for n > 1 {
		k := min(n-1, len(fillerText))
		dst = append(dst, fillerText[:k]...)
		n -= k
	}
	return dst
}
