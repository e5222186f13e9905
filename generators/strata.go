package generators

// Generator version 2 deals the cost-relevant draws of each workload in
// fixed proportions instead of drawing them independently: workload sizes
// come in shuffled blocks of every size from 10 to 40, VPC presence and each
// finding's workflow status, exposure and classification come from deficit
// streams (exact shares, carried across workloads) and are shuffled within
// the workload. With independent draws a 2,000-finding dataset (about 80
// workloads) had candidate paths per 1,000 findings anywhere from 200 to
// 456 depending on the seed; dealt, every size has the same structure per
// finding (TestStructureIsSizeInvariant).

// deficit hands out categories in fixed proportions without randomness:
// each draw takes the category furthest below its share, so after d draws
// category k has been drawn within one of d*w[k]/sum(w) times.
type deficit struct {
	w      []int
	sum, n int
	counts []int
}

func newDeficit(w []int) *deficit {
	s := 0
	for _, x := range w {
		s += x
	}
	return &deficit{w: w, sum: s, counts: make([]int, len(w))}
}

func (d *deficit) next() int {
	d.n++
	best, bestDeficit := 0, 0
	for k, w := range d.w {
		x := w*d.n - d.sum*d.counts[k]
		if k == 0 || x > bestDeficit {
			best, bestDeficit = k, x
		}
	}
	d.counts[best]++
	return best
}

// Version 2 shares (percent, in the order of the names tables). They are
// version 1's realized mixes (of 20,000 findings): exposure, and
// classification given exposure, by finding rather than by resource.
var (
	v2ExposureWeights = []int{20, 26, 36, 18}
	// v2ClassWeights are by exposure: data sits behind the network.
	v2ClassWeights = [4][]int{{63, 26, 8, 3}, {46, 32, 15, 7}, {32, 31, 23, 14}, {46, 27, 17, 10}}
	v2VPCWeights   = []int{15, 85} // none, one
	v2OnVPCWeights = []int{38, 62} // other resource, VPC-bound resource
)

const minWorkload, maxWorkload = 10, 40

// cell is a finding's dealt status, exposure, classification, resource
// and role.
type cell struct {
	status, exposure, class, role int
	res                           *resource
}

// block deals the integers of [lo, hi] in blocks holding each once, in
// random order.
type block struct {
	lo, hi int
	left   []int
}

func (b *block) next(r *rng) int {
	if len(b.left) == 0 {
		for v := b.lo; v <= b.hi; v++ {
			b.left = append(b.left, v)
		}
		shuffle(r, b.left)
	}
	v := b.left[len(b.left)-1]
	b.left = b.left[:len(b.left)-1]
	return v
}

// strata is the dealing state of one dataset (version 2).
type strata struct {
	sizes    [2]block // workload sizes, without (0) / with (1) a VPC
	vpc      *deficit
	onVPC    *deficit // a finding of a VPC workload on a VPC-bound resource (1) or not (0)
	status   *deficit
	exposure [2]*deficit    // by inactive (0) / active (1)
	class    [2][4]*deficit // by active, then exposure
	// usualStage deals drawStage's branches: the usual stage (1) or not
	// (0) of entries, targets and the others.
	usualStage [3]*deficit
	stages     [5]block // the stage picks of apply, dealt from each list in blocks
	noRole     *deficit // a finding with no role (1) or its resource's (0)
	link       *deficit // a finding links to another workload (1)
	linkKind   *deficit // by its resource (0) or by its role (1)
	otherRole  *deficit // a resource with several findings has one under another role (1)
}

func newStrata() *strata {
	st := &strata{
		sizes:    [2]block{{lo: minWorkload, hi: maxWorkload}, {lo: minWorkload, hi: maxWorkload}},
		vpc:      newDeficit(v2VPCWeights),
		onVPC:    newDeficit(v2OnVPCWeights),
		status:   newDeficit(statusWeights),
		exposure: [2]*deficit{newDeficit(v2ExposureWeights), newDeficit(v2ExposureWeights)},
	}
	st.usualStage = [3]*deficit{newDeficit([]int{25, 75}), newDeficit([]int{25, 75}), newDeficit([]int{10, 90})}
	st.noRole = newDeficit([]int{94, 6})
	st.link = newDeficit([]int{99, 1})
	st.linkKind = newDeficit([]int{1, 1})
	st.otherRole = newDeficit([]int{75, 25})
	for a := range st.class {
		for e, w := range v2ClassWeights {
			st.class[a][e] = newDeficit(w)
		}
	}
	return st
}

// layout deals the next workload's VPC presence and size (size > 0 keeps
// the caller's); its roles and resources of each kind follow from the size
// (from each range's low end at the smallest workload to its high end at
// the largest), so findings per resource and per role do not vary with
// the luck of the draw.
func (st *strata) layout(r *rng, size int) (int, *layout) {
	l := &layout{vpc: st.vpc.next() == 1}
	v := 0
	if l.vpc {
		v = 1
	}
	if size <= 0 {
		size = st.sizes[v].next(r)
	}
	scale := func(lo, hi int) int {
		x := min(max(size, minWorkload), maxWorkload) - minWorkload
		return lo + x*(hi-lo+1)/(maxWorkload-minWorkload+1)
	}
	l.roles = scale(1, 4)
	for k, mm := range workloadKinds {
		l.kinds[k] = scale(mm[0], mm[1])
	}
	return size, l
}

