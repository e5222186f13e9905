package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunMainJobUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--sizes", "200,x"}, `--sizes: "x" is not a positive number`},
		{[]string{"run", "--sizes", "0"}, `--sizes: "0" is not a positive number`},
		{[]string{"run", "--count", "0"}, "--count 0: must be in 1..10000"},
		{[]string{"run", "--sizes", ""}, "--sizes: no sizes"},
		{[]string{"run", "--sizes", "200,200"}, "size 200 given twice"},
		{[]string{"run", "--conform-sizes", "200,200"}, "--conform-sizes: size 200 given twice"},
		{[]string{"run", "--no-such-flag"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		_, stderr, code := runCLI(tt.args...)
		assert.Equal(t, 2, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, tt.want, "%v", tt.args)
	}
}

// TestRunMainJobConformance runs the main job's first two steps for real on
// the smallest ladder: datasets into a private cache, then the quick
// conformance run with its report.
func TestRunMainJobConformance(t *testing.T) {
	t.Setenv("AEGISBENCH_CACHE", t.TempDir())
	out := t.TempDir()
	stdout, stderr, code := runCLI("run", "--skip-bench", "--sizes", "200", "--conform-sizes", "200", "-o", out)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "engines: go")
	assert.Contains(t, stdout, "== step 1/2: datasets: aegisbench datasets ensure --max-findings 200")
	assert.Contains(t, stdout, "CONFORMANCE PASSED: ")
	assert.NotContains(t, stdout, "baseline report:", "no benchmarks with --skip-bench")
	report, err := os.ReadFile(filepath.Join(out, "report", "CONFORMANCE.md"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "**CONFORMANCE PASSED: ")
	assert.FileExists(t, filepath.Join(os.Getenv("AEGISBENCH_CACHE"), "realistic-200-s1-g2.json"))
}
