package profile

import "fmt"

// csr lists the members of one kind's groups: group g, stage s (1..14) is
// members[seg[g*14+s-1]:seg[g*14+s]].
type csr struct {
	seg     []int32
	members []int32
}

const stages = 14

// buildCSR groups the active nodes of kind k (for VPCs only those that may
// end a VPC_REACH edge) by (group, stage).
func (c *collector) buildCSR(k int) csr {
	n := &c.nodes
	groups := len(c.groups[k].size)
	seg := make([]int32, groups*stages+1)
	eligible := func(i int) bool {
		f := n.flags[i]
		return f&nodeActive != 0 && n.group[k][i] >= 0 && (k != gVPC || f&nodeReach != 0)
	}
	for i := range n.stage {
		if eligible(i) {
			seg[int(n.group[k][i])*stages+int(n.stage[i])]++
		}
	}
	for b := 1; b < len(seg); b++ {
		seg[b] += seg[b-1]
	}
	members := make([]int32, seg[len(seg)-1])
	fill := make([]int32, len(seg))
	copy(fill, seg)
	for i := range n.stage {
		if eligible(i) {
			b := int(n.group[k][i])*stages + int(n.stage[i]) - 1
			members[fill[b]] = int32(i)
			fill[b]++
		}
	}
	return csr{seg: seg, members: members}
}

// reach walks the reachable set of every entry (or of an evenly spaced
// sample) breadth-first up to max_depth edges over the spec's edges: a ->
// b when both are active, of the same account, stage(a) <= stage(b), and
// they share a resource, a non-empty role, or a non-empty VPC with b
// INTERNET- or VPC-exposed. Within a group, the members at stages >= s
// are all discovered once a node of stage s was expanded, so each group is
// scanned at most once per stage suffix and a walk costs O(reachable set).
//
// Long: the set-up and the breadth-first loop share the per-walk scratch
// (group indexes, stamps, drained stages, seen, dist, queue) reused across
// entries by epoch; a separate walk function would take all of it.
func (c *collector) reach(p *Profile) Reach {
	r := Reach{MaxDepth: c.opt.MaxDepth}
	if c.nodesSkip != "" {
		r.Skipped = c.nodesSkip
		return r
	}
	n := &c.nodes
	var entries []int32
	for i, f := range n.flags {
		if f&nodeEntry != 0 {
			entries = append(entries, int32(i))
		}
	}
	r.Entries = len(entries)
	walk := min(len(entries), c.opt.MaxReachEntries)
	var idx [numGroupKinds]csr
	var stamp [numGroupKinds][]uint32
	var drained [numGroupKinds][]uint8
	if walk > 0 {
		for k := range idx {
			idx[k] = c.buildCSR(k)
			stamp[k] = make([]uint32, len(c.groups[k].size))
			drained[k] = make([]uint8, len(c.groups[k].size))
		}
	}
	seen := make([]uint32, len(n.stage))
	dist := make([]uint8, len(n.stage))
	var queue []int32
	sizes := make([]int64, 0, walk)
	var visits int64
	maxDepth := uint8(c.opt.MaxDepth)
	for s := 0; s < walk; s++ {
		if visits > c.opt.MaxReachVisits {
			r.Skipped = fmt.Sprintf("stopped after %d of %d entries: more than %d nodes visited", s, len(entries), c.opt.MaxReachVisits)
			break
		}
		e := entries[int(int64(s)*int64(len(entries))/int64(walk))]
		epoch := uint32(s + 1)
		seen[e], dist[e] = epoch, 0
		queue = append(queue[:0], e)
		var targets int64
		for head := 0; head < len(queue); head++ {
			u := queue[head]
			if dist[u] >= maxDepth {
				break // FIFO: every node still queued is as deep
			}
			su := n.stage[u]
			for k := range idx {
				g := n.group[k][u]
				if g < 0 {
					continue
				}
				d := uint8(stages + 1)
				if stamp[k][g] == epoch {
					d = drained[k][g]
				}
				if su >= d {
					continue
				}
				base := int(g) * stages
				for _, v := range idx[k].members[idx[k].seg[base+int(su)-1]:idx[k].seg[base+int(d)-1]] {
					if seen[v] != epoch {
						seen[v], dist[v] = epoch, dist[u]+1
						queue = append(queue, v)
						if n.flags[v]&nodeTarget != 0 {
							targets++
						}
					}
				}
				stamp[k][g], drained[k][g] = epoch, su
			}
		}
		visits += int64(len(queue))
		sizes = append(sizes, int64(len(queue)-1))
		r.TargetsReached += targets
	}
	r.Walked = len(sizes)
	r.Sizes = distOf(sizes)
	r.Computed = true
	if r.Walked == r.Entries && p.Engine.Computed {
		ok := r.TargetsReached == p.Engine.Totals.CandidatePaths && int64(r.Entries) == p.Engine.Totals.Entries
		r.MatchesEngine = &ok
	}
	return r
}
