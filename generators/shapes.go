package generators

import (
	"strconv"
)

// slot is the plan for one finding: where it sits in the attack graph (its
// engine fields) and the context the rest of its fields are derived from.
type slot struct {
	acct     *account
	wl       *workload
	res      *resource
	role     string
	vpc      string
	subnet   string
	exposure int
	class    int
	severity int
	epss     int
	stage    int
	status   int
	related  []string
	pad      int // bytes of filler text to add to the description (like datasets only)
}

// planner decides the engine-relevant skeleton of each finding in turn. It
// keeps only bounded state, so memory stays flat in the number of findings.
type planner interface {
	next(r *rng, i int, s *slot)
}

// shapeDef describes a shape and builds its planner.
type shapeDef struct {
	info  ShapeInfo
	adv   bool
	build func(r *rng, st style, n int) planner
	// notInvariant says why the shape's structure per finding grows with
	// the number of findings by design ("" for the size-invariant shapes).
	notInvariant string
}

// SizeInvariantShapes lists the shapes whose cost-relevant structure per
// finding is the same at every size in generator version 2.
func SizeInvariantShapes() []string {
	var out []string
	for _, d := range shapeDefs {
		if d.notInvariant == "" {
			out = append(out, d.info.Name)
		}
	}
	return out
}

// NotSizeInvariant returns the reason a shape's structure per finding
// grows with its size, or "" for a size-invariant shape.
func NotSizeInvariant(shape string) string {
	d, _ := lookupShape(shape)
	return d.notInvariant
}

var shapeDefs = []shapeDef{
	{ShapeInfo{"realistic", "Production-like mix: ~2.1 KB per finding, 5 accounts skewed 40/25/15/12/8%, ~85% active, findings grouped in workloads of 10-40 (one VPC, a few roles and resources) with ~1% cross-workload links, so edges and reachable sets grow near-linearly."},
		false, func(r *rng, st style, n int) planner { return newWorkloadPlanner(r, st, nil) }, ""},
	{ShapeInfo{"dense", "Worst case for edge construction: 3 accounts (85% of findings in one), each essentially one huge VPC, ~85% of findings VPC- or INTERNET-exposed: O(k^2) VPC_REACH edges per account (about 1M edges at 2000 findings)."},
		false, func(r *rng, st style, n int) planner { return newDensePlanner(r, st) },
		"by design: three accounts, each one huge VPC, so VPC_REACH edges per finding grow linearly with the findings of an account"},
	{ShapeInfo{"chain", "Long stage-ordered chains (10-26 findings) linked alternately by a shared resource and a shared role, with no shortcuts: shortest paths of up to 25 hops, so max_depth (up to 16) is what bounds them."},
		false, func(r *rng, st style, n int) planner { return newChainPlanner(r, st) },
		"not dealt: it stresses depth (chains of 10-26 findings, paths up to 25 hops), not size; version 2 only widens its ids"},
	{ShapeInfo{"ties", "Realistic topology but severity in {50, 90} and epss_e5 in {0, 1000, 50000}: many equal scores, exercising the tie-breaks on hops, entry id and target id."},
		false, func(r *rng, st style, n int) planner { return newWorkloadPlanner(r, st, tieValues) }, ""},
	{ShapeInfo{"sparse", "Few edges: every finding has its own resource, mostly no VPC and no role; ~10% pair up on a shared resource. Many isolated findings and accounts with no paths."},
		false, func(r *rng, st style, n int) planner { return newSparsePlanner(r, st) }, ""},
	{ShapeInfo{"many-accounts", "Many small accounts, each a small workload (version 2: n/20 accounts of 20 findings; version 1: max(1000, n/20), at most n): stresses per-account partitioning, account ordering and output size."},
		false, func(r *rng, st style, n int) planner { return newManyAccountsPlanner(r, st, n) }, ""},
	{ShapeInfo{"adversarial", "Realistic topology with hostile but valid JSON: non-ASCII and escaped strings (\\u escapes, surrogate pairs, escaped member names) in text and engine fields (ids, accounts, roles, VPCs), strings of tens of KB, odd number forms (1.50, 1E2, -0.0, 1e-7) in non-engine numbers, and varied white space."},
		true, func(r *rng, st style, n int) planner { return newWorkloadPlanner(r, st, nil) }, ""},
}

