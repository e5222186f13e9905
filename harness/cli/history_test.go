package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/history/historytest"
)

// stepHistory writes 16 runs of main whose AttackPaths gets 20% slower
// from commit 10 on, and returns the files.
func stepHistory(t *testing.T) []string {
	t.Helper()
	files, err := historytest.WriteAll(t.TempDir(), historytest.History(16, "main", func(i int) float64 {
		if i >= 10 {
			return 1.2e-4
		}
		return 1e-4
	}))
	require.NoError(t, err)
	return files
}

func TestHistoryCommands(t *testing.T) {
	files := stepHistory(t)
	store := filepath.Join(t.TempDir(), "h.db")

	out, errOut, code := runGateCLI(append([]string{"history", "import", "--store", store}, files...)...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, 16, strings.Count(out, "stored run"))
	out, _, code = runGateCLI("history", "import", "--store", store, files[3])
	require.Equal(t, 0, code)
	assert.Contains(t, out, "already stored: "+files[3])

	out, errOut, code = runGateCLI("history", "list", "--store", store, "--branch", "main")
	require.Equal(t, 0, code)
	assert.Equal(t, 16, strings.Count(out, "linux-amd64"))
	assert.Contains(t, errOut, "16 runs")
	_, errOut, _ = runGateCLI("history", "list", "--store", store, "--branch", "other")
	assert.Contains(t, errOut, "0 runs")

	dir := t.TempDir()
	out, errOut, code = runGateCLI("history", "trend", "--store", store, "--benchmark", "^AttackPaths", "-o", dir)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "3 series over 16 runs, 1 change points")
	md, err := os.ReadFile(filepath.Join(dir, "TRENDS.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| `AttackPaths/engine=go/n=200` | sec/op | linux-amd64 | `"+historytest.Commit(10)[:7]+"` | 99.9µs | 120µs | +20.0% |")
	for _, ext := range []string{".png", ".svg"} {
		st, err := os.Stat(filepath.Join(dir, "plots", "trend_linux-amd64_AttackPaths_engine_go_n_200_sec_op"+ext))
		require.NoError(t, err)
		assert.Positive(t, st.Size())
	}

	out, errOut, code = runGateCLI("history", "compare", "--store", store, "--from", historytest.Commit(2)[:10], "--to", "main")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "| `AttackPaths/engine=go/n=200` | sec/op | linux-amd64 | 99.9µs n/a (5 samples) | 121µs n/a (5 samples) | +20.9% | p=0.008 (n=5+5) |")
	assert.Contains(t, out, "| `AttackPaths/engine=go/n=200` | allocs/op | linux-amd64 | 7 exact | 7 exact | ~ | exact |")
}

func TestHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "h.db")
	empty := filepath.Join(dir, "empty.txt")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	files := stepHistory(t)

	_, errOut, code := runGateCLI("history", "import", "--store", store, files[0], empty, files[1])
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, empty+": empty file")
	assert.Contains(t, errOut, "1 of 3 files not stored")

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"history"}, 2, "no subcommand"},
		{[]string{"history", "frobnicate"}, 2, "unknown subcommand"},
		{[]string{"history", "import", "--store", store}, 2, "no results files"},
		{[]string{"history", "trend", "--store", store}, 2, "-o DIR is required"},
		{[]string{"history", "trend", "--store", store, "-o", dir, "--benchmark", "("}, 2, "--benchmark"},
		{[]string{"history", "compare", "--store", store, "--from", "x"}, 2, "--from and --to"},
		{[]string{"history", "compare", "--store", store, "--from", "nosuchref", "--to", "main"}, 1, "nosuchref: not a git ref here, nor a branch or commit with no runs"},
		{[]string{"history", "list", "--store", empty + ".notdb"}, 1, "(import results first: aegisbench history import FILE)"},
		{[]string{"history", "list", "--store", files[0]}, 1, files[0] + ": not a SQLite database"},
	} {
		_, errOut, code := runGateCLI(c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, "%v", c.args)
	}
}

// TestReportStanding: the report of a run imported into a store with
// previous runs of the same machine says where it stands.
func TestReportStanding(t *testing.T) {
	runs := historytest.History(7, "main", func(i int) float64 {
		if i == 6 {
			return 0.8e-4 // the new run is 20% faster
		}
		return 1e-4
	})
	files, err := historytest.WriteAll(t.TempDir(), runs)
	require.NoError(t, err)
	store := filepath.Join(t.TempDir(), "h.db")
	_, errOut, code := runGateCLI(append([]string{"history", "import", "--store", store}, files...)...)
	require.Equal(t, 0, code, errOut)

	dir := t.TempDir()
	_, errOut, code = runGateCLI("report", files[6], "--history-store", store, "-o", dir)
	require.Equal(t, 0, code, errOut)
	md, err := os.ReadFile(filepath.Join(dir, "BASELINE.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Against previous runs on this machine")
	assert.Contains(t, string(md), "against the previous 6 runs of linux-amd64 (Test CPU)")
	assert.Contains(t, string(md), "2 of 2 timed benchmarks are below the previous median.")
	assert.Contains(t, string(md), "| `AttackPaths/engine=go/n=200` | 80.2µs | 99.9µs [98.8µs, 100µs] | -19.7% | 1 of 7 |")

	// The first run has no previous runs: no section.
	_, errOut, code = runGateCLI("report", files[0], "--history-store", store, "-o", dir)
	require.Equal(t, 0, code, errOut)
	md, err = os.ReadFile(filepath.Join(dir, "BASELINE.md"))
	require.NoError(t, err)
	assert.NotContains(t, string(md), "Against previous runs")

	other := filepath.Join(t.TempDir(), "other.txt")
	require.NoError(t, os.WriteFile(other, []byte(strings.Replace(runs[0].Text(), "Test CPU", "Other CPU", 1)), 0o644))
	_, errOut, code = runGateCLI("report", other, "--history-store", store, "-o", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is not in the history store")
}
