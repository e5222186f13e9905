//go:build rustffi

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines/ffiengine"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// builtArtifacts returns this repository's shared library and aegispath
// program; a rustffi build presumes make build, so missing ones fail.
func builtArtifacts(t *testing.T) (lib, cli string) {
	t.Helper()
	root, err := reporoot.Find()
	require.NoError(t, err)
	lib = filepath.Join(root, "target", "release", ffiengine.LibraryFile("aegispath"))
	cli = filepath.Join(root, "target", "release", "aegispath")
	for _, p := range []string{lib, cli} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%v (run make build)", err)
		}
	}
	return lib, cli
}

// TestConformFFIEngine: the crate's shared library, loaded at run time,
// passes every vector and every generated case of every shape against the
// Go engine, and the report names it with its version.
func TestConformFFIEngine(t *testing.T) {
	lib, _ := builtArtifacts(t)
	report := filepath.Join(t.TempDir(), "CONFORMANCE.md")
	stdout, stderr, code := conformRunCLI("conform", "--engines", "go,ffi:"+lib, "--sizes", "200", "--shapes", "all",
		"--seeds", "1", "--report", report)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, conformLastLine(stdout), "CONFORMANCE PASSED")
	assert.NotContains(t, conformLastLine(stdout), " 0 passed")
	md, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Contains(t, string(md), aegispath.Version())
}

// TestFFILoadErrorExit1: a library that cannot be loaded is exit 1 with
// the file named, in paths and in conform.
func TestFFILoadErrorExit1(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "libnone.so")
	in := filepath.Join(t.TempDir(), "in.json")
	require.NoError(t, os.WriteFile(in, []byte("[]"), 0o644))
	var o, e bytes.Buffer
	err := Run(&o, &e, []string{"paths", "--engine", "ffi:" + missing, "--in", in})
	assert.Equal(t, 1, cmdline.ExitCode(err))
	assert.ErrorContains(t, err, "cannot load engine library "+missing+": no such file")
	err = Run(&o, &e, []string{"conform", "--engines", "go,ffi:" + missing, "--sizes", "200", "--report", ""})
	assert.Equal(t, 1, cmdline.ExitCode(err))
	assert.ErrorContains(t, err, missing)
	err = Run(&o, &e, []string{"bench", "--dry-run", "--engines", "ffi:" + missing, "--only", "go", "--sizes", "200"})
	assert.Equal(t, 1, cmdline.ExitCode(err))
	assert.ErrorContains(t, err, missing)
}

// TestBenchAndReportTakeExecAndFFI: an exec: and an ffi: engine appear in
// a bench plan (dry run) and in the report of a small real run, named by
// what was given, with the library's version.
func TestBenchAndReportTakeExecAndFFI(t *testing.T) {
	lib, cli := builtArtifacts(t)
	if _, err := exec.LookPath("hyperfine"); err != nil {
		t.Fatalf("hyperfine: %v (make tools builds it into tools/bin; ci/check.sh puts that on PATH)", err)
	}
	engs := "ffi:" + lib + ",exec:" + cli
	stdout, stderr, code := conformRunCLI("bench", "--dry-run", "--sizes", "200", "--count", "1", "--only", "go,hyperfine", "--engines", engs)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"go engine=ffi:" + lib + " n=200", "AEGISBENCH_BENCH_ENGINE=ffi:" + lib, "-test.bench '^BenchmarkFFI$/^engine=ffi-",
		"hyperfine engine=exec-", "--command-name Process/engine=exec-",
	} {
		assert.Contains(t, stdout, want)
	}

	dir := t.TempDir()
	results := filepath.Join(dir, "results.txt")
	_, stderr, code = conformRunCLI("bench", "--sizes", "200", "--count", "2", "--benchtime", "3x", "--only", "go,hyperfine",
		"--engines", engs, "-o", results)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = conformRunCLI("report", results, "-o", filepath.Join(dir, "report"))
	require.Equal(t, 0, code, stderr)
	md, err := os.ReadFile(filepath.Join(dir, "report", "BASELINE.md"))
	require.NoError(t, err)
	section := string(md)[strings.Index(string(md), "## Engines as given"):]
	assert.Contains(t, section, "| `ffi:"+lib+"` ("+aegispath.Version()+") |")
	assert.Contains(t, section, "| `exec:"+cli+"` |")
	assert.Regexp(t, "\\| `ffi-[^`]*` \\| 200 \\| [0-9.]+(µs|ms) \\| not measured \\| not measured \\|", section)
	assert.Regexp(t, "\\| `exec-[^`]*` \\| 200 \\| not measured \\| [0-9.]+(µs|ms|s) \\| [0-9.]+(KiB|MiB) \\|", section)
}