func lookupShape(name string) (shapeDef, bool) {
	for _, d := range shapeDefs {
		if d.info.Name == name {
			return d, true
		}
	}
	return shapeDef{}, false
}

// standardAccounts returns the five accounts of the realistic shapes.
func standardAccounts(r *rng, st style) []*account {
	names := []string{"prod-payments", "prod-platform", "staging", "dev-sandbox", "security-audit"}
	off := r.u64()
	out := make([]*account, len(names))
	for k, name := range names {
		id := accountID(k, off)
		if st.adversarial && k >= 2 {
			// Prefixes whose UTF-8 byte order differs from their UTF-16 order.
			id = []string{"", "", "ＡＣＣＴ-", "😀-", "é-"}[k] + id
			name += "-" + pick(r, advWords)
		}
		out[k] = newAccount(r, id, name)
	}
	return out
}

var standardAccountWeights = []int{40, 25, 15, 12, 8}

// workloadPlanner emits findings workload by workload (realistic, ties,
// adversarial).
type workloadPlanner struct {
	st      style
	accts   []*account
	weights []int
	counts  []int
	total   int
	cur     *workload
	recent  [][]*workload // per account, the last few workloads
	tweak   func(r *rng, s *slot)
	strata  *strata // version 2 only
}

func newWorkloadPlanner(r *rng, st style, tweak func(r *rng, s *slot)) *workloadPlanner {
	accts := standardAccounts(r, st)
	return &workloadPlanner{st: st, accts: accts, weights: standardAccountWeights,
		counts: make([]int, len(accts)), recent: make([][]*workload, len(accts)), tweak: tweak,
		strata: newStrataFor(st)}
}

// newStrataFor returns the dealing state of version 2, nil for version 1.
func newStrataFor(st style) *strata {
	if st.version < 2 {
		return nil
	}
	return newStrata()
}

// pickAccount gives the next workload to the account furthest below its
// share, so the skew holds closely even for small datasets.
func (p *workloadPlanner) pickAccount(size int) int {
	total := p.total + size
	best, bestDeficit := 0, 0
	for a, w := range p.weights {
		d := w*total - 100*p.counts[a]
		if a == 0 || d > bestDeficit {
			best, bestDeficit = a, d
		}
	}
	p.counts[best] += size
	p.total = total
	return best
}

const recentWorkloads = 4

func (p *workloadPlanner) next(r *rng, i int, s *slot) {
	if p.cur == nil || p.cur.emitted >= p.cur.size {
		p.startWorkload(r)
	}
	var c *cell
	if p.strata != nil {
		c = &p.cur.deck[p.cur.emitted]
	}
	fillFromWorkload(r, s, p.cur, c)
	// Rare link to a recent workload of the same account (version 2:
	// dealt, exactly 1% of the findings that can have one).
	if ring := p.recent[indexOf(p.accts, p.cur.acct)]; len(ring) > 1 && p.link(r) {
		other := ring[r.n(len(ring)-1)] // the last one is cur
		if (p.strata == nil && r.pct(50)) || (p.strata != nil && p.strata.linkKind.next() == 0) {
			setResource(r, s, pick(r, other.res))
		} else {
			s.role = pick(r, other.roles)
		}
	}
	if p.strata != nil {
		p.strata.apply(r, s, *c)
	}
	if p.tweak != nil {
		p.tweak(r, s)
	}
}

// startWorkload makes the next workload current: version 1 draws its size
// and VPC, version 2 deals them (strata).
func (p *workloadPlanner) startWorkload(r *rng) {
	var a int
	if p.strata == nil {
		size := r.between(minWorkload, maxWorkload)
		a = p.pickAccount(size)
		p.cur = newWorkload(r, p.st, p.accts[a], size)
	} else {
		size, l := p.strata.layout(r, 0)
		a = p.pickAccount(size)
		p.cur = newWorkloadLayout(r, p.st, p.accts[a], size, l)
		p.strata.deal(r, p.cur)
	}
	ring := p.recent[a]
	if len(ring) == recentWorkloads {
		copy(ring, ring[1:])
		ring = ring[:recentWorkloads-1]
	}
	p.recent[a] = append(ring, p.cur)
}

// link decides whether the next finding links to another workload.
func (p *workloadPlanner) link(r *rng) bool {
	if p.strata == nil {
		return r.permille(10)
	}
	return p.strata.link.next() == 1
}

