package calibrate

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
)

// fakeSource returns synthetic sides: side i (0-based; pair i/2, head
// when i is odd) is the results text text(i).
type fakeSource struct {
	text  func(i int) string
	calls int
}

func (f *fakeSource) Mode() string { return "time" }
func (f *fakeSource) Unit() string { return "sec/op" }
func (f *fakeSource) Sample(ctx context.Context) ([]byte, error) {
	i := f.calls
	f.calls++
	return []byte(f.text(i)), nil
}

// spread writes ten samples of a benchmark around center, spaced by step
// (a fraction of center), in an order that depends on the side.
func spread(b *strings.Builder, name string, center, step float64, side int) {
	for k := 0; k < 10; k++ {
		j := (k*3 + side) % 10
		fmt.Fprintf(b, "Benchmark%s 1 %g ns/op\n", name, center*(1+step*float64(j)))
	}
}

// TestRunCountsWholeGateFalseAlarms: in pairs 0, 5 and 10 the head of one
// benchmark among 21 moves by about 6% with p near 0.01 (the pattern of
// gate's Holm test): without correction those three runs fail the gate,
// with Holm's none does.
func TestRunCountsWholeGateFalseAlarms(t *testing.T) {
	moved := map[int]bool{1: true, 11: true, 21: true} // heads of pairs 0, 5, 10
	src := &fakeSource{text: func(i int) string {
		var b strings.Builder
		for k := 0; k < 10; k++ {
			v := 100 + k
			if moved[i] {
				v = 104 + k + k/2
			}
			fmt.Fprintf(&b, "BenchmarkMoved 1 %d ns/op\n", v)
		}
		for s := 0; s < 20; s++ {
			spread(&b, fmt.Sprintf("Same/s=%d", s), 100, 0.01, i)
		}
		return b.String()
	}}
	cal, err := Run(context.Background(), src, Config{Pairs: 20, Detect: 0, Thresholds: gate.DefaultThresholds()})
	require.NoError(t, err)
	assert.Equal(t, 40, src.calls, "two sides per pair")
	assert.Equal(t, 21, cal.Comparisons)
	assert.Equal(t, 21, cal.Tests)
	require.Len(t, cal.AA, 20)
	assert.Equal(t, 3, cal.FalseAlarms(false))
	assert.Equal(t, 0, cal.FalseAlarms(true))
	assert.Equal(t, []string{"Moved sec/op"}, cal.AA[5].RegressedNone)
	assert.Empty(t, cal.AA[5].RegressedHolm)
	assert.Empty(t, cal.AA[1].RegressedNone)
	assert.Equal(t, "Moved", cal.Target, "the first sec/op series by default")
}

// TestRunDetectsInjectedSlowdown: five benchmarks whose samples spread
// over 0.9% never overlap once slowed by 1% or more, so the U test gives
// its smallest p (1.08e-5 for 10+10, 5.4e-5 after Holm over 5 tests) and
// the verdict hangs on the threshold (6% here) alone: 3% and 5% are never
// caught, 7% and 20% always. A sixth, wide benchmark (samples over 18%)
// needs a larger slowdown.
func TestRunDetectsInjectedSlowdown(t *testing.T) {
	src := &fakeSource{text: func(i int) string {
		var b strings.Builder
		for s := 0; s < 5; s++ {
			spread(&b, fmt.Sprintf("Tight/s=%d", s), 1000, 0.001, i)
		}
		spread(&b, "Wide", 1000, 0.02, i)
		return b.String()
	}}
	th := gate.DefaultThresholds()
	th.Change = 0.06 // not a step of the ladder: 1.05/1 - 1 rounds above 0.05
	cfg := Config{Pairs: 20, Detect: 10, Slowdowns: []float64{0.03, 0.05, 0.07, 0.2}, Target: "Tight/s=2", Thresholds: th}
	cal, err := Run(context.Background(), src, cfg)
	require.NoError(t, err)
	assert.Equal(t, 0, cal.FalseAlarms(true))
	assert.Equal(t, 0, cal.FalseAlarms(false))
	var caught []int
	for _, d := range cal.Detections {
		caught = append(caught, d.Caught)
		assert.Equal(t, 10, d.Trials)
		for _, c := range d.Changes {
			assert.InDelta(t, d.Slowdown, c, 1e-9, "the median moves by exactly the injected fraction")
		}
	}
	assert.Equal(t, []int{0, 0, 10, 10}, caught)
	s, ok := cal.SmallestCaught()
	require.True(t, ok)
	assert.Equal(t, 0.07, s)

	require.Len(t, cal.Power, 6)
	for _, p := range cal.Power[:5] {
		assert.Equal(t, 0.07, p.Smallest, p.Name)
		assert.Equal(t, 10, p.N)
	}
	wide := cal.Power[5]
	assert.Equal(t, "Wide", wide.Name)
	// At 7% six base samples lie above the smallest head sample and the Holm-adjusted p stays
	// above 0.05; at 10% four do and it falls below.
	assert.Equal(t, 0.1, wide.Smallest)
}

