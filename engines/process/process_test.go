package process

import (
	"context"
	"encoding/json"
	"errors"
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
)

// fakeEnv selects a behaviour of the fake engine: when it is set, the test
// binary does not run tests but acts as an engine program (TestMain).
const fakeEnv = "AEGISBENCH_FAKE_ENGINE"

// pidFileEnv names the file where the "grandchild" fake writes the pid of
// the process it started.
const pidFileEnv = "AEGISBENCH_FAKE_PIDFILE"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeEngine(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeArgs is what the "args" fake writes: its arguments and the input it
// read.
type fakeArgs struct {
	Schema string   `json:"schema"`
	Args   []string `json:"args"`
	Input  string   `json:"input"`
}

const fakeErrorDoc = `{"schema":"aegis.error.v1","code":"invalid_field","index":3,"field":"epss_e5","message":"epss_e5 must be an integer in 0..100000"}`

// fakeEngine is the fake engine program; it returns the exit status.
func fakeEngine(mode string, args []string) int {
	switch mode {
	case "args": // exit 0: stdout echoes the arguments and the input file
		in := ""
		for i, a := range args {
			if a == "--in" && i+1 < len(args) {
				in = args[i+1]
			}
		}
		b, err := os.ReadFile(in)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		schema := engines.SchemaAttackPaths
		if len(args) > 0 && args[0] == "list" {
			schema = engines.SchemaFindings
		}
		out, _ := json.Marshal(fakeArgs{Schema: schema, Args: args, Input: string(b)})
		os.Stdout.Write(out)
		return 0
	case "bad-input": // exit 1 with the error document
		fmt.Print(fakeErrorDoc + "\n")
		fmt.Fprintln(os.Stderr, "aegispath: invalid_field at finding 3")
		return 1
	case "exit3":
		fmt.Print(`{"schema":"aegis.attackpaths.v1"}`)
		fmt.Fprintln(os.Stderr, "something broke inside the engine")
		return 3
	case "garbage": // exit 1 without an error document
		fmt.Print("this is not an error document")
		fmt.Fprintln(os.Stderr, "garbage on stdout")
		return 1
	case "no-output":
		return 0
	case "error-exit0": // an error document with exit 0
		fmt.Print(fakeErrorDoc)
		return 0
	case "trailing": // a document, then more
		fmt.Print(`{"schema":"aegis.attackpaths.v1"} {"schema":"aegis.attackpaths.v1"}`)
		return 0
	case "two-errors": // exit 1 with two error documents
		fmt.Print(fakeErrorDoc + fakeErrorDoc)
		return 1
	case "flood": // stdout without end
		chunk := []byte(strings.Repeat("[", 1<<16))
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				return 3
			}
		}
	case "grandchild": // starts a process that would outlive it, then waits
		cmd := exec.Command("sleep", "60")
		if err := cmd.Start(); err != nil {
			return 2
		}
		os.WriteFile(os.Getenv(pidFileEnv), []byte(fmt.Sprint(cmd.Process.Pid)), 0o644)
		time.Sleep(time.Minute)
		return 0
	case "long-stderr":
		fmt.Fprint(os.Stderr, strings.Repeat("x", 10*stderrTail)+"THE-END")
		return 4
	case "sleep":
		fmt.Fprintln(os.Stderr, "sleeping")
		time.Sleep(time.Minute)
		return 0
	case "kill-self":
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		time.Sleep(time.Minute)
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown fake mode", mode)
	return 2
}

// fake returns an engine running the test binary as the fake engine in
// mode.
func fake(t *testing.T, mode string) engines.Engine {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	t.Setenv(fakeEnv, mode)
	return New("fake", []string{exe})
}

func TestAttackPathsPassesInputAndOptions(t *testing.T) {
	e := fake(t, "args")
	assert.Equal(t, "fake", e.Name())
	input := []byte(`[{"id":"a"}]`)

	out, err := e.AttackPaths(context.Background(), input, engines.Options{MaxDepth: 7, TopK: 0})
	require.NoError(t, err)

	var got fakeArgs
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, string(input), got.Input)
	require.Len(t, got.Args, 6)
	assert.Equal(t, "--in", got.Args[0])
	assert.Equal(t, []string{"--max-depth", "7", "--top-k", "0"}, got.Args[2:])
	_, statErr := os.Stat(got.Args[1])
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "input file %s must be removed after the call, stat: %v", got.Args[1], statErr)
}