func indexOf(accts []*account, a *account) int {
	for k, x := range accts {
		if x == a {
			return k
		}
	}
	return 0
}

// fillFromWorkload plans a finding on one of a workload's resources
// (version 2: the dealt cell c's resource and role).
func fillFromWorkload(r *rng, s *slot, wl *workload, c *cell) {
	*s = slot{acct: wl.acct, wl: wl, related: s.related[:0]}
	var res *resource
	if c == nil {
		n := len(wl.res)
		res = wl.res[min(r.n(n), r.n(n))] // skewed to the first resources
	} else {
		res = c.res
	}
	setResource(r, s, res)
	switch {
	case c != nil:
		c.setRole(r, s, wl)
	case r.pct(6):
		s.role = "" // explicit empty role
	case r.pct(10):
		s.role = pick(r, wl.roles) // another principal of the workload
	}
	s.status = drawStatus(r)
	s.severity = drawSeverity(r)
	s.epss = drawEPSS(r)
	s.stage = drawStage(r, s.exposure, s.class)
	if len(wl.recent) > 0 && r.pct(3) {
		for k := r.between(1, 2); k > 0; k-- {
			s.related = append(s.related, pick(r, wl.recent))
		}
	}
	wl.emitted++
}

// setResource puts a finding on res, with the resource's usual exposure and
// classification (a finding deviates 10% of the time).
func setResource(r *rng, s *slot, res *resource) {
	k := &resKinds[res.kind]
	s.res = res
	s.role = res.role
	s.vpc, s.subnet = res.vpc, res.subnet
	s.exposure, s.class = res.exposure, res.class
	if r.pct(10) {
		s.exposure = r.weighted(k.exposure[:])
		if s.exposure == expVPC && s.vpc == "" {
			s.exposure = expPrivate
		}
	}
	if r.pct(10) {
		s.class = r.weighted(k.class[:])
	}
}

func tieValues(r *rng, s *slot) {
	s.severity = pick(r, []int{50, 90})
	s.epss = pick(r, []int{0, 1000, 50000})
}

// densePlanner puts most findings of an account into one or two VPCs.
type densePlanner struct {
	st    style
	wls   []*workload
	vpcs  [][]string
	rings [][]*resource
}

var denseKinds = []int{kindEC2, kindSG, kindELB, kindRDS, kindLambda, kindEKS}

func newDensePlanner(r *rng, st style) *densePlanner {
	p := &densePlanner{st: st}
	off := r.u64()
	for a, name := range []string{"prod-monolith", "prod-edge", "shared-services"} {
		acct := newAccount(r, accountID(a, off), name)
		wl := newWorkload(r, st, acct, 0)
		for len(wl.roles) < 20 {
			wl.roles = append(wl.roles, newRoleARN(r, st, acct, wl.app))
		}
		vpcs := []string{newVPCID(r, st)}
		if a == 0 {
			vpcs = append(vpcs, newVPCID(r, st))
		}
		wl.vpc = vpcs[0]
		if len(wl.subnets) == 0 {
			wl.subnets = []string{"subnet-0" + hexString(r.u64(), 16)}
		}
		p.wls = append(p.wls, wl)
		p.vpcs = append(p.vpcs, vpcs)
		p.rings = append(p.rings, nil)
	}
	return p
}

func (p *densePlanner) next(r *rng, i int, s *slot) {
	a := r.weighted([]int{85, 10, 5})
	wl := p.wls[a]
	*s = slot{acct: wl.acct, wl: wl, related: s.related[:0]}
	ring := p.rings[a]
	var res *resource
	if len(ring) > 0 && r.pct(25) {
		res = pick(r, ring)
	} else {
		res = newResource(r, p.st, wl, pick(r, denseKinds))
		vpcs := p.vpcs[a]
		res.vpc = vpcs[0]
		if len(vpcs) > 1 && r.pct(5) {
			res.vpc = vpcs[1]
		}
		res.subnet = pick(r, wl.subnets)
		if len(ring) == 16 {
			copy(ring, ring[1:])
			ring = ring[:15]
		}
		p.rings[a] = append(ring, res)
	}
	s.res = res
	s.vpc, s.subnet = res.vpc, res.subnet
	s.role = pick(r, wl.roles)
	if r.pct(10) {
		s.role = ""
	}
	s.exposure = r.weighted([]int{5, 80, 10, 5})
	s.class = r.weighted([]int{35, 35, 20, 10})
	if s.exposure == expInternet && res.publicIP == "" {
		res.publicIP = newPublicIP(r)
	}
	s.status = drawStatus(r)
	s.severity = drawSeverity(r)
	s.epss = drawEPSS(r)
	s.stage = drawStage(r, s.exposure, s.class)
	if len(wl.recent) > 0 && r.pct(20) {
		s.related = append(s.related, pick(r, wl.recent))
	}
}

