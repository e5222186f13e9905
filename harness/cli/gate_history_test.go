package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/history/historytest"
)

// historyStore imports runs into a new store and returns its path.
func historyStore(t *testing.T, runs []historytest.Run) string {
	t.Helper()
	files, err := historytest.WriteAll(t.TempDir(), runs)
	require.NoError(t, err)
	store := filepath.Join(t.TempDir(), "h.db")
	_, errOut, code := runGateCLI(append([]string{"history", "import", "--store", store}, files...)...)
	require.Equal(t, 0, code, errOut)
	return store
}

func headFile(t *testing.T, level float64) string {
	t.Helper()
	r := historytest.Run{Commit: "feedface", Branch: "pr", CommitDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Level: level, Samples: 5, Seed: 99}
	p := filepath.Join(t.TempDir(), "head.txt")
	require.NoError(t, os.WriteFile(p, []byte(r.Text()), 0o644))
	return p
}

func TestGateHistory(t *testing.T) {
	// 20 runs of main; from run 14 on AttackPaths is 10% slower: inside
	// the last 10 runs.
	drift := historyStore(t, historytest.History(20, "main", func(i int) float64 {
		if i >= 14 {
			return 1.1e-4
		}
		return 1e-4
	}))
	out, errOut, code := runGateCLI("gate", "--history", "--store", drift, "--head", headFile(t, 1.3e-4))
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "REGRESSION")
	assert.Contains(t, out, "base: the last 10 runs of main on linux-amd64")
	assert.Contains(t, out, "drift inside the base window: `AttackPaths/engine=go/n=200` sec/op changed +10.")
	assert.Contains(t, out, "at commit "+historytest.Commit(14)[:12])
	assert.Contains(t, out, "| 50+5 |", "the base side pools 10 runs of 5 samples")

	flat := historyStore(t, historytest.History(12, "main", func(int) float64 { return 1e-4 }))
	out, errOut, code = runGateCLI("gate", "--history", "--window", "6", "--store", flat, "--head", headFile(t, 1e-4))
	assert.Equal(t, 0, code, errOut+out)
	assert.Contains(t, out, "PASS")
	assert.Contains(t, out, "no change point inside the base window")
	assert.Contains(t, out, "| 30+5 |")

	_, errOut, code = runGateCLI("gate", "--history", "--branch", "release", "--store", flat, "--head", headFile(t, 1e-4))
	assert.Equal(t, 3, code)
	assert.Contains(t, errOut, "no runs of branch release on linux-amd64")
	_, errOut, code = runGateCLI("gate", "--history", "--store", flat)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--history takes --head")
}