func TestAttackPathsKeepsFixedArguments(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	t.Setenv(fakeEnv, "args")
	e := New("fake", []string{exe, "paths", "--quiet"})

	out, err := e.AttackPaths(context.Background(), nil, engines.Options{MaxDepth: -1, TopK: 2000000})
	require.NoError(t, err)
	var got fakeArgs
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, "", got.Input)
	require.Len(t, got.Args, 8)
	assert.Equal(t, []string{"paths", "--quiet", "--in"}, got.Args[:3])
	assert.Equal(t, []string{"--max-depth", "-1", "--top-k", "2000000"}, got.Args[4:])
}

func TestAttackPathsBadInputIsEngineError(t *testing.T) {
	e := fake(t, "bad-input")
	_, err := e.AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, `code=invalid_field index=3 field="epss_e5"`, ee.Key())
	assert.Equal(t, fakeErrorDoc+"\n", string(ee.Raw))
}

func TestAttackPathsFailures(t *testing.T) {
	tests := []struct {
		mode string
		want []string // substrings of the error message
	}{
		{"exit3", []string{"exit status 3", "stderr: something broke inside the engine"}},
		{"garbage", []string{"exited 1 without an error document", "not JSON", "stderr: garbage on stdout"}},
		{"no-output", []string{"exited 0 with nothing on stdout"}},
		{"long-stderr", []string{"exit status 4", "stderr: ...xxx", "THE-END"}},
		{"kill-self", []string{"signal: killed"}},
		{"error-exit0", []string{"exited 0 but wrote an error document", "invalid_field"}},
		{"trailing", []string{"exited 0 but its stdout is not exactly one JSON document"}},
		{"two-errors", []string{"exited 1 without an error document"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			e := fake(t, tt.mode)
			out, err := e.AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
			require.Error(t, err)
			assert.Nil(t, out)
			var ee *engines.Error
			assert.False(t, errors.As(err, &ee), "a failing engine must not look like bad input: %v", err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, len(err.Error()), stderrTail+500, "the error quotes only the tail of stderr")
		})
	}
}

func TestAttackPathsTimeout(t *testing.T) {
	e := fake(t, "sleep")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.AttackPaths(ctx, []byte(`[]`), engines.DefaultOptions())
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 30*time.Second, "the engine must be killed when ctx ends")
	var ee *engines.Error
	assert.False(t, errors.As(err, &ee))
}

func TestAttackPathsMissingProgram(t *testing.T) {
	e := New("missing", []string{"/nonexistent/aegispath"})
	_, err := e.AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/aegispath")

	_, err = New("empty", nil).AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
	assert.EqualError(t, err, "no command to run")
}

func TestOpenExec(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	t.Setenv(fakeEnv, "args")

	e, err := engines.Open("exec:" + exe + " extra")
	require.NoError(t, err)
	assert.Equal(t, "exec:"+exe+" extra", e.Name())
	out, err := e.AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
	require.NoError(t, err)
	var got fakeArgs
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, []string{"extra", "--in"}, got.Args[:2])
	assert.Equal(t, []string{"--max-depth", "4", "--top-k", "20"}, got.Args[3:])

	_, err = engines.Open("exec:")
	assert.ErrorContains(t, err, "needs a command")
	_, err = engines.Open("exec:/nonexistent/engine --flag")
	assert.ErrorContains(t, err, "/nonexistent/engine")
}

func TestTailBuffer(t *testing.T) {
	tb := &tailBuffer{limit: 4}
	assert.Equal(t, "", tb.suffix())
	fmt.Fprint(tb, "ab")
	assert.Equal(t, "; stderr: ab", tb.suffix())
	fmt.Fprint(tb, "cdefghij")
	fmt.Fprint(tb, "k")
	assert.Equal(t, "; stderr: ...hijk", tb.suffix())
}

