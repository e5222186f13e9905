package history

import (
	"context"
	"runtime"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// Key is a series of the history: a benchmark and unit on one platform.
// Platforms stay apart.
type Key struct {
	Name, Unit, Platform string
}

// Point is one commit of a series: the samples of every run at it.
type Point struct {
	Commit     string
	CommitDate string
	Runs       int
	Values     []float64
	Summary    stats.Summary // median and its 95% interval
}

// Change is a change point of a series.
type Change struct {
	// Index is the point (commit) after the change; Commit is its commit.
	Index  int
	Commit string
	// Before and After are the medians of the per-commit medians of the
	// segments on either side (up to the neighbouring change points).
	Before, After float64
	// Rel is After/Before - 1.
	Rel float64
	// P is the permutation test's p-value, Q the E-Divisive statistic.
	P, Q float64
}

// Trend is a series over commits, in commit order, and its change points.
type Trend struct {
	Key
	Exact   bool
	Points  []Point
	Changes []Change
}

// Trends reads the series of the runs f selects (match, nil for all,
// selects by benchmark name), one point per commit in commit order, and
// finds their change points with o. When ctx ends it stops and returns
// ctx's error.
func (s *Store) Trends(ctx context.Context, f Filter, match func(string) bool, o changepoint.Options) ([]*Trend, error) {
	runs, err := s.Runs(f)
	if err != nil {
		return nil, err
	}
	samples, err := s.Samples(f, match)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Run, len(runs))
	for _, r := range runs {
		byID[r.ID] = r
	}
	var order []Key
	trends := map[Key]*Trend{}
	for _, sm := range samples {
		run := byID[sm.RunID]
		k := Key{Name: sm.Name, Unit: sm.Unit, Platform: run.Platform}
		t := trends[k]
		if t == nil {
			t = &Trend{Key: k}
			trends[k] = t
			order = append(order, k)
		}
		t.Exact = t.Exact || sm.Exact
		if n := len(t.Points); n > 0 && t.Points[n-1].Commit == run.Commit {
			p := &t.Points[n-1]
			p.Runs++
			p.Values = append(p.Values, sm.Values...)
			continue
		}
		t.Points = append(t.Points, Point{Commit: run.Commit, CommitDate: run.CommitDate, Runs: 1, Values: slices.Clone(sm.Values)})
	}
	slices.SortFunc(order, cmpKeys)
	out := make([]*Trend, len(order))
	for i, k := range order {
		t := trends[k]
		a := Assumption(t.Exact)
		for j := range t.Points {
			t.Points[j].Summary = stats.Summarize(t.Points[j].Values, a, stats.Confidence)
		}
		out[i] = t
	}
	if err := AnalyzeContext(ctx, out, o); err != nil {
		return nil, err
	}
	return out, nil
}

// Assumption is how samples of a unit are summarized: exact (every value
// the same, compared directly) or nothing (distribution-free median and
// interval, Mann-Whitney U), as benchstat does.
func Assumption(exact bool) benchmath.Assumption {
	if exact {
		return benchmath.AssumeExact
	}
	return benchmath.AssumeNothing
}

func cmpKeys(a, b Key) int {
	for _, c := range [][2]string{{a.Platform, b.Platform}, {a.Name, b.Name}, {a.Unit, b.Unit}} {
		if c[0] != c[1] {
			if c[0] < c[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Analyze finds the change points of every trend (on its per-commit
// medians) and fills Changes.
func Analyze(trends []*Trend, o changepoint.Options) {
	_ = AnalyzeContext(context.Background(), trends, o)
}

// AnalyzeContext is Analyze stopping when ctx ends (ctx's error; the
// trends' Changes are then not filled).
func AnalyzeContext(ctx context.Context, trends []*Trend, o changepoint.Options) error {
	series := make([][]float64, len(trends))
	for i, t := range trends {
		series[i] = t.Medians()
	}
	found, err := changepoint.DetectAllContext(ctx, series, o, runtime.NumCPU())
	if err != nil {
		return err
	}
	for i, t := range trends {
		t.Changes = changes(t, series[i], found[i])
	}
	return nil
}

// Medians returns the per-commit medians.
func (t *Trend) Medians() []float64 {
	out := make([]float64, len(t.Points))
	for i, p := range t.Points {
		out[i] = p.Summary.Center
	}
	return out
}

func changes(t *Trend, medians []float64, ps []changepoint.Point) []Change {
	var out []Change
	for i, p := range ps {
		lo, hi := 0, len(medians)
		if i > 0 {
			lo = ps[i-1].Index
		}
		if i+1 < len(ps) {
			hi = ps[i+1].Index
		}
		c := Change{Index: p.Index, Commit: t.Points[p.Index].Commit, P: p.P, Q: p.Q,
			Before: median(medians[lo:p.Index]), After: median(medians[p.Index:hi])}
		c.Rel = c.After/c.Before - 1
		out = append(out, c)
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
