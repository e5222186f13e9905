package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/results"
)

// gateData is the gate package's stored results files.
func gateData(name string) string { return filepath.Join("..", "gate", "testdata", name) }

func runGateCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	err := Run(&out, &errb, args)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), cmdline.ExitCode(err)
}

func TestGateExitCodes(t *testing.T) {
	dir := t.TempDir()
	failed := filepath.Join(dir, "conform-failed.json")
	require.NoError(t, conform.WriteSummary(failed, conform.Verdict{Passed: 10, Failed: 1, Unexpected: []string{"x"}}.Summary()))
	passed := filepath.Join(dir, "conform-passed.json")
	require.NoError(t, conform.WriteSummary(passed, conform.Verdict{Passed: 11}.Summary()))
	logText := filepath.Join(dir, "conform.log")
	require.NoError(t, os.WriteFile(logText, []byte("CONFORMANCE PASSED: 11 passed, 0 failed, 0 expected failures\n"), 0o644))
	empty := filepath.Join(dir, "empty.txt")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	badResults := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(badResults, []byte("BenchmarkX 1 fast ns/op\n"), 0o644))

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"A/A passes", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt")}, 0, "PASS: no regression in 9 comparisons", ""},
		{"20% slowdown fails", []string{"--base", gateData("base.txt"), "--head", gateData("head-slow20.txt")}, 1, "| Pipeline/engine=go/n=2000 | sec/op | 24.47m | 29.32m | +19.8% | 1.08e-05 | 3.25e-05 | 10+10 | **regression** |", "REGRESSION: 1 of 9"},
		{"extra allocation fails", []string{"--base", gateData("base.txt"), "--head", gateData("head-alloc.txt")}, 1, "allocs/op: regression: exact unit increased: 21345 -> 21346", ""},
		{"extra allocation tolerated by flag", []string{"--base", gateData("base.txt"), "--head", gateData("head-alloc.txt"), "--alloc-threshold", "1", "--exact-threshold", "0.1%"}, 0, "PASS", ""},
		{"3 samples cannot decide", []string{"--base", gateData("base-3.txt"), "--head", gateData("head-3.txt")}, 3, "need >= 4 per side", "CANNOT DECIDE"},
		{"missing on one side cannot decide", []string{"--base", gateData("base.txt"), "--head", gateData("head-missing.txt")}, 3, "missing in head", ""},
		{"threshold above slowdown passes", []string{"--base", gateData("base.txt"), "--head", gateData("head-slow20.txt"), "--threshold", "25%"}, 0, "PASS", ""},
		{"conformance failure fails an A/A", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--conformance", failed}, 1, "Conformance: **FAILED**", "conformance failed"},
		{"conformance passed", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--conformance", passed}, 0, "Conformance: passed", ""},
		{"conformance log text is not a verdict", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--conformance", logText}, 2, "", "conformance verdict " + logText},
		{"usage: nothing to compare", nil, 2, "", "give --base and --head"},
		{"usage: head only", []string{"--head", gateData("base.txt")}, 2, "", "give --base and --head"},
		{"usage: bad threshold", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--threshold", "five"}, 2, "", "not a non-negative number"},
		{"usage: bad alpha", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--alpha", "2"}, 2, "", "alpha 2 must be in (0, 1)"},
		{"usage: stray argument", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "extra"}, 2, "", "unexpected arguments"},
		{"usage: base-ref with files", []string{"--base-ref", "main", "--base", gateData("base.txt")}, 2, "", "cannot be combined"},
		{"usage: bad mode", []string{"--base-ref", "HEAD", "--mode", "cycles"}, 2, "", `--mode "cycles"`},
		{"missing file", []string{"--base", filepath.Join(dir, "absent.txt"), "--head", gateData("head-aa.txt")}, 2, "", "absent.txt"},
		{"file without results cannot decide", []string{"--base", gateData("base.txt"), "--head", empty}, 3, "", empty + " holds no benchmark results"},
		{"usage: bad correction", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--correction", "bonferroni"}, 2, "", `correction "bonferroni"`},
		{"malformed file names line", []string{"--base", badResults, "--head", gateData("head-aa.txt")}, 2, "", badResults + ":1:"},
		{"missing conformance file", []string{"--base", gateData("base.txt"), "--head", gateData("head-aa.txt"), "--conformance", filepath.Join(dir, "nope")}, 2, "", "nope"},
		{"calibrate: bad slowdown", []string{"--calibrate", "--slowdowns", "-5%"}, 2, "", "--slowdowns"},
		{"calibrate: bad mode", []string{"--calibrate", "--modes", "time,wall"}, 2, "", `unknown mode "wall"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runGateCLI(append([]string{"gate"}, tc.args...)...)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, tc.stdout)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

func TestGateWritesSummaryFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "summary.md")
	stdout, _, code := runGateCLI("gate", "--base", gateData("base.txt"), "--head", gateData("head-slow20.txt"), "-o", out)
	assert.Equal(t, 1, code)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, stdout, string(got))
	golden, err := os.ReadFile(filepath.Join("..", "..", "reports", "testdata", "gate", "slow20.md"))
	require.NoError(t, err)
	assert.Equal(t, string(golden), string(got), "the CLI writes the pinned summary")
}

func TestGateParsePercent(t *testing.T) {
	for in, want := range map[string]float64{"5%": 0.05, "0.05": 0.05, " 1% ": 0.01, "0": 0, "150%": 1.5} {
		got, err := gateParsePercent(in)
		require.NoError(t, err, in)
		assert.InDelta(t, want, got, 1e-12, in)
	}
	for _, bad := range []string{"", "%", "-1%", "x"} {
		_, err := gateParsePercent(bad)
		assert.Error(t, err, bad)
	}
}

// TestGateAcrossCoreCounts is the -12 / -2 case: the committed baseline
// against itself with every GOMAXPROCS suffix -2 rewritten to -12 (what a
// 12-core machine writes). Every series is compared (none "missing"), the
// A/A passes, and the summary says the core counts differ.
func TestGateAcrossCoreCounts(t *testing.T) {
	base := filepath.Join("..", "..", "reports", "baselines", "linux-amd64", "results.txt")
	data, err := os.ReadFile(base)
	require.NoError(t, err)
	suffix := regexp.MustCompile(`(?m)^(Benchmark\S+)-2(\s)`)
	rewritten := suffix.ReplaceAll(data, []byte("${1}-12${2}"))
	require.NotEqual(t, string(data), string(rewritten), "the baseline has -2 suffixes to rewrite")
	head := filepath.Join(t.TempDir(), "H.txt")
	require.NoError(t, os.WriteFile(head, rewritten, 0o644))

	stdout, stderr, code := runGateCLI("gate", "--base", base, "--head", head)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "PASS: no regression in ")
	assert.NotContains(t, stdout, "missing in")
	assert.NotContains(t, stdout, "cannot decide**")
	assert.Contains(t, stdout, "- gomaxprocs: base 2, head 12")
	assert.Contains(t, stdout, "core counts differ: base ran with GOMAXPROCS 2, head with 12")

	set, err := results.Load(base)
	require.NoError(t, err)
	assert.Contains(t, stdout, fmt.Sprintf("no regression in %d comparisons", len(set.Series)), "every series compared")
}
