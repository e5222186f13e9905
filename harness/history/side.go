package history

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Side is every sample of every series over a set of runs, pooled: one
// side of a comparison.
type Side struct {
	Runs   []Run
	Order  []Key // series in name order
	Values map[Key][]float64
	Exact  map[Key]bool
	Procs  map[Key]int // GOMAXPROCS suffix of the series' first run (0: none)
}

// Side pools the samples of the runs f selects (match, nil for all,
// selects series by name).
func (s *Store) Side(f Filter, match func(string) bool) (*Side, error) {
	runs, err := s.Runs(f)
	if err != nil {
		return nil, err
	}
	side := &Side{Runs: runs, Values: map[Key][]float64{}, Exact: map[Key]bool{}, Procs: map[Key]int{}}
	if len(runs) == 0 {
		return side, nil
	}
	platform := make(map[int64]string, len(runs))
	for _, r := range runs {
		platform[r.ID] = r.Platform
	}
	samples, err := s.Samples(f, match)
	if err != nil {
		return nil, err
	}
	for _, sm := range samples {
		k := Key{Name: sm.Name, Unit: sm.Unit, Platform: platform[sm.RunID]}
		if _, ok := side.Values[k]; !ok {
			side.Order = append(side.Order, k)
			side.Procs[k] = sm.Procs
		}
		side.Values[k] = append(side.Values[k], sm.Values...)
		side.Exact[k] = side.Exact[k] || sm.Exact
	}
	slices.SortFunc(side.Order, cmpKeys)
	return side, nil
}

// LastRuns returns the last n runs of branch on platform, in commit order.
func (s *Store) LastRuns(platform, branch string, n int) ([]Run, error) {
	runs, err := s.Runs(Filter{Platform: platform, Branch: branch})
	if err != nil {
		return nil, err
	}
	return runs[max(0, len(runs)-n):], nil
}

// IDs returns the IDs of runs.
func IDs(runs []Run) []int64 {
	out := make([]int64, len(runs))
	for i, r := range runs {
		out[i] = r.ID
	}
	return out
}

var hexPrefix = regexp.MustCompile(`^[0-9a-f]{4,40}$`)

// ErrNoRuns is wrapped by Resolve's error for a ref with no runs.
var ErrNoRuns = errors.New("no runs")

// Resolve finds the commit a ref names among the runs on platform ("" for
// any): the commit revParse gives it (a tag, branch or commit of the
// repository, when revParse is not nil and knows it) when it has runs,
// else the latest commit of a branch of that name in the store (a store
// rebuilt from another machine's data branch), else the commits starting
// with it. It returns the commit hashes (full, as stored).
func (s *Store) Resolve(ref, platform string, revParse func(string) (string, error)) ([]string, error) {
	runs, err := s.Runs(Filter{Platform: platform})
	if err != nil {
		return nil, err
	}
	where := "in " + s.path
	if platform != "" {
		where += " on " + platform
	}
	gitCommit := ""
	if revParse != nil {
		if full, err := revParse(ref); err == nil {
			for _, r := range runs {
				if r.Commit == full {
					return []string{full}, nil
				}
			}
			gitCommit = full
		}
	}
	var latest string
	for _, r := range runs {
		if r.Branch == ref && !strings.HasSuffix(r.Commit, "-dirty") {
			latest = r.Commit // runs are in commit order
		}
	}
	if latest != "" {
		return []string{latest}, nil
	}
	var commits []string
	if hexPrefix.MatchString(ref) {
		for _, r := range runs {
			if len(r.Commit) >= len(ref) && r.Commit[:len(ref)] == ref && !strings.HasSuffix(r.Commit, "-dirty") && !slices.Contains(commits, r.Commit) {
				commits = append(commits, r.Commit)
			}
		}
	}
	if len(commits) == 0 && gitCommit != "" {
		return nil, fmt.Errorf("%s is commit %s, which has %w %s", ref, gitCommit, ErrNoRuns, where)
	}
	if len(commits) == 0 {
		return nil, fmt.Errorf("%s: not a git ref here, nor a branch or commit with %w %s", ref, ErrNoRuns, where)
	}
	return commits, nil
}
