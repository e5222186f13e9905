package cli

import (
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/pathscmd"
)

// paths is harness/pathscmd, the command the aegispaths program runs alone.
func init() {
	registerCommand(command{
		name:    "paths",
		summary: pathscmd.Summary,
		run: func(env cmdline.Env, args []string) error {
			return pathscmd.Run(env, "aegisbench paths", args)
		},
	})
}
