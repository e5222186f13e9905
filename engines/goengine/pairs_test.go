package goengine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPairGrouper numbers pairs in order of first appearance, gives -1
// to a node lacking a key, and starts afresh on every call (the table is
// reused).
func TestPairGrouper(t *testing.T) {
	var p pairGrouper
	for _, tc := range []struct {
		name      string
		a, b      []int32
		want      []int32
		wantPairs int32
	}{
		{"empty", nil, nil, []int32{}, 0},
		{"repeats", []int32{0, 1, 0, 1, 0}, []int32{0, 0, 0, 1, 1}, []int32{0, 1, 0, 2, 3}, 4},
		{"missing keys", []int32{-1, 2, 2, 2}, []int32{5, -1, 5, 5}, []int32{-1, -1, 0, 0}, 1},
		{"zero pair and large numbers", []int32{0, 1 << 30, 0, 1 << 30}, []int32{0, 1 << 30, 0, 7}, []int32{0, 1, 0, 2}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := make([]int32, len(tc.a))
			assert.Equal(t, tc.wantPairs, p.group(tc.a, tc.b, out))
			assert.Equal(t, tc.want, out)
		})
	}
	// Many pairs: more than the table's first size, all distinct.
	a, b := make([]int32, 5000), make([]int32, 5000)
	for i := range a {
		a[i], b[i] = int32(i%71), int32(i/71)
	}
	out := make([]int32, len(a))
	assert.Equal(t, int32(5000), p.group(a, b, out))
	for i := range out {
		assert.Equal(t, int32(i), out[i])
	}
}
