package goengine

// The per-entry breadth-first search of Compute and the selection of
// its paths (see Compute for the method).

import (
	"math/bits"
	"slices"
)

// prepareBFS sizes the per-node buffers of the searches for k active
// findings, reusing them across accounts.
func (w *workspace) prepareBFS(k int) {
	if cap(w.seen) < k {
		w.seen = make([]uint32, k, max(k, 2*cap(w.seen)))
		w.epoch = 0
		for kind := range numKinds {
			clear(w.kinds[kind].stamp)
		}
	} else {
		w.seen = w.seen[:k]
	}
	w.dist = resize(w.dist, k)
	w.parent = resize(w.parent, k)
	w.inReason = resize(w.inReason, k)
	w.level = resize(w.level, k)
	w.like = resize(w.like, k)
	w.queue = resize(w.queue, k)
	w.found = resize(w.found, k)
	w.bits = resize(w.bits, (k+63)/64)
	clear(w.bits)
}

// reason returns the reason of the edge u -> v (which exists).
func (w *workspace) reason(u, v int32) Reason {
	if w.kinds[byResource].of[u] == w.kinds[byResource].of[v] {
		return ReasonSameResource
	}
	if r := w.kinds[byRole].of[u]; r >= 0 && r == w.kinds[byRole].of[v] {
		return ReasonSharedRole
	}
	return ReasonVPCReach
}

// bfs walks from entry e up to maxDepth edges and offers every target
// reached to the selection. It returns the number of candidates.
func (w *workspace) bfs(e int32) int {
	w.epoch++
	if w.epoch == 0 { // wrapped: forget every stamp
		clear(w.seen[:cap(w.seen)])
		for kind := range numKinds {
			clear(w.kinds[kind].stamp)
		}
		w.epoch = 1
	}
	epoch := w.epoch
	seen, dist, parent, inReason, level, like := w.seen, w.dist, w.parent, w.inReason, w.level, w.like
	maxDepth := uint8(w.maxDepth)
	seen[e], dist[e], parent[e] = epoch, 0, -1
	level[e] = likelihoodScale * stepMultiplier(w.epss[e]) / likelihoodScale
	like[e] = 1.0 * stepProbability(w.epss[e])
	q := w.queue[:1]
	q[0] = e
	candidates := 0
	w.stats.BFSRuns++
	for head := 0; head < len(q); head++ {
		u := q[head]
		du := dist[u]
		if du >= maxDepth {
			break // FIFO: every node still queued is as deep
		}
		w.stats.Dequeued++
		su := w.stage[u]
		found := w.found[:0]
		for kind := range numKinds {
			ix := &w.kinds[kind]
			g := ix.of[u]
			if g < 0 {
				continue
			}
			drained := Tactic(numStages + 1)
			if ix.stamp[g] == epoch {
				drained = ix.drained[g]
			}
			if su >= drained {
				continue
			}
			base := int(g) * numStages
			scan := ix.members[ix.seg[base+int(su)-1]:ix.seg[base+int(drained)-1]]
			w.stats.EdgesScanned += int64(len(scan))
			for _, v := range scan {
				if seen[v] != epoch {
					seen[v] = epoch
					found = append(found, v)
				}
			}
			ix.stamp[g], ix.drained[g] = epoch, su
		}
		w.ascending(found)
		w.stats.Discovered += int64(len(found))
		lu, ru := level[u], like[u]
		for _, v := range found {
			dist[v], parent[v], inReason[v] = du+1, u, w.reason(u, v)
			level[v] = lu * stepMultiplier(w.epss[v]) / likelihoodScale
			like[v] = ru * stepProbability(w.epss[v])
			q = append(q, v)
			if w.impact[v] != 0 {
				candidates++
				w.offer(candidate{score: uint64(w.impact[v]) * level[v], like: like[v], entry: e, target: v, hops: int32(du) + 1})
			}
		}
	}
	w.stats.PathsScored += int64(candidates)
	return candidates
}

// ascending sorts distinct local indices in place: a comparison sort for
// few, a pass over a bitset when they are many compared with the account
// (the dense case, where one node finds thousands of neighbours).
func (w *workspace) ascending(found []int32) {
	if len(found) < 64 || len(found) < len(w.bits) {
		if len(found) > 1 {
			slices.Sort(found)
		}
		return
	}
	lo, hi := len(w.bits), 0
	for _, v := range found {
		word := int(v >> 6)
		w.bits[word] |= 1 << (v & 63)
		lo, hi = min(lo, word), max(hi, word)
	}
	n := 0
	for word := lo; word <= hi; word++ {
		for b := w.bits[word]; b != 0; b &= b - 1 {
			found[n] = int32(word<<6 + bits.TrailingZeros64(b))
			n++
		}
		w.bits[word] = 0
	}
}

// offer adds a candidate: all of them when topK is 0, else into a bounded
// heap whose root is the worst kept candidate.
func (w *workspace) offer(c candidate) {
	if w.topK == 0 {
		c.off = len(w.pathN)
		w.pathN = extend(w.pathN, c.off+int(c.hops)+1)
		w.pathR = extend(w.pathR, len(w.pathN))
		w.writePath(&c)
		w.cands = append(w.cands, c)
		return
	}
	h := w.cands
	if len(h) < w.topK {
		stride := w.maxDepth + 1
		c.off = len(h) * stride
		w.pathN = extend(w.pathN, c.off+stride)
		w.pathR = extend(w.pathR, len(w.pathN))
		w.writePath(&c)
		h = append(h, c)
		// Sift up: parents are worse than (or equal to) children.
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !better(&h[p], &h[i]) {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		w.cands = h
		return
	}
	if !better(&c, &h[0]) {
		return
	}
	c.off = h[0].off
	w.writePath(&c)
	h[0] = c
	for i := 0; ; {
		worst := i
		if l := 2*i + 1; l < len(h) && better(&h[worst], &h[l]) {
			worst = l
		}
		if r := 2*i + 2; r < len(h) && better(&h[worst], &h[r]) {
			worst = r
		}
		if worst == i {
			break
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// writePath stores the BFS path to c.target at pathN[c.off:].
func (w *workspace) writePath(c *candidate) {
	x := c.target
	for p := c.off + int(c.hops); p >= c.off; p-- {
		w.pathN[p], w.pathR[p] = x, w.inReason[x]
		x = w.parent[x]
	}
}

// paths turns the sorted kept candidates into Paths, with two shared
// backing arrays for all finding ids and reasons.
func (w *workspace) paths() []Path {
	out := make([]Path, len(w.cands))
	total := 0
	for i := range w.cands {
		total += int(w.cands[i].hops) + 1
	}
	ids := make([]string, total)
	reasons := make([]Reason, total-len(w.cands))
	for i := range w.cands {
		c := &w.cands[i]
		n := int(c.hops) + 1
		pid, prs := ids[:n:n], reasons[:n-1:n-1]
		ids, reasons = ids[n:], reasons[n-1:]
		for j := range n {
			pid[j] = w.findings[w.node[w.pathN[c.off+j]]].ID
			if j > 0 {
				prs[j-1] = w.pathR[c.off+j]
			}
		}
		out[i] = Path{
			Rank:       i + 1,
			EntryID:    pid[0],
			TargetID:   pid[n-1],
			Hops:       int(c.hops),
			Score:      c.score,
			Likelihood: c.like,
			FindingIDs: pid,
			Reasons:    prs,
		}
	}
	return out
}
