package history

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/results"
)

// Window is the last runs of a branch on one platform: the base side of
// `gate --history`, with the change points inside it.
type Window struct {
	Platform, Branch string
	Runs             []Run
	// Set is every sample of the window as one results set, read back
	// through harness/results like any results file.
	Set *results.Set
	// Drifts are the window's series that hold a change point.
	Drifts []*Trend
}

// Window returns the last n runs of branch on platform. It is an error
// when there are none, or when ctx ends (ctx's error).
func (s *Store) Window(ctx context.Context, platform, branch string, n int, o changepoint.Options) (*Window, error) {
	runs, err := s.LastRuns(platform, branch, n)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("history store %s: %w of branch %s on %s", s.path, ErrNoRuns, branch, platform)
	}
	w := &Window{Platform: platform, Branch: branch, Runs: runs}
	f := Filter{IDs: IDs(runs)}
	side, err := s.Side(f, nil)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("history: last %d runs of %s on %s (%s)", len(runs), branch, platform, s.path)
	if w.Set, err = side.Results(name, commonConfig(runs)); err != nil {
		return nil, err
	}
	trends, err := s.Trends(ctx, f, nil, o)
	if err != nil {
		return nil, err
	}
	for _, t := range trends {
		if len(t.Changes) > 0 {
			w.Drifts = append(w.Drifts, t)
		}
	}
	return w, nil
}

// commonConfig returns the config lines of runs: a key's value when every
// run has the same, else "N values in the window" (pkg, per package,
// left out).
func commonConfig(runs []Run) []benchfmt.Config {
	var keys []string
	values := map[string][]string{}
	for _, r := range runs {
		for _, line := range strings.Split(strings.TrimSpace(r.Config), "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if !ok || k == "pkg" {
				continue
			}
			if _, seen := values[k]; !seen {
				keys = append(keys, k)
			}
			if !slices.Contains(values[k], v) {
				values[k] = append(values[k], v)
			}
		}
	}
	var out []benchfmt.Config
	for _, k := range keys {
		v := values[k][0]
		if len(values[k]) > 1 {
			v = fmt.Sprintf("%d values in the window", len(values[k]))
		}
		out = append(out, benchfmt.Config{Key: k, Value: []byte(v), File: true})
	}
	return out
}

// Results writes the side in the Go benchmark format (one result line
// per sample, with the GOMAXPROCS suffix it had, exact units declared)
// under the config lines config, and reads it back through
// harness/results, the one reader of results files; name stands for the
// stream in errors. A side holds one platform.
func (side *Side) Results(name string, config []benchfmt.Config) (*results.Set, error) {
	var buf bytes.Buffer
	w := benchfmt.NewWriter(&buf)
	var exactUnits []string
	for _, k := range side.Order {
		if side.Exact[k] && !slices.Contains(exactUnits, k.Unit) {
			exactUnits = append(exactUnits, k.Unit)
		}
	}
	for _, u := range exactUnits {
		meta := &benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u, Key: "assume"}, OrigUnit: u, Value: "exact"}
		if err := w.Write(meta); err != nil {
			return nil, err
		}
	}
	for _, k := range side.Order {
		full := k.Name
		if p := side.Procs[k]; p > 0 {
			full += fmt.Sprintf("-%d", p)
		}
		for _, v := range side.Values[k] {
			res := &benchfmt.Result{Config: config, Name: benchfmt.Name(full), Iters: 1, Values: []benchfmt.Value{{Value: v, Unit: k.Unit}}}
			if err := w.Write(res); err != nil {
				return nil, err
			}
		}
	}
	return results.Read(&buf, name)
}
