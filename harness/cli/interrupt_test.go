package cli

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLongCommandsInterrupted: SIGINT and SIGTERM stop a command while its
// engine (a process that would sleep a minute) runs: exit 130 or 143, the
// engine's process group killed, no output file and no temporary file
// left, and a message that says it was interrupted.
func TestLongCommandsInterrupted(t *testing.T) {
	in := pathsInput(t, nil)
	sleeper := "exec:" + os.Args[0] + " fake-sleep"
	tests := []struct {
		name string
		args func(out string) []string
	}{
		{"datasets profile", func(out string) []string {
			return []string{"datasets", "profile", "--engine", sleeper, in, "--md", out}
		}},
		{"datasets compare", func(string) []string {
			return []string{"datasets", "compare", "--engine", sleeper, in, in}
		}},
		{"datasets ladder", func(string) []string {
			return []string{"datasets", "ladder", "--engine", sleeper, in, in}
		}},
	}
	for _, tt := range tests {
		for _, sig := range []struct {
			sig  syscall.Signal
			code int
		}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
			t.Run(tt.name+"/"+sig.sig.String(), func(t *testing.T) {
				tmp, outDir := t.TempDir(), t.TempDir()
				out := filepath.Join(outDir, "out")
				cmd := exec.Command(os.Args[0], tt.args(out)...)
				cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp)
				var errb bytes.Buffer
				cmd.Stderr = &errb
				require.NoError(t, cmd.Start())
				waitForFile(t, tmp) // the engine's copy of its input: it runs
				start := time.Now()
				signalAndWait(t, cmd, sig.sig, 10*time.Second)
				assert.Equal(t, sig.code, cmd.ProcessState.ExitCode(), errb.String())
				assert.Less(t, time.Since(start), 10*time.Second)
				assert.Contains(t, errb.String(), "interrupted by "+sig.sig.String())
				left, _ := os.ReadDir(tmp)
				assert.Empty(t, left, "temporary files left")
				written, _ := os.ReadDir(outDir)
				assert.Empty(t, written, "output written by an interrupted command")
			})
		}
	}
}

// TestRunInterruptedKeepsFinishedSteps: SIGINT during the main job's
// conformance step stops it with 130, names the step and the steps done,
// and keeps their outputs (the datasets) and the interrupted step's
// report of the cases it finished.
func TestRunInterruptedKeepsFinishedSteps(t *testing.T) {
	cache, out := t.TempDir(), t.TempDir()
	cmd := exec.Command(os.Args[0], "run", "--skip-bench", "--sizes", "200", "--conform-sizes", "200,20000", "-o", out)
	cmd.Env = append(os.Environ(), childEnv+"=1", "AEGISBENCH_CACHE="+cache)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "== step 2/2: conformance") {
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	time.Sleep(time.Second)
	signalAndWait(t, cmd, syscall.SIGINT, 60*time.Second)
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), errb.String())
	assert.Contains(t, errb.String(), `main job interrupted in step 2/2 "conformance" (steps done, their outputs kept: datasets)`)
	assert.FileExists(t, filepath.Join(cache, "realistic-200-s1-g2.json"), "the datasets step's output is kept")
	report, err := os.ReadFile(filepath.Join(out, "report", "CONFORMANCE.md"))
	require.NoError(t, err, "the interrupted conformance step reports the cases it finished")
	assert.Contains(t, string(report), "INTERRUPTED")
}

// TestGenerateStreamInterrupted: generate streaming into stdout or a
// device stops at SIGINT or SIGTERM with 130 or 143 (before: a signal
// killed it only by the default action, with no exit status).
func TestGenerateStreamInterrupted(t *testing.T) {
	tests := []struct {
		name string
		out  []string
		sig  syscall.Signal
		code int
	}{
		{"stdout", nil, syscall.SIGINT, 130},
		{"device", []string{"-o", os.DevNull}, syscall.SIGTERM, 143},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], append([]string{"generate", "--findings", "5000000"}, tt.out...)...)
			cmd.Env = append(os.Environ(), childEnv+"=1")
			cmd.Stdout = io.Discard
			var errb bytes.Buffer
			cmd.Stderr = &errb
			require.NoError(t, cmd.Start())
			time.Sleep(time.Second)
			signalAndWait(t, cmd, tt.sig, 10*time.Second)
			assert.Equal(t, tt.code, cmd.ProcessState.ExitCode(), errb.String())
			assert.Contains(t, errb.String(), "interrupted by "+tt.sig.String())
		})
	}
}

