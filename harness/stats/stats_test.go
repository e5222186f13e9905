package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchmath"
)

func TestSummarize(t *testing.T) {
	ten := []float64{10, 12, 11, 13, 9, 10, 14, 11, 12, 10}
	s := Summarize(ten, benchmath.AssumeNothing, Confidence)
	assert.Equal(t, 11.0, s.Center)
	assert.Equal(t, 10.0, s.Lo)
	assert.Equal(t, 13.0, s.Hi)
	assert.True(t, s.HasCI())
	assert.GreaterOrEqual(t, s.Confidence, 0.95)
	assert.Equal(t, 10, s.N)
	assert.Equal(t, []float64{10, 12, 11, 13, 9, 10, 14, 11, 12, 10}, ten, "input not reordered")
	assert.Equal(t, "18%", s.PctRange())

	few := Summarize([]float64{1, 2, 3}, benchmath.AssumeNothing, Confidence)
	assert.Equal(t, 2.0, few.Center)
	assert.False(t, few.HasCI())
	assert.Equal(t, "∞", few.PctRange())
	require.Len(t, few.Warnings, 1)
	assert.Contains(t, few.Warnings[0], "need >= 6 samples")

	exact := Summarize([]float64{5, 5, 5}, benchmath.AssumeExact, Confidence)
	assert.Equal(t, 5.0, exact.Center)
	assert.True(t, exact.Exact)
	assert.Empty(t, exact.Warnings)
}

func TestCompare(t *testing.T) {
	// Fully separated samples of 5: the exact two-sided p is 2/C(10,5).
	c := Compare([]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10})
	assert.InDelta(t, 2.0/252, c.P, 1e-12)
	assert.True(t, c.Significant())
	assert.Equal(t, 5, c.N1)

	same := Compare([]float64{1, 2, 3}, []float64{1, 2, 3})
	assert.False(t, same.Significant())
	require.NotEmpty(t, same.Warnings)
	assert.Contains(t, same.Warnings[0], "need >= 4 samples")
}

func TestRatioOfMedians(t *testing.T) {
	slow := []float64{100, 101, 102, 103, 104, 105, 106, 107, 108, 109}
	fast := []float64{10, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9}
	r := RatioOfMedians(slow, fast, Confidence)
	assert.InDelta(t, 104.5/10.45, r.Center, 1e-12)
	require.True(t, r.HasCI())
	// sqrt(0.95) = 0.9747 per median: for n=10 the interval is (x(2), x(9)).
	assert.InDelta(t, 101/10.8, r.Lo, 1e-12)
	assert.InDelta(t, 108/10.1, r.Hi, 1e-12)
	assert.GreaterOrEqual(t, r.Confidence, 0.95)

	short := RatioOfMedians([]float64{2, 2, 2}, []float64{1, 1, 1}, Confidence)
	assert.Equal(t, 2.0, short.Center)
	assert.False(t, short.HasCI())
}

func TestFitPowerLaw(t *testing.T) {
	xs := []float64{200, 2000, 20000}
	var ys []float64
	for _, x := range xs {
		ys = append(ys, 3*math.Pow(x, 1.5))
	}
	f, err := FitPowerLaw(xs, ys)
	require.NoError(t, err)
	assert.InDelta(t, 1.5, f.Exponent, 1e-12)
	assert.InDelta(t, 3, f.Coef, 1e-9)
	assert.InDelta(t, 1, f.R2, 1e-12)
	assert.Equal(t, 3, f.Points)

	// Noisy points: slope between the extremes, R² below 1.
	f, err = FitPowerLaw([]float64{1, 10, 100}, []float64{1, 20, 100})
	require.NoError(t, err)
	assert.InDelta(t, 1.0, f.Exponent, 1e-12)
	assert.Less(t, f.R2, 1.0)

	for _, bad := range []struct {
		xs, ys []float64
		want   string
	}{
		{[]float64{1}, []float64{1}, "at least two sizes"},
		{[]float64{1, 1}, []float64{1, 2}, "two distinct sizes"},
		{[]float64{1, 2}, []float64{1, 0}, "not positive"},
		{[]float64{1, 2}, []float64{1}, "1 y values"},
	} {
		_, err := FitPowerLaw(bad.xs, bad.ys)
		require.Error(t, err)
		assert.Contains(t, err.Error(), bad.want)
	}
}

func TestRelHalfWidth(t *testing.T) {
	ten := []float64{10, 12, 11, 13, 9, 10, 14, 11, 12, 10}
	s := Summarize(ten, benchmath.AssumeNothing, Confidence)
	// benchmath's distribution-free 95% interval of these ten is [10, 13]
	// around the median 11: the larger side is 2/11.
	assert.Equal(t, 11.0, s.Center)
	assert.InDelta(t, 2.0/11, s.RelHalfWidth(), 1e-12)
	assert.Equal(t, "18%", s.PctRange(), "the same figure as benchstat's ±")
	assert.True(t, math.IsInf(Summarize(ten[:5], benchmath.AssumeNothing, Confidence).RelHalfWidth(), 1), "5 samples: no 95% interval")
	assert.True(t, math.IsInf(Summarize([]float64{1, 1, 1}, benchmath.AssumeExact, Confidence).RelHalfWidth(), 1), "exact: no interval")
}
