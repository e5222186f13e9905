// Command aegisbench generates synthetic findings, runs the Go and Rust
// attack-path engines on them, checks that their outputs agree, benchmarks
// them and writes reports. See README.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/aegisbench/aegisbench/harness/cli"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

func main() {
	err := cli.Run(os.Stdout, os.Stderr, os.Args[1:])
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "aegisbench:", err)
	}
	os.Exit(cmdline.ExitCode(err))
}
