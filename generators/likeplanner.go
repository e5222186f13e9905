package generators

// The planner of "like" datasets (the Fit it draws from is in like.go).

import (
	"math/bits"
	"sort"
)

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
