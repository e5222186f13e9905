package calibrate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
)

// TestStoreAccumulatesPairs: three runs of 2 new pairs each fill a store
// towards 5 pairs; each run judges every stored pair, a run with nothing
// left to sample samples nothing, and pair files of other settings are
// counted and left out. The pairs read back judge as they did when
// sampled: pair 2's head (calls 2 and 3: the head is call 3) regresses.
func TestStoreAccumulatesPairs(t *testing.T) {
	dir := t.TempDir()
	src := &fakeSource{text: func(i int) string {
		v := 100
		if i == 3 {
			v = 150
		}
		var b bytes.Buffer
		for k := 0; k < 10; k++ {
			fmt.Fprintf(&b, "BenchmarkX 1 %d ns/op\n", v+k)
		}
		return b.String()
	}}
	other := FormatPair("mode=time rounds=1 args=--sizes 200", [][]byte{[]byte("BenchmarkX 1 1 ns/op\n")}, [][]byte{[]byte("BenchmarkX 1 1 ns/op\n")})
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "linux-amd64", "c0ffee"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "linux-amd64", "c0ffee", "old.txt"), other, 0o644))

	cfg := Config{Pairs: 5, Add: 2, Thresholds: gate.DefaultThresholds(), Store: Store{Dir: dir, Settings: "mode=time rounds=1 args="}}
	want := []struct{ stored, sampled, judged, calls int }{{0, 2, 2, 4}, {2, 2, 4, 8}, {4, 1, 5, 10}, {5, 0, 5, 10}}
	for run, w := range want {
		cal, err := Run(context.Background(), src, cfg)
		require.NoError(t, err, "run %d", run+1)
		assert.Equal(t, w.stored, cal.Stored, "run %d", run+1)
		assert.Equal(t, w.sampled, cal.Sampled, "run %d", run+1)
		assert.Len(t, cal.AA, w.judged, "run %d", run+1)
		assert.Equal(t, w.calls, src.calls, "run %d", run+1)
		assert.Equal(t, 1, cal.Other, "run %d", run+1)
		assert.Equal(t, 5, cal.Config.Pairs, "the target stays the configured one")
		assert.Equal(t, 1, cal.FalseAlarms(true), "run %d: pair 2 regresses, read back or not", run+1)
		assert.Equal(t, []string{"X sec/op"}, cal.AA[1].RegressedHolm)
	}
	files, err := filepath.Glob(filepath.Join(dir, "pair-*.txt"))
	require.NoError(t, err)
	assert.Len(t, files, 5, "one file per new pair, at the top of the store")
}

// TestPairFileIsAResultsFile: benchfmt (what benchstat reads) sees both
// sides of a pair file, told apart by their calibration-side config.
func TestPairFileIsAResultsFile(t *testing.T) {
	data := FormatPair("s", [][]byte{[]byte("goos: linux\nBenchmarkA 1 10 ns/op\n"), []byte("BenchmarkA 1 11 ns/op")}, [][]byte{[]byte("BenchmarkA 1 12 ns/op\n")})
	recs, err := results.Records(bytes.NewReader(data), "pair.txt")
	require.NoError(t, err)
	var sides []string
	for _, r := range recs {
		sides = append(sides, r.GetConfig(SideKey))
	}
	assert.Equal(t, []string{"base", "base", "head"}, sides)

	settings, pair, err := ReadPair(data, "pair.txt")
	require.NoError(t, err)
	assert.Equal(t, "s", settings)
	assert.InDeltaSlice(t, []float64{10e-9, 11e-9}, pair[0].Lookup("A", "sec/op").Values, 1e-18)
	assert.InDeltaSlice(t, []float64{12e-9}, pair[1].Lookup("A", "sec/op").Values, 1e-18)
}

func TestReadPairErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"not a pair", "BenchmarkA 1 1 ns/op\n", "p.txt:1: not a calibration pair file"},
		{"no base", "calibration-settings: s\nBenchmarkA 1 1 ns/op\n", `p.txt:2: want "calibration-side: base"`},
		{"no head", "calibration-settings: s\ncalibration-side: base\nBenchmarkA 1 1 ns/op\n", `p.txt: no line "calibration-side: head"`},
		{"empty head", "calibration-settings: s\ncalibration-side: base\nBenchmarkA 1 1 ns/op\ncalibration-side: head\n", "p.txt (head side)"},
		{"bad base", "calibration-settings: s\ncalibration-side: base\nBenchmarkA 1 x ns/op\ncalibration-side: head\nBenchmarkA 1 1 ns/op\n", "p.txt (base side)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadPair([]byte(tc.data), "p.txt")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestStoreLoadRefusesBrokenFiles: a damaged pair file stops the run
// with its name rather than being judged or skipped.
func TestStoreLoadRefusesBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("calibration-settings: s\n"), 0o644))
	_, err := Store{Dir: dir, Settings: "s"}.Load()
	assert.ErrorContains(t, err, "bad.txt:2")
	st, err := Store{Dir: filepath.Join(dir, "absent"), Settings: "s"}.Load()
	require.NoError(t, err)
	assert.Empty(t, st.Pairs)
}
