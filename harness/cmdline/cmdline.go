// Package cmdline holds what every command of the project's programs
// shares: the streams a command may touch, exit codes, flag parsing, the
// bounds on an engine's input, output and time, and the reading and
// writing of findings and output documents. The aegisbench subcommands
// (harness/cli) and the paths command (harness/pathscmd) use it, so
// that a small program need not link the whole harness.
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/aegisbench/aegisbench/internal/usage"
)

// Env is what a command may touch: its output streams.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
}

// ExitError carries a process exit code chosen by a command: 1 for bad
// input (the error document was written), 2 for usage errors, other codes
// as documented by the command (gate: 3 for "cannot decide").
type ExitError struct {
	Code int
	Err  error
}

// Error returns Err's message, or "exit status N" when Err is nil.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns Err.
func (e *ExitError) Unwrap() error { return e.Err }

// UsageError returns an ExitError with code 2.
func UsageError(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error returned by a command to a process exit code: 0
// for nil and for flag.ErrHelp, the ExitError's code, 2 for a library's
// *usage.Error, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if usage.Is(err) {
		return 2
	}
	return 1
}

// NewFlagSet returns a flag set that prints its usage ("Usage: PROGRAM
// NAME USAGE", PROGRAM being aegisbench) to env.Stderr and reports errors
// instead of exiting.
func NewFlagSet(env Env, name, usage string) *flag.FlagSet {
	return NewProgramFlagSet(env, "aegisbench "+name, usage)
}

// NewProgramFlagSet is NewFlagSet for a command invoked as invocation
// ("aegispaths", "aegisbench paths").
func NewProgramFlagSet(env Env, invocation, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(invocation, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: %s %s\n\nFlags:\n", invocation, usage)
		fs.PrintDefaults()
	}
	return fs
}

// ParseFlags parses args, mapping a flag error to a usage error (exit 2)
// and -h to flag.ErrHelp (exit 0). Positional arguments are returned.
func ParseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &ExitError{Code: 2, Err: err}
	}
	return fs.Args(), nil
}

// FlagGiven reports whether the flag name was set on the command line.
func FlagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
