package cli

import (
	"flag"
	"fmt"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/reports"
)

// historyGateFlags are gate's --history settings.
type historyGateFlags struct {
	on            bool
	window        int
	store, branch string
}

func (h *historyGateFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&h.on, "history", false, "take the base side from the history store: the last --window runs of --branch on the head's platform")
	fs.IntVar(&h.window, "window", 10, "runs of the base branch in the base side (--history)")
	fs.StringVar(&h.branch, "branch", "main", "base branch in the history store (--history)")
	fs.StringVar(&h.store, "store", defaultStore(), "the history store (SQLite `file`, --history)")
}

// gateHistory judges --head against the last runs of the base branch on
// the same platform, and notes the series in which that window already
// holds a change point (a drift the head alone would hide).
func gateHistory(env Env, f gateFlags) error {
	h := f.history
	if f.head == "" || f.base != "" || f.baseRef != "" {
		return usageError("gate: --history takes --head HEAD.txt (and no --base or --base-ref)")
	}
	if h.window < 1 {
		return usageError("gate: --window must be at least 1")
	}
	head, err := gateLoad(f.head)
	if err != nil {
		return err
	}
	if err := head.Check(); err != nil {
		return usageError("gate: %s: %v", f.head, err)
	}
	platform := head.ConfigString("goos") + "-" + head.ConfigString("goarch")
	s, err := history.Open(h.store)
	if err != nil {
		return &ExitError{Code: 2, Err: fmt.Errorf("gate: %w", err)}
	}
	defer s.Close()
	w, err := s.Window(platform, h.branch, h.window, changepoint.DefaultOptions())
	if err != nil {
		return &ExitError{Code: 3, Err: fmt.Errorf("gate: cannot decide: %w", err)}
	}
	return gateJudge(env, f, w.Set, head, windowNotes(w))
}

// windowNotes says where the base came from and lists the window's drifts.
func windowNotes(w *history.Window) []string {
	first, last := w.Runs[0], w.Runs[len(w.Runs)-1]
	notes := []string{fmt.Sprintf("base: the last %d runs of %s on %s in the history store (commits %s .. %s)",
		len(w.Runs), w.Branch, w.Platform, shortHash(first.Commit), shortHash(last.Commit))}
	if len(w.Drifts) == 0 {
		return append(notes, "no change point inside the base window")
	}
	for _, t := range w.Drifts {
		for _, c := range t.Changes {
			notes = append(notes, fmt.Sprintf("drift inside the base window: `%s` %s changed %s at commit %s (median %s → %s, E-Divisive p=%.3f): the base mixes two levels",
				t.Name, t.Unit, reports.RelChange(c.Rel), shortHash(c.Commit), reports.FormatValue(c.Before, t.Unit), reports.FormatValue(c.After, t.Unit), c.P))
		}
	}
	return notes
}
