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

func pad5(a int) string {
	s := strconv.Itoa(a)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}