// chainPlanner emits chains f0 -> f1 -> ... where consecutive findings share
// a resource (f0,f1), then a role (f1,f2), then a resource (f2,f3), ...; no
// other pair shares anything, stages never decrease along the chain and only
// entries are INTERNET-exposed (with no VPC), so the only shortest path
// between two findings of a chain is the chain itself.
type chainPlanner struct {
	st      style
	accts   []*account
	chainNo int
	wl      *workload
	length  int
	pos     int
	res     []*resource
	roles   []string
	second  int // position of a second entry, or -1
	target  []bool
}

var chainKinds = []int{kindEC2, kindLambda, kindEKS, kindRDS, kindS3, kindDynamo}

func newChainPlanner(r *rng, st style) *chainPlanner {
	p := &chainPlanner{st: st}
	off := r.u64()
	for a, name := range []string{"prod-core", "prod-data", "prod-edge"} {
		p.accts = append(p.accts, newAccount(r, accountID(a, off), name))
	}
	return p
}

func (p *chainPlanner) startChain(r *rng) {
	acct := p.accts[p.chainNo%len(p.accts)]
	p.chainNo++
	p.length = r.between(10, 26)
	p.pos = 0
	p.wl = newWorkload(r, p.st, acct, p.length)
	if p.wl.vpc == "" {
		p.wl.vpc = newVPCID(r, p.st)
		p.wl.subnets = []string{"subnet-0" + hexString(r.u64(), 16)}
	}
	p.res = p.res[:0]
	for k := 0; k <= p.length/2; k++ {
		p.res = append(p.res, newResource(r, p.st, p.wl, pick(r, chainKinds)))
	}
	p.roles = p.roles[:0]
	for k := 0; k <= (p.length+1)/2; k++ {
		p.roles = append(p.roles, newRoleARN(r, p.st, acct, p.wl.app))
	}
	p.second = -1
	if r.pct(20) {
		p.second = r.between(2, 5)
	}
	p.target = p.target[:0]
	for k := 0; k < p.length; k++ {
		t := k == p.length-1 || (k >= 8 && r.pct(20)) || (k == 16 && r.pct(60))
		p.target = append(p.target, t)
	}
}

func (p *chainPlanner) next(r *rng, i int, s *slot) {
	if p.wl == nil || p.pos >= p.length {
		p.startChain(r)
	}
	k := p.pos
	p.pos++
	*s = slot{acct: p.wl.acct, wl: p.wl, related: s.related[:0]}
	s.res = p.res[k/2]
	s.role = p.roles[(k+1)/2]
	entry := k == 0 || k == p.second
	if entry {
		s.exposure = expInternet
		if s.res.publicIP == "" {
			s.res.publicIP = newPublicIP(r)
		}
	} else {
		s.exposure = pick(r, []int{expPrivate, expNone})
		s.vpc = p.wl.vpc
		s.subnet = p.wl.subnets[0]
	}
	if p.target[k] {
		s.class = pick(r, []int{classConfidential, classRestricted})
	} else {
		s.class = pick(r, []int{classNone, classInternal})
	}
	s.stage = stInitialAccess + k*12/p.length
	s.status = pick(r, []int{statusNew, statusNotified})
	if !entry && k != p.length-1 && r.pct(3) {
		s.status = statusResolved // breaks the chain here
	}
	s.severity = drawSeverity(r)
	s.epss = drawEPSS(r)
	if k > 0 && len(p.wl.recent) > 0 {
		s.related = append(s.related, p.wl.recent[len(p.wl.recent)-1]) // the previous link
	}
	p.wl.emitted++
}

// sparsePlanner gives every finding its own resource, mostly no VPC and no
// role; 10% of findings reuse the previous finding's resource.
type sparsePlanner struct {
	st     style
	accts  []*account
	wl     *workload
	prev   *resource
	strata *strata     // version 2 only
	odds   [3]*deficit // version 2: reuse, VPC, role
}

