package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Command is one process the gate starts.
type Command struct {
	Dir  string   // working directory; "" means the current one
	Path string   // program name or path
	Args []string // arguments, without the program name
	Env  []string // "KEY=value" pairs added to the inherited environment
}

// String renders the command as a shell line for logs and errors.
func (c Command) String() string {
	var parts []string
	if c.Dir != "" {
		parts = append(parts, "cd", shellQuote(c.Dir), "&&")
	}
	for _, e := range c.Env {
		parts = append(parts, shellQuote(e))
	}
	parts = append(parts, shellQuote(c.Path))
	for _, a := range c.Args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%^", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// Output is what a finished command wrote.
type Output struct {
	Stdout, Stderr []byte
}

// Runner runs commands. The gate reaches git, the Go toolchain, the
// benchmark runner and the instruction counters only through it, so tests
// substitute a fake that records the plan.
type Runner interface {
	Run(ctx context.Context, c Command) (Output, error)
}

// ExecRunner runs commands as processes.
type ExecRunner struct{}

// Run runs c and waits; a non-zero exit is an error carrying the tail of
// stderr.
func (ExecRunner) Run(ctx context.Context, c Command) (Output, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := Output{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if err != nil {
		msg := strings.TrimSpace(tail(stderr.Bytes(), 2000))
		if msg != "" {
			return out, fmt.Errorf("%s: %w\n%s", c, err, msg)
		}
		return out, fmt.Errorf("%s: %w", c, err)
	}
	return out, nil
}

// tail returns at most the last n bytes of b, cut at a line boundary.
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
