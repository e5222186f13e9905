package cli

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	err := Run(&out, &errb, args)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), cmdline.ExitCode(err)
}

// reportData is the reports package's stored results files.
func reportData(name string) string { return filepath.Join("..", "..", "reports", "testdata", name) }

func TestBenchDryRun(t *testing.T) {
	stdout, stderr, code := runCLI("bench", "--dry-run", "--sizes", "200,2k", "--count", "2", "--engines", "go", "--only", "go")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	// Three test builds (engine, generator, platform calibration), then
	// per round and size: the Go engine (two processes) and the
	// generator, and once per round the calibration benchmark.
	require.Len(t, lines, 3+2*(2*3+1), stdout)
	assert.Contains(t, lines[0], "[setup] build engines/goengine tests: ")
	assert.Contains(t, lines[0], "go test -c -o ")
	assert.Contains(t, lines[2], "[setup] build harness/platformcal tests: ")
	assert.Contains(t, lines[3], "[sample 1] go engine=go n=200: ")
	assert.Contains(t, lines[3], "-test.bench '^Benchmark(AttackPaths|Pipeline)$/^engine=go$/^n=200$'")
	assert.Contains(t, lines[4], "[sample 1] go load/list n=200: ")
	assert.Contains(t, lines[4], "-test.bench '^Benchmark(Load|SerializePaths|ListFindings|GetFinding|Decode)$/^n=200$'")
	assert.Contains(t, lines[6], "[sample 1] go engine=go n=2000: ")
	assert.Contains(t, lines[9], "[sample 1] go calibration: ")
	assert.Contains(t, lines[10], "[sample 2] go engine=go n=200: ")
}

func TestBenchUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--sizes", "abc", "--dry-run"}, `"abc" is not a positive number`},
		{[]string{"bench", "--sizes", "200,200", "--dry-run"}, "size 200 given twice"},
		{[]string{"bench", "--engines", "java", "--dry-run"}, `unknown engine "java"`},
		{[]string{"bench", "--only", "perf", "--dry-run"}, `--only: unknown "perf"`},
		{[]string{"bench", "--count", "0", "--only", "go", "--engines", "go", "--dry-run"}, "--count 0: must be in 1..10000"},
		{[]string{"bench", "extra"}, "unexpected arguments"},
		{[]string{"bench", "--dry-run", "--count", "1000000000"}, "--count 1000000000: must be in 1..10000"},
		{[]string{"bench", "--dry-run", "--sizes", ""}, "no sizes"},
		{[]string{"bench", "--dry-run", "--sizes", "100M"}, "more than 10000000 findings"},
		{[]string{"bench", "--dry-run", "--hyperfine-runs", "0"}, "--hyperfine-runs 0"},
		{[]string{"bench", "--dry-run", "--only", "go", "--dataset", "x.json"}, "--dataset files are timed as whole processes by hyperfine"},
		{[]string{"bench", "--dry-run", "--dataset", "x.json", "--dataset", "x.json"}, `"x.json" given twice`},
		{[]string{"bench", "--dry-run", "--ci-width", "150%"}, `"150%" is not a width`},
		{[]string{"bench", "--dry-run", "--ci-width", "5%", "--max-count", "3"}, "--max-count 3: must be in 6..10000"},
		{[]string{"bench", "--dry-run", "--ci-width", "5%", "--resume", "r.txt"}, "cannot be combined"},
	}
	for _, tt := range tests {
		_, stderr, code := runCLI(tt.args...)
		assert.Equal(t, 2, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, tt.want, tt.args)
	}
}

func TestReportCommand(t *testing.T) {
	out := t.TempDir()
	_, stderr, code := runCLI("report", reportData("synthetic-linux-amd64.txt"), "-o", out, "--title", "Test baseline")
	require.Equal(t, 0, code, stderr)
	md, err := os.ReadFile(filepath.Join(out, "BASELINE.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(md), "# Test baseline\n"))
	for _, name := range []string{"time-vs-findings", "speedup-vs-findings", "where-time-goes", "memory"} {
		f, err := os.Open(filepath.Join(out, "plots", name+".png"))
		require.NoError(t, err)
		_, err = png.Decode(f)
		f.Close()
		require.NoError(t, err, name)
		assert.Contains(t, string(md), "plots/"+name+".png")
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("goos: linux\nBenchmarkX 1 fast ns/op\n"), 0o644))
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report", "-o", out}, 2, "no results files"},
		{[]string{"report", reportData("go-only.txt")}, 2, "-o DIR is required"},
		{[]string{"report", bad, "-o", t.TempDir()}, 1, "bad.txt:2: parsing measurement"},
		{[]string{"report", filepath.Join(out, "missing.txt"), "-o", t.TempDir()}, 1, "missing.txt"},
	}
	for _, tt := range tests {
		_, stderr, code := runCLI(tt.args...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, stderr)
		assert.Contains(t, stderr, tt.want, tt.args)
	}
}

func TestComparePlatformsCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp.md")
	_, stderr, code := runCLI("compare-platforms", filepath.Join("..", "..", "reports", "baselines", "darwin-arm64"), reportData("synthetic-linux-amd64.txt"), "-o", out)
	require.Equal(t, 0, code, stderr)
	md, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(md), "# Cross-platform comparison: darwin-arm64 vs synthetic-linux-amd64")
	assert.Contains(t, string(md), "| Load/n=20000 | sec/op | 127s | 1 | 40ms | 7 |")

	_, stderr, code = runCLI("compare-platforms", reportData("go-only.txt"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "want two baselines")
	_, stderr, code = runCLI("compare-platforms", t.TempDir(), reportData("go-only.txt"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no results.txt in the baseline directory")
}

// TestBenchDryRunProcessStages: the whole-process arms of bench come in
// pairs, hyperfine then one run with --timings (the report's whole-process
// rows of "where the time goes" need the second).
func TestBenchDryRunProcessStages(t *testing.T) {
	stdout, stderr, code := runCLI("bench", "--dry-run", "--sizes", "200", "--count", "1", "--engines", "go", "--only", "hyperfine")
	require.Equal(t, 0, code, stderr)
	var hyperfine, timings string
	for _, line := range strings.Split(stdout, "\n") {
		switch {
		case strings.Contains(line, "hyperfine engine=go n=200"):
			hyperfine = line
		case strings.Contains(line, "timings engine=go n=200"):
			timings = line
		}
	}
	require.NotEmpty(t, hyperfine, stdout)
	require.NotEmpty(t, timings, "no --timings run after hyperfine:\n%s", stdout)
	assert.Contains(t, timings, "paths --engine go")
	assert.Contains(t, timings, "--timings")
}
