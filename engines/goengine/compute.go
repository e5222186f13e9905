package goengine

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
)

// Compute runs the attack-path operation (spec section 3) on decoded
// findings with indexed pairing. Per account, the active findings are
// numbered in ascending id order and indexed by resource_id, iam_role_arn
// and vpc_id; each index keeps its groups' members sorted by (stage, id).
// The edges a -> b are the members of a's three groups with stage >=
// stage(a) (VPC members only when INTERNET- or VPC-exposed): they are
// counted by inclusion-exclusion over the groups, without enumerating them,
// and never stored. A BFS per entry, with buffers shared by all entries,
// takes a node's unvisited neighbours from its groups' stage suffixes; a
// suffix emptied once stays empty for the rest of that BFS, so an entry
// costs O(reachable set) even when a VPC holds thousands of findings (the
// quadratic edge set of the dense shape is never walked). The neighbours
// found from one node are visited in ascending id order, which is the
// spec's BFS exactly. findings must satisfy the domains of spec section 1
// with unique ids, as Decode guarantees. The only error is invalid_options.
func Compute(findings []Finding, opt engines.Options) (*Result, error) {
	res, _, err := ComputeStats(findings, opt)
	return res, err
}

// Stats counts the operations of one Compute: what its cost is made of,
// so that growth faster than the findings can be traced to the work done
// (BenchmarkComputeOps reports them per finding).
type Stats struct {
	// Nodes is the number of active findings (graph nodes).
	Nodes int64
	// GroupKeys is the number of distinct (account, key) groups indexed:
	// resources, roles and VPCs.
	GroupKeys int64
	// BFSRuns is the number of breadth-first searches (one per entry of
	// an account with targets).
	BFSRuns int64
	// Dequeued is the number of nodes taken from a BFS queue (the frontier
	// expanded, over all searches).
	Dequeued int64
	// EdgesScanned is the number of group members looked at while
	// expanding nodes: the edges visited (members already seen in that
	// search included; stage suffixes drained earlier in it are skipped).
	EdgesScanned int64
	// Discovered is the number of nodes discovered (each once per search).
	Discovered int64
	// PathsScored is the number of candidate paths scored and offered to
	// the selection.
	PathsScored int64
}

// ComputeStats is Compute that also returns its operation counts.
func ComputeStats(findings []Finding, opt engines.Options) (*Result, Stats, error) {
	if err := opt.Validate(); err != nil {
		return nil, Stats{}, err
	}
	res := &Result{MaxDepth: opt.MaxDepth, TopK: opt.TopK, Accounts: []Account{}}
	if len(findings) == 0 {
		return res, Stats{}, nil
	}
	order := byAccountThenID(findings)
	w := newWorkspace(opt)
	for lo := 0; lo < len(order); {
		acct := findings[order[lo]].AccountID
		hi := lo + 1
		for hi < len(order) && findings[order[hi]].AccountID == acct {
			hi++
		}
		res.Accounts = append(res.Accounts, w.account(findings, order[lo:hi]))
		res.Totals.add(&res.Accounts[len(res.Accounts)-1])
		lo = hi
	}
	return res, w.stats, nil
}

