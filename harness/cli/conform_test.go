package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/conform"
)

// fakeEngineEnv makes the test binary act as an exec engine (see
// TestConformFakeEngineProcess); its value names the injected bug.
const fakeEngineEnv = "AEGISBENCH_CONFORM_FAKE_ENGINE"

// TestConformFakeEngineProcess is not a test: run as
// `cli.test -test.run=^TestConformFakeEngineProcess$ -- --in FILE --max-depth N --top-k K`
// with fakeEngineEnv set, it is an engine following the process contract:
// the Go engine, with the last attack path of the first account that has
// one dropped when fakeEngineEnv is "drop-path".
func TestConformFakeEngineProcess(t *testing.T) {
	mode := os.Getenv(fakeEngineEnv)
	if mode == "" {
		t.Skip("helper process for the exec: tests; runs only as an engine")
	}
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	in := fs.String("in", "", "")
	depth := fs.Int("max-depth", 0, "")
	topK := fs.Int("top-k", 0, "")
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	if err := fs.Parse(args); err != nil {
		os.Exit(2)
	}
	input, err := os.ReadFile(*in)
	if err != nil {
		os.Exit(2)
	}
	out, err := goengine.New().AttackPaths(context.Background(), input, engines.Options{MaxDepth: *depth, TopK: *topK})
	var ee *engines.Error
	if errors.As(err, &ee) {
		os.Stdout.Write(ee.Document())
		os.Exit(1)
	}
	if err != nil {
		os.Exit(3)
	}
	if mode == "drop-path" {
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			os.Exit(3)
		}
		for _, a := range doc["accounts"].([]any) {
			acc := a.(map[string]any)
			if paths := acc["paths"].([]any); len(paths) > 0 {
				acc["paths"] = paths[:len(paths)-1]
				break
			}
		}
		out, _ = json.Marshal(doc)
	}
	os.Stdout.Write(out)
	os.Exit(0)
}

func fakeExecEngine(t *testing.T, mode string) string {
	t.Helper()
	t.Setenv(fakeEngineEnv, mode)
	return "exec:" + os.Args[0] + " -test.run=^TestConformFakeEngineProcess$ --"
}

func conformRunCLI(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	err := Run(&o, &e, args)
	return o.String(), e.String(), cmdline.ExitCode(err)
}

func conformLastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestConformGoEnginesAgree(t *testing.T) {
	dir := t.TempDir()
	report, digests := filepath.Join(dir, "report", "CONFORMANCE.md"), filepath.Join(dir, "digests.txt")
	stdout, stderr, code := conformRunCLI("conform", "--engines", "go,go-naive", "--sizes", "200", "--shapes", "realistic", "--seeds", "1..2",
		"--no-vectors", "--report", report, "--digests-out", digests, "--expected-failures", conformTestFile(t, dir, "ef.txt", "# none\n"))
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Equal(t, "CONFORMANCE PASSED: 2 passed, 0 failed, 0 expected failures", conformLastLine(stdout))
	assert.Contains(t, stdout, "conform: 2 cases on go, go-naive (reference go)")

	md, err := os.ReadFile(report)
	require.NoError(t, err)
	for _, want := range []string{"**CONFORMANCE PASSED: 2 passed, 0 failed, 0 expected failures**", "| go | reference |", "| go-naive | candidate |",
		"| `gen/realistic/n=200/seed=2/d=4/k=20` | pass |", "## Divergences\n\nNone."} {
		assert.Contains(t, string(md), want)
	}
	d, err := os.ReadFile(digests)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(d)), "\n")
	require.Len(t, lines, 1+2*3, "a comment, then per case: input, go, go-naive")
	assert.True(t, strings.HasPrefix(lines[0], "# aegisbench conform digests: "))
	assert.Regexp(t, `^gen/realistic/n=200/seed=1/d=4/k=20\tinput\tsha256:[0-9a-f]{64}$`, lines[1])
	goLine, naiveLine := strings.Split(lines[2], "\t"), strings.Split(lines[3], "\t")
	assert.Equal(t, []string{"go", "output"}, goLine[1:3])
	assert.Equal(t, goLine[3], naiveLine[3], "both engines give the same canonical digest")
}

