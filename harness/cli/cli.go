// Package cli implements the aegisbench command line. Each subcommand lives
// in a file of its own and registers itself with registerCommand; Run is the
// whole program, so tests drive it in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aegisbench/aegisbench/internal/usage"
)

// Env is what a subcommand may touch: its output streams.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(env Env, args []string) error
}

var commands = map[string]command{}

// registerCommand adds a subcommand; called from each subcommand file's init.
func registerCommand(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// ExitError carries a process exit code chosen by a subcommand: 1 for bad
// input (the error document was written), 2 for usage errors, other codes
// as documented by the subcommand (gate: 3 for "cannot decide").
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// stringsFlag is a repeatable string flag (--dataset F --dataset G):
// each use appends its value.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// usageError returns an ExitError with code 2.
func usageError(format string, args ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, args...)}
}

// ExitCode maps an error returned by Run to a process exit code: 0 for nil,
// the ExitError's code, 2 for flag parsing errors and a library's
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

// Run runs the aegisbench command line args (without the program name).
func Run(stdout, stderr io.Writer, args []string) error {
	env := Env{Stdout: stdout, Stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return usageError("no command given")
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		printUsage(stderr)
		return usageError("unknown command %q", args[0])
	}
	return c.run(env, args[1:])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "aegisbench: benchmark and conformance harness for the attack-path engines (Go and the Rust port).")
	fmt.Fprintln(w, "\nUsage: aegisbench COMMAND [flags]   (aegisbench COMMAND --help for its flags)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a flag set that prints its usage to env.Stderr and
// reports errors instead of exiting.
func newFlagSet(env Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: aegisbench %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping a flag error to a usage error (exit 2)
// and -h to flag.ErrHelp (exit 0). Positional arguments are returned.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &ExitError{Code: 2, Err: err}
	}
	return fs.Args(), nil
}