func TestNewListerRunsListOperation(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	t.Setenv(fakeEnv, "args")
	e := NewLister("fake-list", []string{exe})
	lister, ok := e.(engines.Lister)
	require.True(t, ok, "NewLister's engine implements engines.Lister")
	_, plain := New("fake", []string{exe}).(engines.Lister)
	assert.False(t, plain, "New's engine does not claim the list operation")

	input := []byte(`[{"id":"x"}]`)
	out, err := lister.List(context.Background(), input, []byte(`{"limit": 5}`))
	require.NoError(t, err)
	var got fakeArgs
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, string(input), got.Input)
	require.Len(t, got.Args, 5)
	assert.Equal(t, []string{"list", "--in"}, got.Args[:2])
	assert.Equal(t, []string{"--query", `{"limit": 5}`}, got.Args[3:])

	// The attack-path operation still works on a lister.
	out, err = e.AttackPaths(context.Background(), input, engines.DefaultOptions())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, "--in", got.Args[0])

	t.Setenv(fakeEnv, "bad-input")
	_, err = lister.List(context.Background(), input, nil)
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, engines.CodeInvalidField, ee.Doc.Code)
}

func TestAttackPathsOutputLimit(t *testing.T) {
	e := fake(t, "flood").(OutputLimiter).WithMaxOutput(1 << 20)
	start := time.Now()
	_, err := e.AttackPaths(context.Background(), []byte(`[]`), engines.DefaultOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output exceeds 1048576 bytes")
	var ee *engines.Error
	assert.False(t, errors.As(err, &ee), "an overflow is an engine failure, not bad input")
	assert.Less(t, time.Since(start), 10*time.Second, "the flooding engine is killed at the limit")
}

// TestTimeoutKillsProcessGroup: a time-out kills the engine and what it
// started (a grandchild "sleep"), and returns about when the time-out
// says.
func TestTimeoutKillsProcessGroup(t *testing.T) {
	pidFile := t.TempDir() + "/pid"
	t.Setenv(pidFileEnv, pidFile)
	e := fake(t, "grandchild")
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.AttackPaths(ctx, []byte(`[]`), engines.DefaultOptions())
	took := time.Since(start)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, took, 1500*time.Millisecond, "time-out of 700ms honoured (took %s)", took)
	raw, err := os.ReadFile(pidFile)
	require.NoError(t, err, "the fake started its grandchild")
	var pid int
	_, err = fmt.Sscan(string(raw), &pid)
	require.NoError(t, err)
	alive := true
	for deadline := time.Now().Add(2 * time.Second); alive && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		alive = syscall.Kill(pid, 0) == nil && !zombie(pid)
	}
	assert.False(t, alive, "grandchild %d survived the time-out", pid)
}

// zombie reports whether pid has exited and waits for its parent to reap
// it (Linux: state Z in /proc/PID/stat).
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// TestAttackPathsFileHandsOverThePath checks engines.AttackPathsFile gives a
// process engine the file's own path (no copy) and copies only input that
// is not a regular file.
func TestAttackPathsFileHandsOverThePath(t *testing.T) {
	e := fake(t, "args")
	input := []byte(`[{"id":"a"}]`)
	path := filepath.Join(t.TempDir(), "in.json")
	require.NoError(t, os.WriteFile(path, input, 0o644))

	out, err := engines.AttackPathsFile(context.Background(), e, path, engines.DefaultOptions(), nil)
	require.NoError(t, err)
	var got fakeArgs
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, path, got.Args[1], "the engine reads the file itself")
	assert.Equal(t, string(input), got.Input)

	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Logf("no FIFO here (%v): the copy path is covered by TestAttackPathsPassesInputAndOptions", err)
		return
	}
	go func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Write(input)
			w.Close()
		}
	}()
	out, err = engines.AttackPathsFile(context.Background(), e, fifo, engines.DefaultOptions(), nil)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out, &got))
	assert.NotEqual(t, fifo, got.Args[1], "a FIFO is read once and copied")
	assert.Equal(t, string(input), got.Input)
}