// byAccountThenID returns the finding indices ordered by (account, id,
// index): a stable counting sort by account (there are few), then a
// comparison sort of each account's indices by id, so that the costly
// comparisons look at ids only.
func byAccountThenID(findings []Finding) []int32 {
	rank := map[string]int32{}
	var names []string
	for i := range findings {
		if _, ok := rank[findings[i].AccountID]; !ok {
			rank[findings[i].AccountID] = 0
			names = append(names, findings[i].AccountID)
		}
	}
	slices.Sort(names)
	start := make([]int, len(names)+1)
	for r, name := range names {
		rank[name] = int32(r)
	}
	of := make([]int32, len(findings))
	for i := range findings {
		of[i] = rank[findings[i].AccountID]
		start[of[i]+1]++
	}
	for r := range names {
		start[r+1] += start[r]
	}
	order := make([]int32, len(findings))
	next := slices.Clone(start)
	for i, r := range of {
		order[next[r]] = int32(i)
		next[r]++
	}
	// The ids are sorted beside their indices, so that a comparison
	// reads the two ids without first reading their findings.
	type key struct {
		id string
		i  int32
	}
	var keys []key
	for r := range names {
		part := order[start[r]:start[r+1]]
		keys = resize(keys, len(part))
		for j, i := range part {
			keys[j] = key{findings[i].ID, i}
		}
		slices.SortFunc(keys, func(a, b key) int {
			if c := strings.Compare(a.id, b.id); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		for j := range keys {
			part[j] = keys[j].i
		}
	}
	return order
}

// numStages is the number of ATT&CK tactics (stages 1..14).
const numStages = 14

// Index kinds, in reason precedence order.
const (
	byResource = iota
	byRole
	byVPC
	numKinds
)

// index groups the local nodes of an account by one key.
type index struct {
	// of is the group of each node as an edge source; -1 when its key is
	// empty (roles and VPCs only).
	of []int32
	// members lists the edge targets of each group sorted by (stage, id):
	// group g, stage t (1..14) is members[seg[g*14+t-1]:seg[g*14+t]]. For
	// VPCs only INTERNET- or VPC-exposed nodes are members.
	seg     []int32
	members []int32
	// BFS state per group: stages >= drained[g] hold no unvisited member,
	// valid when stamp[g] is the current epoch (else none drained).
	stamp   []uint32
	drained []Tactic
	groups  int32
}

// workspace holds the buffers reused across accounts and entries.
type workspace struct {
	maxDepth int
	topK     int

	findings []Finding
	node     []int32 // local index -> finding index (active, ascending id)

	// Per local node.
	stage  []Tactic
	epss   []int32 // epss_e5: the likelihood factors (stepMultiplier, stepProbability)
	impact []uint8 // 0 when not a target (impacts are 50..200)
	reach  []bool  // may end a VPC_REACH edge

	keys  map[string]int32
	kinds [numKinds]index

	// Edge counting scratch.
	pairs   pairGrouper
	comboOf []int32
	pairOf  []int32 // the resource-and-role groups
	hist    []int32

	// BFS state, valid where seen == epoch.
	epoch    uint32
	seen     []uint32
	dist     []uint8
	parent   []int32
	inReason []Reason
	level    []uint64  // L at the node
	like     []float64 // r at the node
	queue    []int32
	found    []int32  // neighbours found from one node
	bits     []uint64 // all zero between uses; see ascending

	stats Stats

	// Candidate selection.
	cands []candidate
	pathN []int32  // path nodes of the candidates
	pathR []Reason // pathR[i] = reason of the edge into pathN[i]
}

// candidate is a path before selection; its nodes are pathN[off:off+hops+1].
type candidate struct {
	score  uint64
	like   float64
	entry  int32
	target int32
	hops   int32
	off    int
}

// better is the order of spec section 3 (local indices ascend with ids).
func better(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.hops != b.hops {
		return a.hops < b.hops
	}
	if a.entry != b.entry {
		return a.entry < b.entry
	}
	return a.target < b.target
}

func compareCandidates(a, b candidate) int {
	if better(&a, &b) {
		return -1
	}
	if better(&b, &a) {
		return 1
	}
	return 0
}

func newWorkspace(opt engines.Options) *workspace {
	return &workspace{maxDepth: opt.MaxDepth, topK: opt.TopK, keys: map[string]int32{}}
}

// extend returns s with length n >= len(s), keeping its contents.
func extend[T any](s []T, n int) []T {
	return slices.Grow(s, n-len(s))[:n]
}

// resize returns s with length n, reallocating only when it must; the
// contents are unspecified (scratch buffers only).
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, max(n, 2*cap(s)))
	}
	return s[:n]
}

// build indexes the k local nodes by key kind.
func (w *workspace) build(kind int, k int) {
	ix := &w.kinds[kind]
	clear(w.keys)
	ix.of = resize(ix.of, k)
	var groups int32
	for i := range k {
		f := &w.findings[w.node[i]]
		var key string
		switch kind {
		case byResource:
			key = f.ResourceID
		case byRole:
			key = f.IAMRoleARN
		default:
			key = f.VPCID
		}
		if key == "" && kind != byResource {
			ix.of[i] = -1
			continue
		}
		g, ok := w.keys[key]
		if !ok {
			g = groups
			w.keys[key] = g
			groups++
		}
		ix.of[i] = g
	}
	// Counting sort by (group, stage); ascending i keeps ids ascending.
	nseg := int(groups) * numStages
	ix.seg = resize(ix.seg, nseg+1)
	clear(ix.seg)
	members := 0
	for i := range k {
		if g := ix.of[i]; g >= 0 && (kind != byVPC || w.reach[i]) {
			ix.seg[int(g)*numStages+int(w.stage[i])]++
			members++
		}
	}
	for s := 1; s <= nseg; s++ {
		ix.seg[s] += ix.seg[s-1]
	}
	ix.members = resize(ix.members, members)
	// seg[x] is now the end of segment x-1; fill backwards from the ends.
	for i := k - 1; i >= 0; i-- {
		if g := ix.of[i]; g >= 0 && (kind != byVPC || w.reach[i]) {
			x := int(g)*numStages + int(w.stage[i])
			ix.seg[x]--
			ix.members[ix.seg[x]] = int32(i)
		}
	}
	// Now seg[x] is the start of segment x-1... shift to starts-at-x form.
	copy(ix.seg, ix.seg[1:])
	ix.seg[nseg] = int32(members)
	ix.groups = groups
	ix.stamp = resize(ix.stamp, int(groups))
	clear(ix.stamp)
	ix.drained = resize(ix.drained, int(groups))
}