// deal fills wl.deck with wl.size cells in random order: statuses,
// exposures and classifications from the deficit streams; resources in
// fixed counts (a fixed share of a VPC workload's findings on VPC-bound
// resources, spread over the resources with the skew of version 1's
// min(u, u) pick, rounded by largest remainders); and, on a dealt share of
// the resources holding several findings, one finding under another role.
func (st *strata) deal(r *rng, wl *workload) {
	wl.deck = wl.deck[:0]
	for k := 0; k < wl.size; k++ {
		c := cell{status: st.status.next()}
		a := 0
		if c.status == statusNew || c.status == statusNotified {
			a = 1
		}
		c.exposure = st.exposure[a].next()
		c.class = st.class[a][c.exposure].next()
		if st.noRole.next() == 1 {
			c.role = roleNone
		}
		wl.deck = append(wl.deck, c)
	}
	shuffle(r, wl.deck)
	st.dealResources(r, wl)
	st.dealOtherRoles(r, wl)
}

// dealResources sets the resource of every cell of wl.deck.
func (st *strata) dealResources(r *rng, wl *workload) {
	var sets [2][]*resource // not VPC-bound, VPC-bound
	for _, res := range wl.res {
		b := 0
		if res.vpc != "" {
			b = 1
		}
		sets[b] = append(sets[b], res)
	}
	set := make([]int, len(wl.deck))
	var counts [2]int64
	for k := range wl.deck {
		b := 0
		switch {
		case wl.vpc == "":
		case wl.deck[k].exposure == expVPC:
			b = 1 // VPC-exposed findings sit in the VPC
		default:
			b = st.onVPC.next()
		}
		if len(sets[b]) == 0 {
			b = 1 - b
		}
		set[k] = b
		counts[b]++
	}
	for b, rs := range sets {
		if counts[b] == 0 {
			continue
		}
		w := make([]int64, len(rs))
		for j := range w {
			w[j] = int64(2*(len(rs)-j) - 1) // P(min(u, u) = j) * m^2
		}
		var picks []*resource
		for j, q := range quotas(w, counts[b]) {
			for ; q > 0; q-- {
				picks = append(picks, rs[j])
			}
		}
		shuffle(r, picks)
		for k := range wl.deck {
			if set[k] == b {
				wl.deck[k].res, picks = picks[0], picks[1:]
			}
		}
	}
}

// dealOtherRoles puts, on a dealt share of the resources with several
// findings, the first of its findings under another role of the workload.
func (st *strata) dealOtherRoles(r *rng, wl *workload) {
	for _, res := range wl.res {
		if res.role == "" || len(wl.roles) < 2 {
			continue // another role would not make it a resource of several roles
		}
		first, n := -1, 0
		for k := range wl.deck {
			if wl.deck[k].res == res && wl.deck[k].role == roleKeep {
				if first < 0 {
					first = k
				}
				n++
			}
		}
		if n >= 2 && st.otherRole.next() == 1 {
			wl.deck[first].role = roleOther
		}
	}
}

// Role of a dealt cell: the resource's, none, or another of the workload.
const (
	roleKeep = iota
	roleNone
	roleOther
)

// setRole applies the cell's role to s (on the cell's resource).
func (c cell) setRole(r *rng, s *slot, wl *workload) {
	switch c.role {
	case roleNone:
		s.role = ""
	case roleOther:
		var others []string
		for _, x := range wl.roles {
			if x != s.role {
				others = append(others, x)
			}
		}
		if len(others) > 0 {
			s.role = pick(r, others)
		}
	}
}

// apply gives the finding planned in s its dealt cell and a stage drawn
// like drawStage but with the usual-stage branches dealt.
func (st *strata) apply(r *rng, s *slot, c cell) {
	s.status, s.exposure, s.class = c.status, c.exposure, c.class
	if s.exposure == expVPC && s.vpc == "" {
		s.exposure = expPrivate
	}
	switch {
	case s.exposure == expInternet:
		if st.usualStage[0].next() == 1 {
			s.stage = stInitialAccess
		} else {
			s.stage = st.stagePick(r, 0, []int{stRecon, stResourceDev, stExecution, stCredentialAccess})
		}
	case s.class >= classConfidential:
		if st.usualStage[1].next() == 1 {
			s.stage = st.stagePick(r, 1, []int{stCollection, stExfiltration, stImpact})
		} else {
			s.stage = st.stagePick(r, 2, middleStages)
		}
	default:
		if st.usualStage[2].next() == 1 {
			s.stage = st.stagePick(r, 3, middleStages)
		} else {
			s.stage = st.stagePick(r, 4, []int{stRecon, stInitialAccess, stCollection, stImpact})
		}
	}
}

// stagePick deals one of stages from block k (each stage once per block).
func (st *strata) stagePick(r *rng, k int, stages []int) int {
	b := &st.stages[k]
	b.lo, b.hi = 0, len(stages)-1
	return stages[b.next(r)]
}

func shuffle[T any](r *rng, xs []T) {
	for i := len(xs) - 1; i > 0; i-- {
		j := r.n(i + 1)
		xs[i], xs[j] = xs[j], xs[i]
	}
}
