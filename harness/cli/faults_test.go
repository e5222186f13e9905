package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

// childEnv makes the test binary run the command line instead of the
// tests (TestMain), so tests measure a real process: its exit status, its
// peak RSS, its answer to signals.
const childEnv = "AEGISBENCH_CLI_CHILD"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && strings.HasPrefix(os.Args[1], "fake-") {
		os.Exit(fakeEngineMain(os.Args[1], os.Args[2:]))
	}
	if os.Getenv(childEnv) == "1" {
		err := Run(os.Stdout, os.Stderr, os.Args[1:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "aegisbench:", err)
		}
		os.Exit(cmdline.ExitCode(err))
	}
	os.Exit(m.Run())
}

// fakeEngineMain is an engine program for exec: tests, selected by its
// first argument: exec:TESTBINARY fake-MODE.
func fakeEngineMain(mode string, _ []string) int {
	switch mode {
	case "fake-flood":
		chunk := bytes.Repeat([]byte("["), 1<<16)
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				return 3
			}
		}
	case "fake-error-exit0":
		fmt.Print(`{"schema":"aegis.error.v1","code":"invalid_json","message":"x"}`)
		return 0
	case "fake-garbage":
		fmt.Print("garbage")
		return 0
	case "fake-sleep":
		time.Sleep(time.Minute)
		return 0
	}
	return 2
}

// childResult is what a child run of the command line did.
type childResult struct {
	code           int
	stdout, stderr string
	peakRSS        int64 // bytes, from wait4's rusage
	took           time.Duration
}

// runChild runs the command line as a child process with extra
// environment, killing it after limit; signal, when set, is sent after
// delay.
func runChild(t *testing.T, limit time.Duration, env []string, args ...string) childResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := childResult{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	require.NoError(t, ctx.Err(), "the command did not end within %s: %v %s", limit, args, errb.String())
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return r
}

// rssBound is the peak RSS a command may reach on a hostile input: the
// harness itself takes some tens of MB; the hostile inputs would take GBs.
const rssBound = 300 << 20

func TestNoInputOverwritten(t *testing.T) {
	in := pathsInput(t, nil)
	before, err := os.ReadFile(in)
	require.NoError(t, err)
	dir := filepath.Dir(in)
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Link(in, link))
	q := filepath.Join(dir, "q.json")
	require.NoError(t, os.WriteFile(q, []byte(`{}`), 0o644))
	for _, args := range [][]string{
		{"paths", "--in", in, "--out", in, "--max-depth", "17"},
		{"paths", "--in", in, "--out", link},
		{"paths", "--in", in, "--out", filepath.Join(dir, ".", "findings.json")},
		{"list", "--in", in, "--out", in},
		{"list", "--in", in, "--query-file", q, "--out", q},
	} {
		stdout, _, code, err := pathsRunCLI(args...)
		assert.Equal(t, 2, code, "%v: %v", args, err)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is the same file as the input", "%v", args)
		assert.Empty(t, stdout)
		after, rerr := os.ReadFile(in)
		require.NoError(t, rerr)
		assert.Equal(t, before, after, "%v overwrote its input", args)
	}
	qa, _ := os.ReadFile(q)
	assert.Equal(t, `{}`, string(qa))
}

// TestDevZeroIsBounded: /dev/zero is invalid at byte 0, so every command
// that reads findings ends at once with invalid_json and little memory
// (before: it read until the machine ran out of memory).
func TestDevZeroIsBounded(t *testing.T) {
	engines := []string{"go", "go-naive"}
	if enginesAvailable("rust-ffi") {
		engines = append(engines, "rust-ffi")
	}
	if bin := rustCLIBinary(); bin != "" {
		engines = append(engines, "rust-cli")
		// The aegispath program itself.
		cmd := exec.Command(bin, "--in", "/dev/zero")
		var out bytes.Buffer
		cmd.Stdout = &out
		err := cmd.Run()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, 1, ee.ExitCode())
		assert.Contains(t, out.String(), `"code":"invalid_json"`)
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		assert.Less(t, int64(ru.Maxrss)*1024, int64(rssBound))
		t.Logf("aegispath --in /dev/zero: exit 1, peak RSS %.1f MB", float64(ru.Maxrss)/1024)
	}
	for _, eng := range engines {
		for _, cmd := range []string{"paths", "list"} {
			if cmd == "list" && strings.HasPrefix(eng, "go-") {
				continue
			}
			r := runChild(t, 60*time.Second, nil, cmd, "--engine", eng, "--in", "/dev/zero")
			assert.Equal(t, 1, r.code, "%s %s: %s", cmd, eng, r.stderr)
			assert.Contains(t, r.stdout, `"code":"invalid_json"`, "%s %s", cmd, eng)
			assert.Contains(t, r.stderr, "reading stopped: byte 0 (0x00)")
			assert.Less(t, r.peakRSS, int64(rssBound), "%s %s: peak RSS %d", cmd, eng, r.peakRSS)
			t.Logf("%s --engine %s --in /dev/zero: exit %d in %s, peak RSS %.1f MB", cmd, eng, r.code, r.took.Round(time.Millisecond), float64(r.peakRSS)/(1<<20))
		}
	}
}

// enginesAvailable reports whether this build and machine run the engine.
func enginesAvailable(name string) bool { return engines.Available(name) == nil }