func TestConformCatchesExecEngineDivergence(t *testing.T) {
	dir := t.TempDir()
	exec := fakeExecEngine(t, "drop-path")
	shrinkDir := filepath.Join(dir, "regressions")
	const name = "gen/realistic/n=200/seed=1/d=4/k=20"
	common := []string{"conform", "--engines", "go," + exec, "--sizes", "200", "--shapes", "realistic", "--seeds", "1",
		"--no-vectors", "--shrink-dir", shrinkDir, "--report", filepath.Join(dir, "r.md")}

	verdictFile := filepath.Join(dir, "verdict.json")
	stdout, stderr, code := conformRunCLI(append(common, "--expected-failures", conformTestFile(t, dir, "none.txt", ""), "--verdict", verdictFile)...)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Equal(t, "CONFORMANCE FAILED: 0 passed, 1 failed, 0 expected failures", conformLastLine(stdout))
	verdict, err := conform.ReadSummary(verdictFile)
	require.NoError(t, err, "the verdict is written when conformance fails too")
	assert.False(t, verdict.Passed)
	assert.Equal(t, []string{name}, verdict.Unexpected)
	assert.Contains(t, stdout, "FAIL "+name+"\n")
	assert.Contains(t, stdout, "vs exec:")
	assert.Contains(t, stdout, ": missing/extra path\n")
	assert.Contains(t, stdout, "replay: aegisbench conform --engines 'go,exec:")
	assert.Contains(t, stdout, "--case "+name)
	assert.Contains(t, stdout, "1-minimal")
	entries, err := os.ReadDir(shrinkDir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.True(t, strings.HasPrefix(entries[0].Name(), "gen-realistic-n200-seed1-d4-k20-"))
	input, err := os.ReadFile(filepath.Join(shrinkDir, entries[0].Name(), "input.json"))
	require.NoError(t, err)
	var findings []json.RawMessage
	require.NoError(t, json.Unmarshal(input, &findings))
	assert.LessOrEqual(t, len(findings), 4, "shrunk to a handful of findings")
	md, err := os.ReadFile(filepath.Join(dir, "r.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "missing/extra path")
	assert.Contains(t, string(md), "Regression vector: `"+filepath.Join(shrinkDir, entries[0].Name()))

	// Listed as expected: the run passes, nothing is shrunk again.
	listed := conformTestFile(t, dir, "listed.txt", "# known\n"+name+"\n")
	stdout, _, code = conformRunCLI(append(common, "--expected-failures", listed, "--case", name)...)
	assert.Equal(t, 0, code, stdout)
	assert.Contains(t, stdout, "conform: 1 cases on go, exec:")
	assert.Equal(t, "CONFORMANCE PASSED: 0 passed, 0 failed, 1 expected failures", conformLastLine(stdout))

	// The same list with honest engines: the entry is stale.
	stdout, _, code = conformRunCLI("conform", "--engines", "go,go-naive", "--case", name, "--no-vectors",
		"--expected-failures", listed, "--report", "")
	assert.Equal(t, 1, code, stdout)
	assert.Contains(t, stdout, "STALE expected failure "+name+": it passes now; remove it from "+listed)
	assert.Equal(t, "CONFORMANCE FAILED: 0 passed, 1 failed, 0 expected failures", conformLastLine(stdout))
}

func TestConformUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown engine", []string{"--engines", "go,nope"}, 2, `unknown engine "nope"`},
		{"engine twice", []string{"--engines", "go,go"}, 2, "\"go\" given twice"},
		{"bad seeds", []string{"--seeds", "5..1"}, 2, "--seeds"},
		{"bad size", []string{"--sizes", "-3"}, 2, "--sizes"},
		{"unknown shape", []string{"--shapes", "pyramid"}, 2, `unknown shape "pyramid"`},
		{"bad case", []string{"--case", "whatever"}, 2, "names start with gen/, vector/ or dataset/"},
		{"bad gen case", []string{"--case", "gen/realistic/n=1"}, 2, "want gen/SHAPE/n=N/seed=S/d=D/k=K"},
		{"missing list", []string{"--expected-failures", "/nonexistent/list.txt"}, 2, "expected failures"},
		{"stray argument", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"vectors twice", []string{"--vectors", "x", "--no-vectors"}, 2, "exclude each other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var o, e bytes.Buffer
			err := Run(&o, &e, append([]string{"conform", "--report", ""}, tc.args...))
			require.Error(t, err)
			assert.Equal(t, tc.code, cmdline.ExitCode(err))
			assert.Contains(t, err.Error()+e.String(), tc.msg)
		})
	}
}

func TestConformUnavailableEngine(t *testing.T) {
	if engines.Available("rust-ffi") == nil {
		t.Skip("rust-ffi is available in this build; nothing unavailable to name")
	}
	_, _, code := conformRunCLI("conform", "--engines", "go,rust-ffi", "--case", "gen/realistic/n=200/seed=1/d=4/k=20", "--no-vectors", "--report", "")
	assert.Equal(t, 1, code, "an engine named explicitly but unavailable fails the run")
	var o, e bytes.Buffer
	err := Run(&o, &e, []string{"conform", "--engines", "go,rust-ffi", "--case", "gen/realistic/n=200/seed=1/d=4/k=20", "--no-vectors", "--report", ""})
	assert.ErrorContains(t, err, "rust-ffi")
	assert.ErrorContains(t, err, "libaegispath not linked")
	assert.ErrorContains(t, err, "leave it out of --engines to skip it")

	// From the default list it is skipped with a note instead.
	stdout, stderr, code := conformRunCLI("conform", "--case", "gen/realistic/n=200/seed=1/d=4/k=20", "--no-vectors", "--report", "")
	assert.Equal(t, 0, code, stdout)
	assert.Contains(t, stderr, "engine rust-ffi skipped")
}

func conformTestFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}
