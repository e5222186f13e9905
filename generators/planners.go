package generators

// The planners of the dense, chain, sparse and many-accounts shapes (the
// workload planner and the shape table are in shapes.go).

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
