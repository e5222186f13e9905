package cli

import (
	"flag"

	"github.com/aegisbench/aegisbench/harness/gaterun"
)

// registerGateHistory adds gate's --history flags: on says --history was
// given, h takes the others.
func registerGateHistory(fs *flag.FlagSet, on *bool, h *gaterun.History) {
	fs.BoolVar(on, "history", false, "take the base side from the history store: the last --window runs of --branch on the head's platform")
	fs.IntVar(&h.Window, "window", 10, "runs of the base branch in the base side (--history)")
	fs.StringVar(&h.Branch, "branch", "main", "base branch in the history store (--history)")
	fs.StringVar(&h.Store, "store", defaultStore(), "the history store (SQLite `file`, --history)")
}
