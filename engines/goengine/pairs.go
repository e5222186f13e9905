package goengine

import "math/bits"

// pairGrouper numbers the distinct pairs of group numbers of the nodes
// (the groups of nodes sharing two keys, for countEdges) with an
// open-addressing table of integer keys: about three times faster than a
// Go map keyed by arrays, and reused for every pair of kinds and every
// account.
type pairGrouper struct {
	keys []uint64
	vals []int32 // the pair's number + 1; 0 for an empty slot
}

// group sets out[i] to the number of the pair (a[i], b[i]), pairs numbered
// 0, 1, ... in order of first appearance, or to -1 when a[i] or b[i] is
// negative (a key the node lacks), and returns the number of pairs.
func (p *pairGrouper) group(a, b, out []int32) int32 {
	size := 16
	for 3*size < 4*len(a) { // at most three quarters full
		size *= 2
	}
	p.keys = resize(p.keys, size)
	p.vals = resize(p.vals, size)
	clear(p.vals)
	shift := 64 - bits.TrailingZeros(uint(size))
	mask := size - 1
	var pairs int32
	for i := range a {
		if a[i] < 0 || b[i] < 0 {
			out[i] = -1
			continue
		}
		key := uint64(uint32(a[i]))<<32 | uint64(uint32(b[i]))
		for h := int((key * 0x9E3779B97F4A7C15) >> shift); ; h = (h + 1) & mask {
			if p.vals[h] == 0 {
				p.keys[h] = key
				pairs++
				p.vals[h] = pairs
				out[i] = pairs - 1
				break
			}
			if p.keys[h] == key {
				out[i] = p.vals[h] - 1
				break
			}
		}
	}
	return pairs
}