func TestRunErrors(t *testing.T) {
	ok := &fakeSource{text: func(int) string { return "BenchmarkX 1 1 ns/op\n" }}
	_, err := Run(context.Background(), ok, Config{Pairs: 0, Thresholds: gate.DefaultThresholds()})
	assert.ErrorContains(t, err, "pairs >= 1")
	_, err = Run(context.Background(), ok, Config{Pairs: 2, Detect: 3, Thresholds: gate.DefaultThresholds()})
	assert.ErrorContains(t, err, "detect <= pairs")
	_, err = Run(context.Background(), ok, Config{Pairs: 1, Target: "Absent", Thresholds: gate.DefaultThresholds()})
	assert.ErrorContains(t, err, `no sec/op series "Absent"`)
	bad := &fakeSource{text: func(int) string { return "" }}
	_, err = Run(context.Background(), bad, Config{Pairs: 1, Thresholds: gate.DefaultThresholds()})
	assert.ErrorIs(t, err, results.ErrNoResults)
	assert.ErrorContains(t, err, "pair 1")
}

func TestInject(t *testing.T) {
	set, err := results.Read(strings.NewReader("BenchmarkA 1 100 ns/op 50 MB/s\nBenchmarkB 1 100 ns/op\n"), "x")
	require.NoError(t, err)
	got := Inject(set, "A", "sec/op", 0.25)
	assert.InDelta(t, 125e-9, got.Lookup("A", "sec/op").Values[0], 1e-15)
	assert.InDelta(t, 40e6, got.Lookup("A", "B/s").Values[0], 1e-6, "throughput of the slower runs")
	assert.InDelta(t, 100e-9, got.Lookup("B", "sec/op").Values[0], 1e-15, "other benchmarks untouched")
	assert.InDelta(t, 100e-9, set.Lookup("A", "sec/op").Values[0], 1e-15, "the input is untouched")
}

func TestWilson(t *testing.T) {
	lo, hi := Wilson(0, 20)
	assert.Equal(t, 0.0, lo)
	assert.InDelta(t, 0.161, hi, 0.001)
	lo, hi = Wilson(10, 10)
	assert.InDelta(t, 0.722, lo, 0.001)
	assert.Equal(t, 1.0, hi)
	assert.False(t, math.IsNaN(lo))
}

// TestRunInterleavesRounds: with Rounds 4, a pair's sides are sampled
// base, head, base, head, ...: the even calls (100 ns) make the base, the
// odd ones (200 ns) the head, so the A/A "pair" regresses, which it would
// not if the rounds were split any other way.
func TestRunInterleavesRounds(t *testing.T) {
	src := &fakeSource{text: func(i int) string { return fmt.Sprintf("BenchmarkX 1 %d ns/op\n", 100*(1+i%2)) }}
	cal, err := Run(context.Background(), src, Config{Pairs: 1, Rounds: 4, Thresholds: gate.DefaultThresholds()})
	require.NoError(t, err)
	assert.Equal(t, 8, src.calls)
	require.Len(t, cal.Power, 1)
	assert.Equal(t, 4, cal.Power[0].N)
	assert.Equal(t, []string{"X sec/op"}, cal.AA[0].RegressedHolm)
}
