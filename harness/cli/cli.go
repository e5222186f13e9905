// Package cli implements the aegisbench command line. Each subcommand lives
// in a file of its own and registers itself with registerCommand; Run is the
// whole program, so tests drive it in-process.
package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aegisbench/aegisbench/harness/cmdline"
)

type command struct {
	name    string
	summary string
	run     func(env cmdline.Env, args []string) error
}

var commands = map[string]command{}

// registerCommand adds a subcommand; called from each subcommand file's init.
func registerCommand(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// stringsFlag is a repeatable string flag (--dataset F --dataset G):
// each use appends its value.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// Run runs the aegisbench command line args (without the program name).
func Run(stdout, stderr io.Writer, args []string) error {
	env := cmdline.Env{Stdout: stdout, Stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return cmdline.UsageError("no command given")
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		printUsage(stderr)
		return cmdline.UsageError("unknown command %q", args[0])
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
