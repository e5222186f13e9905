package calibrate

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/internal/gittest"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// TestPairsOnDataBranch runs ci/calibration-pairs.sh, the nightly
// calibration's glue, against a local bare repository standing in for
// the remote: before any push there is nothing to fetch; two runs push
// their new pairs; a fresh checkout fetches all three for its platform
// (none of another platform's) and the store judges them with the
// settings they were sampled with.
func TestPairsOnDataBranch(t *testing.T) {
	root, err := reporoot.Find()
	require.NoError(t, err)
	script := filepath.Join(root, "ci", "calibration-pairs.sh")
	tmp := t.TempDir()
	remote := gittest.NewRemote(t, tmp)
	clone := filepath.Join(tmp, "runner")
	gittest.Git(t, tmp, "clone", "--quiet", remote, clone)
	sh := func(args ...string) string {
		cmd := exec.Command("bash", append([]string{script}, args...)...)
		cmd.Dir = clone
		cmd.Env = gittest.Env()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%v: %s", args, out)
		return string(out)
	}
	assert.Contains(t, sh("fetch", "linux-amd64", filepath.Join(tmp, "none")), "no calibration-data branch yet")

	settings := "mode=time rounds=1 args="
	side := func(v string) [][]byte { return [][]byte{[]byte("BenchmarkX 1 " + v + " ns/op\n")} }
	commits := []string{strings.Repeat("a", 40), strings.Repeat("b", 40)}
	for run, values := range [][]string{{"100", "101"}, {"102"}} {
		night := filepath.Join(tmp, "night", commits[run])
		for _, v := range values {
			_, err := Store{Dir: night, Settings: settings}.Add(side(v), side(v))
			require.NoError(t, err)
		}
		assert.Equal(t, len(values), strings.Count(sh("push", "linux-amd64", commits[run], night), "pushed to calibration-data"))
	}
	_, err = Store{Dir: filepath.Join(tmp, "mac"), Settings: settings}.Add(side("7"), side("7"))
	require.NoError(t, err)
	sh("push", "darwin-arm64", commits[0], filepath.Join(tmp, "mac"))

	fetched := filepath.Join(tmp, "fetched")
	assert.Contains(t, sh("fetch", "linux-amd64", fetched), "3 pair file(s) for linux-amd64")
	st, err := Store{Dir: fetched, Settings: settings}.Load()
	require.NoError(t, err)
	require.Len(t, st.Pairs, 3)
	var got []float64
	for _, p := range st.Pairs {
		got = append(got, p[0].Lookup("X", "sec/op").Values[0]*1e9)
	}
	slices.Sort(got) // files pushed in the same second sort by digest
	assert.InDeltaSlice(t, []float64{100, 101, 102}, got, 1e-6, "every pair of linux-amd64, none of darwin-arm64")
	assert.Contains(t, sh("fetch", "windows-amd64", filepath.Join(tmp, "win")), "no pairs kept for windows-amd64 yet")
}
