package gate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHolm(t *testing.T) {
	// Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04
	// raised to the running maximum 0.06.
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005})
	want := []float64{0.03, 0.06, 0.06, 0.02}
	assert.InDeltaSlice(t, want, got, 1e-12)
	assert.Equal(t, []float64{1}, Holm([]float64{1}))
	assert.Equal(t, []float64{1, 1}, Holm([]float64{0.6, 0.7}), "capped at 1")
	assert.Empty(t, Holm(nil))
}

// TestJudgeHolmAcrossRun: one series moved by about 6% with a p-value
// near 0.01 regresses when tested alone, but not among 20 unchanged
// series under Holm's correction (its adjusted p is about 20 times
// larger).
func TestJudgeHolmAcrossRun(t *testing.T) {
	var base, head strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&base, "BenchmarkMoved 1 %d ns/op\n", 100+i)
		fmt.Fprintf(&head, "BenchmarkMoved 1 %d ns/op\n", 104+i+i/2)
		for s := 0; s < 20; s++ {
			fmt.Fprintf(&base, "BenchmarkSame/s=%d 1 %d ns/op\n", s, 100+(i*7)%10)
			fmt.Fprintf(&head, "BenchmarkSame/s=%d 1 %d ns/op\n", s, 100+(i*3)%10)
		}
	}
	b, h := readSet(t, base.String()), readSet(t, head.String())

	none := DefaultThresholds()
	none.Correction = CorrectionNone
	rep := Judge(b, h, none)
	row := rep.Rows[0]
	require.Equal(t, "Moved", row.Name)
	assert.Less(t, row.P, 0.05)
	assert.Equal(t, row.P, row.PAdj, "no correction")
	assert.Greater(t, row.Change, 0.05)
	assert.Equal(t, Regression, rep.Verdict)
	assert.Equal(t, 21, rep.Tests)

	rep = Judge(b, h, DefaultThresholds())
	row = rep.Rows[0]
	assert.GreaterOrEqual(t, row.PAdj, 0.05)
	assert.InDelta(t, 21*row.P, row.PAdj, 1e-12, "the smallest p is multiplied by the number of tests")
	assert.Equal(t, Unchanged, rep.Verdict, row.Reason)
	assert.Contains(t, row.Reason, "Holm-adjusted")
}

func TestJudgeNotesUndetectableAfterCorrection(t *testing.T) {
	var base, head strings.Builder
	for i := 0; i < 5; i++ {
		for s := 0; s < 30; s++ {
			fmt.Fprintf(&base, "BenchmarkS/s=%d 1 %d ns/op\n", s, 100+i)
			fmt.Fprintf(&head, "BenchmarkS/s=%d 1 %d ns/op\n", s, 100+i)
		}
	}
	rep := Judge(readSet(t, base.String()), readSet(t, head.String()), DefaultThresholds())
	assert.Equal(t, Unchanged, rep.Verdict)
	require.Len(t, rep.Notes, 1)
	assert.Contains(t, rep.Notes[0], "Holm correction over 30 U tests")
	assert.Contains(t, rep.Notes[0], "take >= 7 samples per side")
}
