package goengine

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStringIndex adds ids through several doublings, removing the last one
// now and then as a retried element does, and checks every lookup against
// a map.
func TestStringIndex(t *testing.T) {
	for _, hint := range []int{0, 1, 100, 5000} {
		t.Run(fmt.Sprint("hint=", hint), func(t *testing.T) {
			var ids []string
			x := newStringIndex(hint, func(pos int) string { return ids[pos] })
			want := map[string]int{}
			for i := range 3000 {
				id := fmt.Sprintf("id-%d", i*7919%3001)
				_, hash, ok := x.find(id)
				require.False(t, ok, "%s found before it was added", id)
				ids = append(ids, id)
				x.add(len(ids)-1, hash)
				want[id] = len(ids) - 1
				if i%5 == 4 { // retried: forget the last one
					x.removeLast(len(ids)-1, id)
					delete(want, id)
					ids = ids[:len(ids)-1]
				}
			}
			assert.Equal(t, len(want), x.n)
			for id, pos := range want {
				got, _, ok := x.find(id)
				require.True(t, ok, "%s lost", id)
				assert.Equal(t, pos, got, id)
			}
			for i := 3001; i < 3100; i++ {
				_, _, ok := x.find(fmt.Sprintf("id-%d", i))
				assert.False(t, ok)
			}
			assert.LessOrEqual(t, 4*x.n, 3*len(x.slots), "at most three quarters full")
		})
	}
}