// TestGateCalibrateInterrupted: SIGINT stops gate --calibrate while the
// bench it samples (an aegisbench child) runs an engine that would sleep a
// minute: exit 130, the child asked to end in turn (it removes its own
// work directory), the whole process tree ended, nothing left behind.
func TestGateCalibrateInterrupted(t *testing.T) {
	if _, err := exec.LookPath("hyperfine"); err != nil {
		t.Skip("hyperfine not on PATH (make test puts the pinned one there)")
	}
	tmp := t.TempDir()
	eng := newSleeperEngine(t)
	args := "--engines exec:" + eng.path + " --only hyperfine --sizes 200"
	cmd := exec.Command(os.Args[0], "gate", "--calibrate", "--modes", "time", "--trials", "1", "--detect-trials", "0", "--count", "1", "--bench-args", args)
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "AEGISBENCH_CACHE="+t.TempDir())
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	eng.waitStarted(t, &errb)
	signalAndWait(t, cmd, syscall.SIGINT, 20*time.Second)
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), errb.String())
	assert.Contains(t, errb.String(), "interrupted by interrupt")
	left, _ := os.ReadDir(tmp)
	assert.Empty(t, left, "temporary files left")
	eng.assertGone(t, "the gate")
}

// TestBenchInterruptedKeepsSamples: SIGINT and SIGTERM stop bench while
// hyperfine times an engine that would sleep a minute: exit 130 or 143,
// the samples taken so far in the results file with the interrupted and
// plan lines, how to resume on stderr, the work directory removed and the
// engine's process gone.
func TestBenchInterruptedKeepsSamples(t *testing.T) {
	if _, err := exec.LookPath("hyperfine"); err != nil {
		t.Skip("hyperfine not on PATH (make test puts the pinned one there)")
	}
	cache := t.TempDir()
	for _, sig := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(sig.sig.String(), func(t *testing.T) {
			tmp, eng := t.TempDir(), newSleeperEngine(t)
			out := filepath.Join(t.TempDir(), "results.txt")
			cmd := exec.Command(os.Args[0], "bench", "--engines", "go,exec:"+eng.path, "--only", "hyperfine", "--sizes", "200",
				"--count", "1", "--hyperfine-runs", "1", "--hyperfine-warmup", "0", "-o", out)
			cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "AEGISBENCH_CACHE="+cache)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			require.NoError(t, cmd.Start())
			eng.waitStarted(t, &errb)
			signalAndWait(t, cmd, sig.sig, 20*time.Second)
			assert.Equal(t, sig.code, cmd.ProcessState.ExitCode(), errb.String())
			assert.Contains(t, errb.String(), "continue with: aegisbench bench --resume "+out)
			res, err := os.ReadFile(out)
			require.NoError(t, err, "the samples taken are written")
			assert.Contains(t, string(res), "\ninterrupted: step=")
			assert.Contains(t, string(res), "\nplan: ")
			assert.Contains(t, string(res), "Process/engine=go/n=200", "the go engine's sample, taken before, is kept")
			left, _ := os.ReadDir(tmp)
			assert.Empty(t, left, "the work directory is removed")
			eng.assertGone(t, "bench")
		})
	}
}

// sleeperEngine is an exec: engine that writes its pid to a file and
// sleeps a minute: a process a signalled command must end.
type sleeperEngine struct{ path, started string }

func newSleeperEngine(t *testing.T) sleeperEngine {
	t.Helper()
	dir := t.TempDir()
	e := sleeperEngine{path: filepath.Join(dir, "sleeper"), started: filepath.Join(dir, "started")}
	require.NoError(t, os.WriteFile(e.path, []byte("#!/bin/sh\necho $$ > "+e.started+"\nexec sleep 60\n"), 0o755))
	return e
}

// waitStarted waits up to a minute for the engine to start (stderr is the
// command's, shown if it never does).
func (e sleeperEngine) waitStarted(t *testing.T, stderr *bytes.Buffer) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if pid, _ := os.ReadFile(e.started); len(pid) > 0 {
			return
		}
	}
	t.Fatalf("the engine never started: %s", stderr.String())
}

// assertGone checks that the engine's process ends within 5 s of the
// command (named by who) that ran it.
func (e sleeperEngine) assertGone(t *testing.T, who string) {
	t.Helper()
	pid, err := os.ReadFile(e.started)
	require.NoError(t, err)
	n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	require.NoError(t, err)
	gone := false
	for deadline := time.Now().Add(5 * time.Second); !gone && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		gone = syscall.Kill(n, 0) != nil
	}
	assert.True(t, gone, "the engine (pid %d) outlived %s", n, who)
}
