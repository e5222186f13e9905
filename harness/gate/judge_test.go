package gate

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/results"
)

func judgeFiles(t *testing.T, base, head string, th Thresholds) *Report {
	t.Helper()
	b, err := results.Load(filepath.Join("testdata", base))
	require.NoError(t, err)
	h, err := results.Load(filepath.Join("testdata", head))
	require.NoError(t, err)
	return Judge(b, h, th)
}

type rowWant struct {
	name, unit string
	verdict    Verdict
}

// TestJudgeStoredResults pins the gate's verdicts on stored results files
// (10 noisy samples per side unless named -3); reports pins their
// markdown.
func TestJudgeStoredResults(t *testing.T) {
	tests := []struct {
		golden, base, head string
		verdict            Verdict
		exit               int
		rows               []rowWant // rows whose verdict is not "ok"
		reason             string    // substring of some row's reason
	}{
		{golden: "aa", base: "base.txt", head: "head-aa.txt", verdict: Unchanged, exit: 0},
		{golden: "slow20", base: "base.txt", head: "head-slow20.txt", verdict: Regression, exit: 1,
			rows:   []rowWant{{"Pipeline/engine=go/n=2000", "sec/op", Regression}},
			reason: "increased by 19.8% (threshold 5.0%)"},
		{golden: "alloc", base: "base.txt", head: "head-alloc.txt", verdict: Regression, exit: 1,
			// +48 B/op on 1.8 MB is within the 0.1% B/op tolerance; the
			// extra allocation itself is the regression.
			rows:   []rowWant{{"Pipeline/engine=go/n=2000", "allocs/op", Regression}},
			reason: "exact unit increased: 21345 -> 21346"},
		{golden: "three-samples", base: "base-3.txt", head: "head-3.txt", verdict: CannotDecide, exit: 3,
			rows: []rowWant{
				{"Pipeline/engine=go/n=200", "sec/op", CannotDecide},
				{"Pipeline/engine=go/n=2000", "sec/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "sec/op", CannotDecide},
			},
			reason: "too few samples (base 3, head 3): need >= 4 per side"},
		{golden: "missing", base: "base.txt", head: "head-missing.txt", verdict: CannotDecide, exit: 3,
			rows: []rowWant{
				{"Pipeline/engine=rust-ffi/n=2000", "sec/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "B/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "allocs/op", CannotDecide},
			},
			reason: "missing in head"},
		{golden: "missing-base", base: "head-missing.txt", head: "base.txt", verdict: CannotDecide, exit: 3,
			rows: []rowWant{
				{"Pipeline/engine=rust-ffi/n=2000", "sec/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "B/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "allocs/op", CannotDecide},
			},
			reason: "missing in base"},
		// The slowdown wins over cannot-decide: regression beats cannot decide.
		{golden: "slow20-vs-missing", base: "head-missing.txt", head: "head-slow20.txt", verdict: Regression, exit: 1,
			rows: []rowWant{
				{"Pipeline/engine=go/n=2000", "sec/op", Regression},
				{"Pipeline/engine=rust-ffi/n=2000", "sec/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "B/op", CannotDecide},
				{"Pipeline/engine=rust-ffi/n=2000", "allocs/op", CannotDecide},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			rep := judgeFiles(t, tc.base, tc.head, DefaultThresholds())
			assert.Equal(t, tc.verdict, rep.Verdict)
			assert.Equal(t, tc.exit, rep.Verdict.ExitCode())
			require.Len(t, rep.Rows, 9)
			var got []rowWant
			var reasons []string
			for _, r := range rep.Rows {
				if r.Verdict != Unchanged {
					got = append(got, rowWant{r.Name, r.Unit, r.Verdict})
				}
				reasons = append(reasons, r.Reason)
			}
			assert.Equal(t, tc.rows, got)
			if tc.reason != "" {
				assert.Contains(t, strings.Join(reasons, "\n"), tc.reason)
			}

		})
	}
}

func TestJudgeSlowdownRowValues(t *testing.T) {
	rep := judgeFiles(t, "base.txt", "head-slow20.txt", DefaultThresholds())
	row := rep.Rows[3]
	require.Equal(t, Key{"Pipeline/engine=go/n=2000", "sec/op"}, row.Key)
	assert.Equal(t, 10, row.BaseN)
	assert.Equal(t, 10, row.HeadN)
	assert.InDelta(t, 0.0245, row.BaseCenter, 0.0005)
	assert.InDelta(t, 0.20, row.Change, 0.02)
	assert.Less(t, row.P, 0.001)
	assert.False(t, row.Exact)
	assert.Equal(t, -1, row.Better)
}

// A threshold above the slowdown turns the regression into a pass even
// though the U test finds it significant: both conditions are required.
func TestJudgeThresholdAndAlphaBothRequired(t *testing.T) {
	th := DefaultThresholds()
	th.Change = 0.25
	rep := judgeFiles(t, "base.txt", "head-slow20.txt", th)
	assert.Equal(t, Unchanged, rep.Verdict)
	assert.Contains(t, rep.Rows[3].Reason, "within the 25.0% threshold")

	th = DefaultThresholds()
	th.Alpha = 1e-9 // unreachable with 10+10 samples => cannot decide, not pass
	rep = judgeFiles(t, "base.txt", "head-slow20.txt", th)
	assert.Equal(t, CannotDecide, rep.Verdict)
	assert.Contains(t, rep.Rows[0].Reason, "need >= 17 per side")
}

func TestJudgeAllocThreshold(t *testing.T) {
	th := DefaultThresholds()
	th.Allocs = 1 // one extra allocation tolerated
	rep := judgeFiles(t, "base.txt", "head-alloc.txt", th)
	assert.Equal(t, Unchanged, rep.Verdict)
}

func readSet(t *testing.T, text string) *results.Set {
	t.Helper()
	r, err := results.Read(strings.NewReader(text), "test")
	require.NoError(t, err)
	return r
}

func lines(name string, unit string, vals ...float64) string {
	var b strings.Builder
	for _, v := range vals {
		b.WriteString("Benchmark" + name + " 1 " + strconv.FormatFloat(v, 'f', -1, 64) + " " + unit + "\n")
	}
	return b.String()
}

func TestJudgeDirections(t *testing.T) {
	ten := func(center float64) []float64 {
		out := make([]float64, 10)
		for i := range out {
			out[i] = center * (1 + 0.002*float64(i-5))
		}
		return out
	}
	tests := []struct {
		name       string
		unit, meta string
		base, head []float64
		verdict    Verdict
		better     int
	}{
		{"throughput drop", "MB/s", "", ten(100), ten(80), Regression, 1},
		{"throughput gain", "MB/s", "", ten(100), ten(120), Improved, 1},
		{"time gain", "ns/op", "", ten(100), ten(80), Improved, -1},
		{"declared higher-better score falls", "score", "Unit score better=higher\n", ten(100), ten(80), Regression, 1},
		{"unknown direction", "widgets", "", ten(100), ten(200), NotGated, 0},
		{"custom cost per op", "rows/op", "", ten(100), ten(120), Regression, -1},
		{"instructions within 1%", "instructions/op", "", []float64{1000000}, []float64{1005000}, Unchanged, -1},
		{"instructions beyond 1%", "instructions/op", "", []float64{1000000}, []float64{1020000}, Regression, -1},
		{"instructions fewer", "instructions/op", "", []float64{1000000}, []float64{900000}, Improved, -1},
		{"declared exact unit", "paths/op", "Unit paths/op assume=exact\n", []float64{10}, []float64{11}, Regression, -1},
		{"B/op beyond 0.1%", "B/op", "", []float64{1000, 1000, 1000}, []float64{1002, 1002, 1002}, Regression, -1},
		{"B/op background noise", "B/op", "", []float64{1099840, 1099854, 1099840}, []float64{1099868, 1099840, 1099840, 1099842}, Unchanged, -1},
		// The mode, not the median: one noisy sample in three does not move it.
		{"allocs/op mode", "allocs/op", "", []float64{129, 129, 130}, []float64{129, 130, 129}, Unchanged, -1},
		{"allocs/op one more", "allocs/op", "", []float64{129, 129, 129}, []float64{130, 130, 130}, Regression, -1},
		{"identical samples", "ns/op", "", []float64{5, 5, 5, 5, 5}, []float64{5, 5, 5, 5, 5}, Unchanged, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := readSet(t, tc.meta+lines("X", tc.unit, tc.base...))
			head := readSet(t, tc.meta+lines("X", tc.unit, tc.head...))
			rep := Judge(base, head, DefaultThresholds())
			require.Len(t, rep.Rows, 1)
			assert.Equal(t, tc.verdict, rep.Rows[0].Verdict, rep.Rows[0].Reason)
			assert.Equal(t, tc.better, rep.Rows[0].Better)
		})
	}
}

func TestJudgeNoResults(t *testing.T) {
	rep := Judge(&results.Set{}, &results.Set{}, DefaultThresholds())
	assert.Equal(t, CannotDecide, rep.Verdict)
	assert.Equal(t, "CANNOT DECIDE: no benchmark results", rep.Headline())
}

func TestMinSamples(t *testing.T) {
	// The smallest p of the exact two-sided U test with n+n samples,
	// as tabulated by golang.org/x/perf/benchmath (uTestMinP).
	table := []float64{1: 1, 2: 0.3333333333333333, 3: 0.1, 4: 0.02857142857142857, 5: 0.007936507936507936,
		6: 0.0021645021645021645, 7: 0.0005827505827505828, 8: 0.0001554001554001554, 9: 4.113533525298231e-05}
	for n := 1; n < len(table); n++ {
		assert.InDelta(t, table[n], minP(n, n), 1e-12, "n=%d", n)
	}
	assert.Equal(t, 4, MinSamples(0.05))
	assert.Equal(t, 5, MinSamples(0.01))
	assert.Equal(t, 4, MinSamples(0.1)) // 3+3 gives exactly 0.1, not < 0.1
	assert.Equal(t, 3, MinSamples(0.2))
	assert.InDelta(t, 2.0/286, minP(10, 3), 1e-12)
}
