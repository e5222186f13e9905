package bench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrecisionStopsArms: with a loose precision every arm stops after the
// minimum rounds (6: the fewest with a 95% CI of the median); with an
// impossible one every arm takes all rounds and is reported as not
// reached.
func TestPrecisionStopsArms(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 12
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	full, err := Execute(context.Background(), p, &fakeRunner{}, Options{})
	require.NoError(t, err)
	perRound := len(full.Measurements) / cfg.Count

	loose, err := Execute(context.Background(), p, &fakeRunner{}, Options{Precision: &Precision{Width: 100, MinRounds: 6}})
	require.NoError(t, err)
	assert.Len(t, loose.Measurements, 6*perRound, "every arm stops after 6 samples")
	require.NotEmpty(t, loose.Precision)
	for _, a := range loose.Precision {
		assert.True(t, a.Reached, a.String())
		assert.Equal(t, 6, a.Samples, a.Arm)
	}
	assert.Contains(t, loose.PrecisionNote(Precision{Width: 100}), "arms reached it")
	assert.NotContains(t, loose.PrecisionNote(Precision{Width: 100}), "not reached")

	tight, err := Execute(context.Background(), p, &fakeRunner{}, Options{Precision: &Precision{Width: 1e-12, MinRounds: 6}})
	require.NoError(t, err)
	assert.Len(t, tight.Measurements, len(full.Measurements), "no arm reached: all rounds taken")
	note := tight.PrecisionNote(Precision{Width: 1e-12})
	for _, a := range tight.Precision {
		if a.Width > 0 {
			assert.False(t, a.Reached, a.String())
			assert.Contains(t, note, a.Arm)
		}
		assert.Equal(t, cfg.Count, a.Samples)
	}
	assert.Contains(t, note, "not reached: ")
}
