package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/aegisbench/aegisbench/internal/procgroup"
)

// Command is one process the runner starts: a program, its arguments, the
// directory it runs in and environment variables added to the inherited
// environment.
type Command struct {
	Dir  string   // working directory; "" means the current one
	Path string   // program name or path
	Args []string // arguments, without the program name
	Env  []string // "KEY=value" pairs added to the parent's environment
}

// String renders the command as a shell line (for --dry-run, progress and
// error messages): environment first, then "cd DIR &&" when Dir is set.
func (c Command) String() string {
	var b strings.Builder
	if c.Dir != "" {
		b.WriteString("cd ")
		b.WriteString(shellQuote(c.Dir))
		b.WriteString(" && ")
	}
	for _, e := range c.Env {
		b.WriteString(shellQuote(e))
		b.WriteByte(' ')
	}
	b.WriteString(shellQuote(c.Path))
	for _, a := range c.Args {
		b.WriteByte(' ')
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that are safe unquoted.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Output is what a finished command produced.
type Output struct {
	Stdout []byte
	Stderr []byte
	// PeakRSS is the peak resident set size in bytes reported by the
	// operating system for the process and the children it waited for
	// (wait4's rusage); 0 when unknown or not measurable. Linux carries the
	// spawning process's high-water mark into a child started with vfork
	// (as Go starts processes) across exec, so a figure at or below this
	// harness's own peak RSS may be the harness's, not the child's: such
	// figures are dropped rather than reported.
	PeakRSS int64
}

// Runner runs commands. The bench runner reaches the outside world only
// through it, so tests substitute a fake that records the commands and
// returns canned outputs.
type Runner interface {
	Run(ctx context.Context, c Command) (Output, error)
}

// ExecRunner runs commands as real processes with os/exec.
type ExecRunner struct{}

// Run starts c, waits for it and returns its output. A non-zero exit is an
// error that carries the tail of stderr.
func (ExecRunner) Run(ctx context.Context, c Command) (Output, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	procgroup.Fence(cmd) // an interrupted run kills go test's and cargo's children too
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	_ = procgroup.Kill(cmd)
	out := Output{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if cmd.ProcessState != nil {
		if rss := peakRSS(cmd.ProcessState); rss > selfPeakRSS() {
			out.PeakRSS = rss
		}
	}
	if err != nil {
		return out, &CommandError{Cmd: c, Err: err, Stderr: tail(stderr.Bytes(), 2000)}
	}
	return out, nil
}

// CommandError is a command that could not start or exited non-zero.
type CommandError struct {
	Cmd    Command
	Err    error
	Stderr string // the last part of its standard error
}

func (e *CommandError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Cmd, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += "\n" + s
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// tail returns at most the last n bytes of b as a string, starting at a
// line boundary when it cuts.
func tail(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	b = b[len(b)-n:]
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return "..." + string(b)
}