func newSparsePlanner(r *rng, st style) *sparsePlanner {
	return &sparsePlanner{st: st, accts: standardAccounts(r, st), strata: newStrataFor(st)}
}

func (p *sparsePlanner) next(r *rng, i int, s *slot) {
	if i%50 == 0 || p.wl == nil {
		p.wl = newWorkload(r, p.st, p.accts[r.weighted(standardAccountWeights)], 50)
		p.prev = nil
		if p.strata != nil {
			p.strata.deal(r, p.wl)
		}
	}
	var res *resource
	if p.prev != nil && p.chance(r, 0, 10) {
		res = p.prev
	} else {
		res = newResource(r, p.st, p.wl, r.n(len(resKinds)))
		res.vpc, res.subnet = "", ""
		if p.chance(r, 1, 30) {
			res.vpc = newVPCID(r, p.st)
			res.subnet = "subnet-0" + hexString(r.u64(), 16)
		}
		res.role = ""
		if p.chance(r, 2, 40) {
			res.role = newRoleARN(r, p.st, p.wl.acct, p.wl.app)
		}
		if res.exposure == expVPC && res.vpc == "" {
			res.exposure = expPrivate
		}
		p.wl.roles = p.wl.roles[:min(len(p.wl.roles), 4)] // IAM role resources append here
	}
	p.prev = res
	*s = slot{acct: p.wl.acct, wl: p.wl, related: s.related[:0]}
	s.res = res
	s.role, s.vpc, s.subnet = res.role, res.vpc, res.subnet
	s.exposure, s.class = res.exposure, res.class
	s.status = drawStatus(r)
	s.severity = drawSeverity(r)
	s.epss = drawEPSS(r)
	s.stage = drawStage(r, s.exposure, s.class)
	if p.strata != nil {
		p.strata.apply(r, s, p.wl.deck[i%50])
	}
}

// chance is r.pct(pct) in version 1 and dealt (exactly pct% of the calls
// of stream k) in version 2.
func (p *sparsePlanner) chance(r *rng, k, pct int) bool {
	if p.strata == nil {
		return r.pct(pct)
	}
	if p.odds[k] == nil {
		p.odds[k] = newDeficit([]int{100 - pct, pct})
	}
	return p.odds[k].next() == 1
}

// manyAccountsPlanner splits the findings into contiguous blocks, one per
// account, each a small workload.
type manyAccountsPlanner struct {
	st       style
	n        int
	accounts int
	off      uint64
	curA     int
	wl       *workload
	strata   *strata // version 2 only
}

// newManyAccountsPlanner plans max(1000, n/20) accounts (at most n) in
// version 1, so 2,000 findings make 1,000 accounts of 2; version 2 plans
// n/20 (at least 1), about 20 findings per account at every size.
func newManyAccountsPlanner(r *rng, st style, n int) *manyAccountsPlanner {
	a := min(n, max(1000, n/20))
	if st.version >= 2 {
		a = max(1, n/20)
	}
	return &manyAccountsPlanner{st: st, n: n, accounts: a, off: r.u64(), curA: -1, strata: newStrataFor(st)}
}

func (p *manyAccountsPlanner) next(r *rng, i int, s *slot) {
	a := int(int64(i) * int64(p.accounts) / int64(p.n))
	if a != p.curA {
		p.curA = a
		lo := (int64(a)*int64(p.n) + int64(p.accounts) - 1) / int64(p.accounts)
		hi := (int64(a+1)*int64(p.n) + int64(p.accounts) - 1) / int64(p.accounts)
		acct := newAccount(r, accountID(a, p.off), "tenant-"+pad5(a))
		if p.strata == nil {
			p.wl = newWorkload(r, p.st, acct, int(hi-lo))
		} else {
			size, l := p.strata.layout(r, int(hi-lo))
			p.wl = newWorkloadLayout(r, p.st, acct, size, l)
			p.strata.deal(r, p.wl)
		}
	}
	if p.strata == nil {
		fillFromWorkload(r, s, p.wl, nil)
		return
	}
	c := &p.wl.deck[p.wl.emitted]
	fillFromWorkload(r, s, p.wl, c)
	p.strata.apply(r, s, *c)
}

func pad5(a int) string {
	s := strconv.Itoa(a)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}
