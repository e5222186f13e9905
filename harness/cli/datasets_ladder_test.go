package cli

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/generators"
)

func TestDatasetsLadder(t *testing.T) {
	dir := t.TempDir()
	v2 := realdataFile(t, dir, "v2-1000.json", generators.Config{Findings: 1000, Seed: 1})
	v2b := realdataFile(t, dir, "v2-3000.json", generators.Config{Findings: 3000, Seed: 1})
	stdout, stderr, code := genRunCLI("datasets", "ladder", v2, v2b, "--tolerance", "0.5")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "| figure | 1,000 | 3,000 |")
	assert.Contains(t, stdout, "| entries per 1k findings | 170.00 | 170.33 (+0.2%) |")
	assert.Contains(t, stdout, "0 of 12 figures outside ±50% of the first column.")

	v1 := realdataFile(t, dir, "v1-200.json", generators.Config{Findings: 200, Seed: 1, Version: 1})
	stdout, stderr, code = genRunCLI("datasets", "ladder", v1, v2b, "--tolerance", "0.01")
	assert.Equal(t, 1, code, stdout)
	assert.Contains(t, stderr, "figure(s) outside ±1% of the first profile")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"datasets", "ladder", v2}, "want at least two files, got 1"},
		{[]string{"datasets", "ladder", v2, v2b, "--tolerance", "0"}, "--tolerance must be > 0"},
		{[]string{"datasets", "ladder", v2, filepath.Join(dir, "missing.json")}, "missing.json"},
	} {
		_, stderr, code := genRunCLI(tc.args...)
		assert.NotEqual(t, 0, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