// countEdges counts the edges of the k local nodes: for each source a,
// |(R ∪ S ∪ V) ∩ {stage >= stage(a)} \ {a}| by inclusion-exclusion, where
// R, S, V are a's resource, role and VPC groups' members and each
// intersection is a group of the nodes sharing several keys.
func (w *workspace) countEdges(k int) int {
	edges := 0
	res, role, vpc := w.kinds[byResource].of[:k], w.kinds[byRole].of[:k], w.kinds[byVPC].of[:k]
	w.comboOf = resize(w.comboOf, k)
	w.pairOf = resize(w.pairOf, k)
	for mask := 1; mask < 1<<numKinds; mask++ {
		// Group the nodes by the keys in mask; -1 when one of them is
		// empty. One key's groups are its index's; several keys' are
		// numbered pairs (resource and role first, then with the VPC).
		comboOf := w.comboOf
		var groups int32
		switch mask {
		case 1 << byResource, 1 << byRole, 1 << byVPC:
			ix := &w.kinds[bits.TrailingZeros(uint(mask))]
			comboOf, groups = ix.of[:k], ix.groups
		case 1<<byResource | 1<<byRole:
			groups = w.pairs.group(res, role, w.pairOf)
			comboOf = w.pairOf
		case 1<<byResource | 1<<byVPC:
			groups = w.pairs.group(res, vpc, comboOf)
		case 1<<byRole | 1<<byVPC:
			groups = w.pairs.group(role, vpc, comboOf)
		default:
			groups = w.pairs.group(w.pairOf, vpc, comboOf)
		}
		// Stage histogram of the members, then suffix sums: hist[g*16+t]
		// counts members of g with stage >= t.
		const width = numStages + 2
		w.hist = resize(w.hist, int(groups)*width)
		clear(w.hist)
		needReach := mask&(1<<byVPC) != 0
		member := func(i int) bool { return comboOf[i] >= 0 && (!needReach || w.reach[i]) }
		for i := range k {
			if member(i) {
				w.hist[int(comboOf[i])*width+int(w.stage[i])]++
			}
		}
		for g := range int(groups) {
			h := w.hist[g*width : (g+1)*width]
			for t := numStages; t >= 1; t-- {
				h[t] += h[t+1]
			}
		}
		count := 0
		for i := range k {
			if g := comboOf[i]; g >= 0 {
				count += int(w.hist[int(g)*width+int(w.stage[i])])
				if member(i) {
					count-- // a -> a is not an edge
				}
			}
		}
		if odd := (mask&1+mask>>1&1+mask>>2&1) == 1 || mask == 7; odd {
			edges += count
		} else {
			edges -= count
		}
	}
	return edges
}

// account computes one account; members are its finding indices in
// ascending id order.
func (w *workspace) account(findings []Finding, members []int32) Account {
	w.findings = findings
	acc := Account{ID: findings[members[0]].AccountID, Findings: len(members)}
	w.node = resize(w.node, len(members))[:0]
	for _, i := range members {
		f := &findings[i]
		if !f.Active() {
			continue
		}
		w.node = append(w.node, i)
		if isEntry(f) {
			acc.Entries++
		}
		if isTarget(f) {
			acc.Targets++
		}
	}
	k := len(w.node)
	acc.Active = k
	if k == 0 {
		acc.Paths = []Path{}
		return acc
	}
	w.stage = resize(w.stage, k)
	w.epss = resize(w.epss, k)
	w.impact = resize(w.impact, k)
	w.reach = resize(w.reach, k)
	for i, fi := range w.node {
		f := &findings[fi]
		w.stage[i] = f.Tactic
		w.epss[i] = f.EPSSE5
		w.reach[i] = reachable(f)
		w.impact[i] = 0
		if isTarget(f) {
			w.impact[i] = uint8(impact(f))
		}
	}
	for kind := range numKinds {
		w.build(kind, k)
		w.stats.GroupKeys += int64(len(w.kinds[kind].seg) / numStages)
	}
	w.stats.Nodes += int64(k)
	acc.Edges = w.countEdges(k)

	w.cands = w.cands[:0]
	w.pathN, w.pathR = w.pathN[:0], w.pathR[:0]
	if acc.Entries > 0 && acc.Targets > 0 {
		w.prepareBFS(k)
		for e := range int32(k) {
			if findings[w.node[e]].NetworkExposure == ExposureInternet {
				acc.CandidatePaths += w.bfs(e)
			}
		}
	}
	slices.SortFunc(w.cands, compareCandidates)
	acc.Paths = w.paths()
	return acc
}
