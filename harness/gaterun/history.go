package gaterun

import (
	"context"
	"fmt"
	"io"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/internal/usage"
	"github.com/aegisbench/aegisbench/reports"
)

// FromHistory judges s.Head against the last s.History.Window runs of
// s.History.Branch on the head's platform in the history store, and
// notes the series in which that window already holds a change point (a
// drift the head alone would hide). When ctx ends it stops (ctx's error).
func FromHistory(ctx context.Context, stdout io.Writer, s Settings) error {
	h := s.History
	if s.Head == "" || s.Base != "" || s.BaseRef != "" {
		return usage.Errorf("gate: --history takes --head HEAD.txt (and no --base or --base-ref)")
	}
	if h.Window < 1 {
		return usage.Errorf("gate: --window must be at least 1")
	}
	head, err := load(s.Head)
	if err != nil {
		return err
	}
	if err := head.Check(); err != nil {
		return usage.Errorf("gate: %s: %v", s.Head, err)
	}
	platform := head.ConfigString("goos") + "-" + head.ConfigString("goarch")
	st, err := history.Open(h.Store)
	if err != nil {
		return status(2, fmt.Errorf("gate: %w", err))
	}
	defer st.Close()
	w, err := st.Window(ctx, platform, h.Branch, h.Window, changepoint.DefaultOptions())
	if err != nil {
		return status(3, fmt.Errorf("gate: cannot decide: %w", err))
	}
	return judge(stdout, s, w.Set, head, windowNotes(w))
}

// windowNotes says where the base came from and lists the window's drifts.
func windowNotes(w *history.Window) []string {
	first, last := w.Runs[0], w.Runs[len(w.Runs)-1]
	notes := []string{fmt.Sprintf("base: the last %d runs of %s on %s in the history store (commits %s .. %s)",
		len(w.Runs), w.Branch, w.Platform, history.ShortCommit(first.Commit), history.ShortCommit(last.Commit))}
	if len(w.Drifts) == 0 {
		return append(notes, "no change point inside the base window")
	}
	for _, t := range w.Drifts {
		for _, c := range t.Changes {
			notes = append(notes, fmt.Sprintf("drift inside the base window: `%s` %s changed %s at commit %s (median %s → %s, E-Divisive p=%.3f): the base mixes two levels",
				t.Name, t.Unit, reports.RelChange(c.Rel), history.ShortCommit(c.Commit), reports.FormatValue(c.Before, t.Unit), reports.FormatValue(c.After, t.Unit), c.P))
		}
	}
	return notes
}
