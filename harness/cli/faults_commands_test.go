package cli

// The fault tests of the datasets, conform, report and generate commands
// (faults_test.go holds the shared child-process helpers and paths's).

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDatasetsNoInputOverwritten: anonymize refuses -o or --mapping naming
// its input, and --mapping naming -o (which wrote the re-identification
// table over the anonymized file); profile and generate likewise.
func TestDatasetsNoInputOverwritten(t *testing.T) {
	in := pathsInput(t, nil)
	before, err := os.ReadFile(in)
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "anon.json")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"datasets", "anonymize", in, "-o", in, "--key", "k"}, "is the same file as the input"},
		{[]string{"datasets", "anonymize", in, "-o", out, "--key", "k", "--mapping", in}, "is the same file as the input"},
		{[]string{"datasets", "anonymize", in, "-o", out, "--key", "k", "--mapping", out}, "are the same file"},
		{[]string{"datasets", "profile", in, "--json", in}, "is the same file as the input"},
		{[]string{"datasets", "profile", in, "--md", in}, "is the same file as the input"},
		{[]string{"generate", "--like", in, "-o", in}, "is the same file as the input"},
	} {
		_, _, code, err := pathsRunCLI(tt.args...)
		assert.Equal(t, 2, code, "%v: %v", tt.args, err)
		require.Error(t, err, "%v", tt.args)
		assert.Contains(t, err.Error(), tt.want, "%v", tt.args)
		after, rerr := os.ReadFile(in)
		require.NoError(t, rerr)
		assert.Equal(t, before, after, "%v overwrote its input", tt.args)
		assert.NoFileExists(t, out, "%v wrote an output", tt.args)
	}
	// The legitimate run still works.
	_, _, code, err := pathsRunCLI("datasets", "anonymize", in, "-o", out, "--key", "k")
	require.NoError(t, err)
	assert.Equal(t, 0, code)
}

// TestDatasetsProfileDevZeroEnds: profiling /dev/zero ends at once (before:
// it hashed /dev/zero forever).
func TestDatasetsProfileDevZeroEnds(t *testing.T) {
	r := runChild(t, 30*time.Second, nil, "datasets", "profile", "/dev/zero")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "byte 0x00")
	assert.Less(t, r.peakRSS, int64(rssBound))
}

func TestConformUsageCheckedFirst(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sizes", "200,200"}, "size 200 given twice"},
		{[]string{"--sizes", "0"}, "not a positive number"},
		{[]string{"--seeds", "1,1"}, "seed 1 given twice"},
		{[]string{"--shapes", "dense,dense"}, `"dense" given twice`},
		{[]string{"--max-depth", "4,4"}, "4 given twice"},
		{[]string{"--timeout", "0s"}, "--timeout 0s: must be positive"},
		{[]string{"--timeout", "-1s"}, "--timeout -1s: must be positive"},
		{[]string{"--shrink-budget", "-1s"}, "must be 0"},
		{[]string{"--max-output", "-1"}, "--max-output -1"},
	} {
		_, _, code, err := pathsRunCLI(append([]string{"conform", "--report", ""}, tt.args...)...)
		assert.Equal(t, 2, code, "%v: %v", tt.args, err)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tt.want, "%v", tt.args)
	}
}

// TestConformHostileEngineAndInput: a flooding engine is cut at
// --max-output, an error document with exit 0 is an engine failure, and
// --dataset /dev/zero is a one-byte case; all within bounded memory.
func TestConformHostileEngineAndInput(t *testing.T) {
	gen := []string{"--no-vectors", "--case", "gen/realistic/n=200/seed=1/d=4/k=20"}
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"flood", append([]string{"--engines", "go,exec:" + os.Args[0] + " fake-flood", "--max-output", "10000000"}, gen...),
			[]string{"output exceeds 10000000 bytes", "engine-failure"}},
		{"error-exit0", append([]string{"--engines", "go,exec:" + os.Args[0] + " fake-error-exit0"}, gen...),
			[]string{"exited 0 but wrote an error document", "engine-failure"}},
		{"dev-zero", []string{"--engines", "go,go-naive", "--no-vectors", "--sizes", "200", "--shapes", "realistic", "--seeds", "1", "--dataset", "/dev/zero"},
			[]string{"dataset/zero/d=4/k=20"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "CONFORMANCE.md")
			r := runChild(t, 120*time.Second, nil, append([]string{"conform", "--report", report, "--shrink-budget", "0"}, tt.args...)...)
			md, err := os.ReadFile(report)
			require.NoError(t, err, r.stderr)
			for _, w := range tt.want {
				assert.Contains(t, r.stdout+string(md), w)
			}
			if tt.name == "dev-zero" {
				assert.Equal(t, 0, r.code, r.stdout)
			} else {
				assert.Equal(t, 1, r.code, r.stdout)
			}
			assert.Less(t, r.peakRSS, int64(rssBound), "peak RSS %d", r.peakRSS)
			t.Logf("conform %s: exit %d in %s, peak RSS %.1f MB", tt.name, r.code, r.took.Round(time.Millisecond), float64(r.peakRSS)/(1<<20))
		})
	}
}