// rustCLIBinary is the aegispath program when it was built.
func rustCLIBinary() string {
	root, err := filepath.Abs("../..")
	if err != nil {
		return ""
	}
	bin := filepath.Join(root, "target", "release", "aegispath")
	if _, err := os.Stat(bin); err != nil {
		return ""
	}
	return bin
}

// TestInputSizeLimit: a file read whole (list, or paths on an engine that
// takes bytes) over --max-input is refused before it is read; a regular
// file the engine streams (paths --engine go) is never held whole, so the
// limit does not apply to it.
func TestInputSizeLimit(t *testing.T) {
	in := pathsInput(t, nil)
	_, _, code, err := pathsRunCLI("list", "--in", in, "--max-input", "100")
	assert.Equal(t, 1, code)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exceeds the limit of 100 bytes")
	_, _, code, err = pathsRunCLI("paths", "--engine", "go", "--in", in, "--max-input", "100")
	assert.Equal(t, 0, code, "a streamed file is not limited: %v", err)
	for _, bad := range []string{"0", "-1"} {
		_, _, code, _ = pathsRunCLI("paths", "--in", in, "--max-input", bad)
		assert.Equal(t, 2, code)
		_, _, code, _ = pathsRunCLI("paths", "--in", in, "--timeout", bad+"s")
		assert.Equal(t, 2, code)
	}
}

// TestProcessEngineAnswers: an exec engine's answer that is not exactly one
// output document with exit 0 is an engine failure: exit 1, nothing
// written to --out; a flood is cut at --max-output with little memory.
func TestProcessEngineAnswers(t *testing.T) {
	in := pathsInput(t, nil)
	tests := []struct {
		mode, want string
		extra      []string
	}{
		{"fake-error-exit0", "exited 0 but wrote an error document", nil},
		{"fake-garbage", "not exactly one JSON document", nil},
		{"fake-flood", "output exceeds 10000000 bytes", []string{"--max-output", "10000000"}},
		{"fake-sleep", "deadline exceeded", []string{"--timeout", "1s"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.json")
			args := append([]string{"paths", "--engine", "exec:" + os.Args[0] + " " + tt.mode, "--in", in, "--out", out}, tt.extra...)
			r := runChild(t, 60*time.Second, nil, args...)
			assert.Equal(t, 1, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.NoFileExists(t, out, "nothing written to --out on an engine failure")
			assert.Less(t, r.peakRSS, int64(rssBound), "peak RSS %d", r.peakRSS)
			assert.Less(t, r.took, 10*time.Second)
			t.Logf("%s: exit %d in %s, peak RSS %.1f MB", tt.mode, r.code, r.took.Round(time.Millisecond), float64(r.peakRSS)/(1<<20))
		})
	}
}

func TestRustPathsEnvSpellings(t *testing.T) {
	in := pathsInput(t, nil)
	t.Setenv("AEGIS_RUST_PATHS", "ture")
	_, _, code, err := pathsRunCLI("paths", "--in", in)
	assert.Equal(t, 2, code)
	assert.ErrorContains(t, err, `AEGIS_RUST_PATHS="ture": not a boolean`)
	for _, v := range []string{"1", "yes", "ON"} {
		t.Setenv("AEGIS_RUST_PATHS", v)
		_, stderr, _, _ := pathsRunCLI("paths", "--in", in)
		assert.Contains(t, stderr, "using engine rust-ffi", v)
	}
	t.Setenv("AEGIS_RUST_PATHS", "0")
	stdout, stderr, code, _ := pathsRunCLI("paths", "--in", in)
	assert.Equal(t, 0, code)
	assert.NotContains(t, stderr, "rust-ffi")
	assert.Contains(t, stdout, "aegis.attackpaths.v1")
}

// TestPathsInterrupted: SIGTERM and SIGINT stop paths and its engine,
// exit 143 and 130, and leave no temporary input copy behind.
func TestPathsInterrupted(t *testing.T) {
	data, err := os.ReadFile(pathsInput(t, nil))
	require.NoError(t, err)
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		tmp := t.TempDir()
		// The input comes through a pipe, so the process engine gets a copy
		// in TMPDIR (a regular file it would read in place): the copy shows
		// the engine has started, and must be gone after the signal.
		cmd := exec.Command(os.Args[0], "paths", "--engine", "exec:"+os.Args[0]+" fake-sleep", "--in", "/dev/stdin")
		cmd.Stdin = bytes.NewReader(data)
		cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		require.NoError(t, cmd.Start())
		waitForFile(t, tmp)
		signalAndWait(t, cmd, tt.sig, 10*time.Second)
		assert.Equal(t, tt.code, cmd.ProcessState.ExitCode(), errb.String())
		left, _ := os.ReadDir(tmp)
		assert.Empty(t, left, "temporary files left after %v", tt.sig)
	}
}

// signalAndWait sends sig to the started cmd and waits for it to end,
// failing (and killing it) after limit.
func signalAndWait(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, limit time.Duration) {
	t.Helper()
	require.NoError(t, cmd.Process.Signal(sig))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not stop %v within %s", sig, cmd.Args[1:], limit)
	}
}

// waitForFile waits until dir holds a file (the engine's input copy).
func waitForFile(t *testing.T, dir string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if es, _ := os.ReadDir(dir); len(es) > 0 {
			time.Sleep(100 * time.Millisecond)
			return
		}
	}
	t.Fatal("the engine never started")
}
