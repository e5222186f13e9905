// Command aegispaths computes the attack paths of a findings file with one
// of the Go-hosted engines (go, rust-ffi, ...) under the process contract
// of engines/SPEC.md. It is `aegisbench paths` alone (harness/pathscmd):
// bench times the Go-hosted engines as whole processes with it, so that a
// timing holds the engine and a Go program's start, not the start of the
// whole harness. See README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/pathscmd"

	// The engines register themselves with the engines registry.
	_ "github.com/aegisbench/aegisbench/engines/ffiengine"  // "ffi:PATH"
	_ "github.com/aegisbench/aegisbench/engines/goengine"   // "go", "go-naive"
	_ "github.com/aegisbench/aegisbench/engines/process"    // "exec:COMMAND"
	_ "github.com/aegisbench/aegisbench/engines/rustengine" // "rust-ffi", "rust-cli"
)

func main() {
	err := run(os.Stdout, os.Stderr, os.Args[1:])
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "aegispaths:", err)
	}
	os.Exit(cmdline.ExitCode(err))
}

// run is the whole program: the paths command invoked as aegispaths.
func run(stdout, stderr io.Writer, args []string) error {
	return pathscmd.Run(cmdline.Env{Stdout: stdout, Stderr: stderr}, "aegispaths", args)
}