// TestConformInterruptedWritesReport: SIGINT stops conform, which writes
// the report of the cases it finished and exits 130.
func TestConformInterruptedWritesReport(t *testing.T) {
	report := filepath.Join(t.TempDir(), "CONFORMANCE.md")
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "conform", "--engines", "go,go-naive", "--no-vectors", "--sizes", "2000",
		"--shapes", "realistic", "--seeds", "1..400", "--jobs", "1", "--report", report)
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Start())
	time.Sleep(3 * time.Second)
	signalAndWait(t, cmd, syscall.SIGINT, 30*time.Second)
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), errb.String())
	md, err := os.ReadFile(report)
	require.NoError(t, err, "the report of the finished cases is written")
	assert.Contains(t, string(md), "INTERRUPTED")
	assert.Contains(t, errb.String(), "cases finished")
	left, _ := os.ReadDir(tmp)
	assert.Empty(t, left, "temporary files left")
}

// TestReportRefusesMixedPlatforms: files of a 2-core and a 12-core machine
// are not merged into one platform unless --mixed says so.
func TestReportRefusesMixedPlatforms(t *testing.T) {
	dir := t.TempDir()
	write := func(name, cores string) string {
		p := filepath.Join(dir, name)
		body := "goos: linux\ngoarch: amd64\ncores: " + cores + "\npkg: github.com/aegisbench/aegisbench/engines/goengine\n" +
			"BenchmarkLoad/n=200-" + cores + " 10 100 ns/op\nBenchmarkLoad/n=200-" + cores + " 10 110 ns/op\n"
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	a, b := write("a.txt", "2"), write("b.txt", "12")
	_, stderr, code := runCLI("report", a, b, "-o", filepath.Join(dir, "out"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `has cores "2" but `+b+` has "12": not one platform`)
	assert.NoFileExists(t, filepath.Join(dir, "out", "BASELINE.md"))
	_, stderr, code = runCLI("report", a, b, "-o", filepath.Join(dir, "out"), "--mixed")
	assert.Equal(t, 0, code, stderr)

	empty := filepath.Join(dir, "empty.txt")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	for _, cmd := range [][]string{{"report", empty, "-o", filepath.Join(dir, "o2")}, {"gate", "--base", empty, "--head", a}} {
		_, stderr, code = runCLI(cmd...)
		assert.NotEqual(t, 0, code, "%v", cmd)
		assert.Contains(t, stderr, empty+" holds no benchmark results", "%v", cmd)
	}
}

// TestGenerateInterruptedLeavesNothing: SIGTERM during generate removes
// the temporary file and exits 143.
func TestGenerateInterruptedLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "generate", "--findings", "2000000", "-o", filepath.Join(dir, "big.json"))
	cmd.Env = append(os.Environ(), childEnv+"=1")
	require.NoError(t, cmd.Start())
	waitForFile(t, dir)
	signalAndWait(t, cmd, syscall.SIGTERM, 20*time.Second)
	assert.Equal(t, 143, cmd.ProcessState.ExitCode())
	left, _ := os.ReadDir(dir)
	assert.Empty(t, left, "generate left files behind")
}

// TestGateUsageCheckedFirst: gate answers a usage error at once for
// duplicate sizes (before: it built both sides, then said "cannot
// decide") and refuses -o naming an input.
func TestGateUsageCheckedFirst(t *testing.T) {
	start := time.Now()
	_, stderr, code := runCLI("gate", "--base-ref", "HEAD", "--sizes", "200,200")
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "size 200 given twice")
	assert.Less(t, time.Since(start), 5*time.Second, "nothing was built")
	_, stderr, code = runCLI("gate", "--base-ref", "HEAD", "--count", "1000000000")
	assert.Equal(t, 2, code, stderr)
	f := filepath.Join(t.TempDir(), "r.txt")
	require.NoError(t, os.WriteFile(f, []byte("BenchmarkX 1 1 ns/op\n"), 0o644))
	_, stderr, code = runCLI("gate", "--base", f, "--head", f, "-o", f)
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "is the same file as the input")
}

// TestAnonymizeInterruptedLeavesNothing: SIGTERM during anonymize removes
// its temporary output and exits 143.
func TestAnonymizeInterruptedLeavesNothing(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.json")
	_, _, code, err := pathsRunCLI("generate", "--findings", "50000", "-o", in)
	require.NoError(t, err)
	require.Equal(t, 0, code)
	outDir := t.TempDir()
	cmd := exec.Command(os.Args[0], "datasets", "anonymize", in, "-o", filepath.Join(outDir, "anon.json"), "--key", "k")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	require.NoError(t, cmd.Start())
	waitForFile(t, outDir)
	signalAndWait(t, cmd, syscall.SIGTERM, 20*time.Second)
	if code := cmd.ProcessState.ExitCode(); code == 0 {
		t.Skip("anonymize finished before the signal")
	}
	assert.Equal(t, 143, cmd.ProcessState.ExitCode())
	left, _ := os.ReadDir(outDir)
	assert.Empty(t, left, "anonymize left files behind")
}
