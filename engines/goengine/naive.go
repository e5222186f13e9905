package goengine

import (
	"sort"

	"github.com/aegisbench/aegisbench/engines"
)

// ComputeNaive runs the attack-path operation the way spec section 3 reads,
// as the in-repo oracle for Compute: every ordered pair of active findings
// of an account is tested for an edge (O(k^2)), each entry gets a fresh BFS,
// scores are computed by walking each path from the entry, and all
// candidates are sorted before top_k truncation. It shares no code with
// Compute beyond the scoring factors and the output types.
func ComputeNaive(findings []Finding, opt engines.Options) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	byAccount := map[string][]int{}
	for i := range findings {
		id := findings[i].AccountID
		byAccount[id] = append(byAccount[id], i)
	}
	names := make([]string, 0, len(byAccount))
	for name := range byAccount {
		names = append(names, name)
	}
	sort.Strings(names)
	res := &Result{MaxDepth: opt.MaxDepth, TopK: opt.TopK, Accounts: []Account{}}
	for _, name := range names {
		acc := naiveAccount(findings, name, byAccount[name], opt)
		res.Accounts = append(res.Accounts, acc)
		res.Totals.add(&res.Accounts[len(res.Accounts)-1])
	}
	return res, nil
}

// edgeReason returns the reason of the edge a -> b, or 0 when there is none
// (spec section 3, literally).
func edgeReason(a, b *Finding) Reason {
	if !a.Active() || !b.Active() || a.ID == b.ID || a.AccountID != b.AccountID || a.Tactic > b.Tactic {
		return 0
	}
	if a.ResourceID == b.ResourceID {
		return ReasonSameResource
	}
	if a.IAMRoleARN != "" && a.IAMRoleARN == b.IAMRoleARN {
		return ReasonSharedRole
	}
	if a.VPCID != "" && a.VPCID == b.VPCID && (b.NetworkExposure == ExposureInternet || b.NetworkExposure == ExposureVPC) {
		return ReasonVPCReach
	}
	return 0
}

type naivePath struct {
	nodes      []int // local indices, entry first
	reasons    []Reason
	score      uint64
	likelihood float64
}

// naiveEdge is an edge of the naive engine's adjacency lists.
type naiveEdge struct {
	to     int
	reason Reason
}

// naivePathsFrom walks breadth-first from entry e up to maxDepth edges and
// returns one scored path to each target reached (spec section 3).
func naivePathsFrom(act []*Finding, adj [][]naiveEdge, e, maxDepth int) []naivePath {
	k := len(act)
	var paths []naivePath
	dist := make([]int, k)
	parent := make([]int, k)
	reason := make([]Reason, k)
	for i := range dist {
		dist[i] = -1
	}
	dist[e] = 0
	queue := []int{e}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if dist[u] == maxDepth {
			continue
		}
		for _, ed := range adj[u] {
			if dist[ed.to] < 0 {
				dist[ed.to], parent[ed.to], reason[ed.to] = dist[u]+1, u, ed.reason
				queue = append(queue, ed.to)
			}
		}
	}
	for t := range k {
		if t == e || dist[t] < 0 || !isTarget(act[t]) {
			continue
		}
		p := naivePath{nodes: make([]int, dist[t]+1), reasons: make([]Reason, dist[t])}
		for x, i := t, dist[t]; i >= 0; i-- {
			p.nodes[i] = x
			if i > 0 {
				p.reasons[i-1] = reason[x]
			}
			x = parent[x]
		}
		level := uint64(likelihoodScale)
		r := 1.0
		for _, n := range p.nodes {
			level = level * stepMultiplier(act[n].EPSSE5) / likelihoodScale
			r = r * (float64(100000+act[n].EPSSE5) / 200000.0)
		}
		p.score = impact(act[t]) * level
		p.likelihood = r
		paths = append(paths, p)
	}
	return paths
}

// naiveAccount computes one account by the spec's letter: every pair
// tested for an edge, one BFS per entry, all paths ranked.
func naiveAccount(findings []Finding, name string, members []int, opt engines.Options) Account {
	acc := Account{ID: name, Findings: len(members)}
	var act []*Finding
	for _, i := range members {
		if findings[i].Active() {
			act = append(act, &findings[i])
		}
	}
	sort.Slice(act, func(i, j int) bool { return act[i].ID < act[j].ID })
	k := len(act)
	acc.Active = k

	adj := make([][]naiveEdge, k)
	for a := range k {
		for b := range k { // ascending b: neighbours in ascending id order
			if r := edgeReason(act[a], act[b]); r != 0 {
				adj[a] = append(adj[a], naiveEdge{b, r})
				acc.Edges++
			}
		}
	}

	var all []naivePath
	for e := range k {
		if isTarget(act[e]) {
			acc.Targets++
		}
		if !isEntry(act[e]) {
			continue
		}
		acc.Entries++
		all = append(all, naivePathsFrom(act, adj, e, opt.MaxDepth)...)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := &all[i], &all[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.nodes) != len(b.nodes) {
			return len(a.nodes) < len(b.nodes)
		}
		if ea, eb := act[a.nodes[0]].ID, act[b.nodes[0]].ID; ea != eb {
			return ea < eb
		}
		return act[a.nodes[len(a.nodes)-1]].ID < act[b.nodes[len(b.nodes)-1]].ID
	})
	acc.CandidatePaths = len(all)
	if opt.TopK > 0 && len(all) > opt.TopK {
		all = all[:opt.TopK]
	}
	acc.Paths = make([]Path, len(all))
	for i, p := range all {
		ids := make([]string, len(p.nodes))
		for j, n := range p.nodes {
			ids[j] = act[n].ID
		}
		acc.Paths[i] = Path{
			Rank: i + 1, EntryID: ids[0], TargetID: ids[len(ids)-1], Hops: len(p.reasons),
			Score: p.score, Likelihood: p.likelihood, FindingIDs: ids, Reasons: p.reasons,
		}
	}
	return acc
}
