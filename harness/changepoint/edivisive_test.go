package changepoint

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noisy returns n values around level with relative Gaussian noise sd.
func noisy(rng *rand.Rand, n int, level, sd float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = level * (1 + sd*rng.NormFloat64())
	}
	return out
}

// runs returns n runs around level: each the median of samples values
// with relative Gaussian noise sd, as a history holds them (bench --count 5
// gives 5 samples per run).
func runs(rng *rand.Rand, n, samples int, level, sd float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		s := noisy(rng, samples, level, sd)
		slices.Sort(s)
		out[i] = s[samples/2]
	}
	return out
}

// naiveQ is the statistic of Matteson and James computed from its
// definition, O(n²), for checking the Fenwick version.
func naiveQ(x []float64, tau int) float64 {
	l, r := x[:tau], x[tau:]
	within := func(a []float64) float64 {
		s := 0.0
		for i := range a {
			for j := i + 1; j < len(a); j++ {
				s += math.Abs(a[i] - a[j])
			}
		}
		return s / (float64(len(a)) * float64(len(a)-1) / 2)
	}
	between := 0.0
	for _, a := range l {
		for _, b := range r {
			between += math.Abs(a - b)
		}
	}
	n, m := float64(len(l)), float64(len(r))
	e := 2*between/(n*m) - within(l) - within(r)
	return n * m / (n + m) * e
}

func TestBestSplitMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 20 {
		n := 6 + rng.IntN(40)
		x := noisy(rng, n, 100, 0.05)
		if trial%3 == 0 {
			x[rng.IntN(n)] = x[0] // ties
		}
		d := newDetector(x, DefaultOptions())
		got := d.best(0, n)
		wantTau, wantQ := -1, math.Inf(-1)
		for tau := 3; tau <= n-3; tau++ {
			if q := naiveQ(x, tau); q > wantQ+1e-9 {
				wantTau, wantQ = tau, q
			}
		}
		require.Equal(t, wantTau, got.tau, "trial %d", trial)
		assert.InDelta(t, wantQ, got.q, 1e-6*math.Abs(wantQ), "trial %d", trial)
	}
}

// stepHistories returns 300 series of 60 runs (5 samples each, 3% noise);
// series 17 steps up 5% at run 30.
func stepHistories() [][]float64 {
	rng := rand.New(rand.NewPCG(2027, 10))
	series := make([][]float64, 300)
	for i := range series {
		series[i] = runs(rng, 60, 5, 1e5, 0.03)
	}
	for j := 30; j < 60; j++ {
		series[17][j] *= 1.05
	}
	return series
}

func TestStepFoundAtItsCommit(t *testing.T) {
	series := stepHistories()
	found := DetectAll(series, DefaultOptions(), runtime.NumCPU())
	require.NotEmpty(t, found[17], "the 5%% step was not found")
	assert.Equal(t, 30, found[17][0].Index, "the step starts at run 30")
	assert.LessOrEqual(t, found[17][0].P, 0.01)
	falseAlarms := 0
	for i, f := range found {
		if i != 17 && len(f) > 0 {
			falseAlarms++
		}
	}
	// At level 0.01, about 3 of the 299 noise series may flag.
	t.Logf("%d of 299 noise series with a change point", falseAlarms)
	assert.LessOrEqual(t, falseAlarms, 8, "noise series with a change point")
}

// TestStepLocation measures how often a 5% step in 3% noise is placed at
// its exact run, over 200 seeded histories: noise moves the largest
// statistic by a run now and then, so the pinned case above is one of
// many, and this is the rate.
func TestStepLocation(t *testing.T) {
	found, exact, near := 0, 0, 0
	for seed := range uint64(200) {
		x := runs(rand.New(rand.NewPCG(seed, 13)), 60, 5, 1e5, 0.03)
		for j := 30; j < 60; j++ {
			x[j] *= 1.05
		}
		ps := Detect(x, DefaultOptions())
		if len(ps) > 0 {
			found++
		}
		best := 60
		for _, p := range ps {
			best = min(best, abs(p.Index-30))
		}
		if best == 0 {
			exact++
		}
		if best <= 1 {
			near++
		}
	}
	t.Logf("5%% step: found in %d/200, at its run in %d, within one run in %d", found, exact, near)
	assert.Equal(t, 200, found)
	assert.GreaterOrEqual(t, exact, 150)
	assert.GreaterOrEqual(t, near, 190)
}

func abs(x int) int { return max(x, -x) }

func TestDriftReported(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	x := runs(rng, 50, 5, 1e5, 0.03)
	// 2% slower per commit over commits 20..29, then the new level.
	for j := 20; j < 50; j++ {
		x[j] *= math.Pow(1.02, float64(min(j-19, 10)))
	}
	found := Detect(x, DefaultOptions())
	require.NotEmpty(t, found, "the drift was not reported")
	in := false
	for _, p := range found {
		in = in || (p.Index >= 20 && p.Index <= 30)
	}
	assert.True(t, in, "change points %v are outside the drift (runs 20..30)", found)
}

func TestNoiseHasNoChangePoint(t *testing.T) {
	clean := 0
	for seed := range uint64(100) {
		x := runs(rand.New(rand.NewPCG(seed, 12)), 50, 5, 1e5, 0.03)
		if len(Detect(x, DefaultOptions())) == 0 {
			clean++
		}
	}
	t.Logf("%d of 100 noise histories without a change point", clean)
	assert.GreaterOrEqual(t, clean, 95)
}

func TestDeterministic(t *testing.T) {
	series := stepHistories()[:40]
	a := DetectAll(series, DefaultOptions(), 1)
	b := DetectAll(series, DefaultOptions(), 4)
	assert.Equal(t, a, b)
}

func TestShortAndConstant(t *testing.T) {
	assert.Empty(t, Detect(nil, DefaultOptions()))
	assert.Empty(t, Detect([]float64{1, 2, 3, 4, 5}, DefaultOptions()))
	assert.Empty(t, Detect([]float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, DefaultOptions()))
	// A clean two-level series splits exactly.
	x := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}
	got := Detect(x, DefaultOptions())
	require.Len(t, got, 1)
	assert.Equal(t, 10, got[0].Index)
}

// BenchmarkDetectAll analyses 300 series of 1,000 runs (3% noise; every
// tenth series has a 5% step at run 600), on every core.
func BenchmarkDetectAll(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1000))
	series := make([][]float64, 300)
	for i := range series {
		series[i] = runs(rng, 1000, 5, 1e5, 0.03)
		if i%10 == 0 {
			for j := 600; j < 1000; j++ {
				series[i][j] *= 1.05
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		DetectAll(series, DefaultOptions(), runtime.NumCPU())
	}
}
