package peakrss

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVmHWM(t *testing.T) {
	got, err := vmHWM([]byte("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n"))
	require.NoError(t, err)
	assert.Equal(t, int64(1234<<10), got)
	_, err = vmHWM([]byte("Name:\tx\n"))
	assert.Error(t, err)
}

// TestSelfGrowsWithTouchedMemory checks the reading is real: touching 64
// MiB raises it by about that much.
func TestSelfGrowsWithTouchedMemory(t *testing.T) {
	before, err := Self()
	if err != nil {
		t.Skipf("no peak RSS here: %v", err)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		if i%4096 == 0 {
			buf[i] = 1
		}
	}
	after, err := Self()
	require.NoError(t, err)
	assert.Greater(t, after, before+48<<20, "before %d, after %d", before, after)
	assert.Equal(t, byte(1), buf[len(buf)-4096])
}
