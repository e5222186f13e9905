package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/calibrate"
)

// TestGateCalibratePairsAccumulate runs gate --calibrate twice on one
// pairs directory, one new pair each time (real bench runs: the Go engine
// as a whole process under hyperfine, 200 findings): the first report
// says it is incomplete, the second judges both pairs, one of them read
// back from the directory, and the directory holds one pair file per
// pair, each a results file with both sides.
func TestGateCalibratePairsAccumulate(t *testing.T) {
	if _, err := exec.LookPath("hyperfine"); err != nil {
		t.Skip("hyperfine not on PATH (make test puts the pinned one there)")
	}
	dir := filepath.Join(t.TempDir(), "pairs")
	cache := t.TempDir()
	run := func() string {
		cmd := exec.Command(os.Args[0], "gate", "--calibrate", "--modes", "time", "--trials", "2", "--detect-trials", "0",
			"--count", "1", "--pairs-dir", dir, "--add", "1",
			"--bench-args", "--engines go --only hyperfine --sizes 200 --hyperfine-runs 2 --hyperfine-warmup 0")
		cmd.Env = append(os.Environ(), childEnv+"=1", "AEGISBENCH_CACHE="+cache)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Run(), errb.String())
		return out.String()
	}
	first := run()
	assert.Contains(t, first, "Pairs kept in `"+dir+"`: 0 read from earlier runs, 1 sampled by this one.")
	assert.Contains(t, first, "**Incomplete: 1 of the 2 A/A runs asked for**")
	second := run()
	assert.Contains(t, second, "Pairs kept in `"+dir+"`: 1 read from earlier runs, 1 sampled by this one.")
	assert.NotContains(t, second, "Incomplete")
	assert.Contains(t, second, "2 A/A runs of the whole benchmark set")

	files, err := filepath.Glob(filepath.Join(dir, "pair-*.txt"))
	require.NoError(t, err)
	require.Len(t, files, 2)
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	settings, pair, err := calibrate.ReadPair(data, files[0])
	require.NoError(t, err)
	assert.Contains(t, settings, "mode=time rounds=1")
	for side, set := range pair {
		s := set.Lookup("Process/engine=go/n=200", "sec/op")
		if assert.NotNil(t, s, "side %d: %v", side, set.Series) {
			assert.Len(t, s.Values, 2, "one round per side, of hyperfine's two runs")
			assert.Greater(t, s.Values[0], 0.0)
		}
	}
}
