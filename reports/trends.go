package reports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// TrendsFile is the markdown file name of a trends directory.
const TrendsFile = "TRENDS.md"

// TrendsInput is what TRENDS.md shows: the trends (with their change
// points), the runs they come from, and release tags by commit.
type TrendsInput struct {
	Store   string
	Runs    []history.Run
	Trends  []*history.Trend
	Tags    map[string][]string // full commit -> tag names
	Options changepoint.Options
	Filter  string // the --benchmark expression, "" for all
}

// WriteTrends writes DIR/TRENDS.md and one plot per series in DIR/plots
// (PNG and SVG), each file written atomically. When ctx ends it stops
// before the next plot (TRENDS.md is left as it was) and returns ctx's
// error.
func WriteTrends(ctx context.Context, dir string, in TrendsInput) error {
	refs := make([]string, len(in.Trends))
	for i, t := range in.Trends {
		if err := ctx.Err(); err != nil {
			return err
		}
		fig, err := trendFigure(t, in.Tags)
		if err != nil {
			return fmt.Errorf("plot %s %s (%s): %w", t.Name, t.Unit, t.Platform, err)
		}
		png, svg, err := renderFigure(fig)
		if err != nil {
			return fmt.Errorf("plot %s %s (%s): %w", t.Name, t.Unit, t.Platform, err)
		}
		name := trendPlotName(t.Key)
		for ext, data := range map[string][]byte{".png": png, ".svg": svg} {
			if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, "plots", name+ext), data); err != nil {
				return err
			}
		}
		refs[i] = "plots/" + name
	}
	var md bytes.Buffer
	if err := WriteTrendsMarkdown(&md, in, refs); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return atomicfile.WriteFileMkdirAll(filepath.Join(dir, TrendsFile), md.Bytes())
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func trendPlotName(k history.Key) string {
	return "trend_" + unsafeName.ReplaceAllString(k.Platform+"_"+k.Name+"_"+k.Unit, "_")
}

// shortCommit is the 7-character form of a commit ("-dirty" kept).
func shortCommit(c string) string {
	head, dirty := strings.CutSuffix(c, "-dirty")
	if len(head) > 7 {
		head = head[:7]
	}
	if dirty {
		head += "-dirty"
	}
	return head
}

// WriteTrendsMarkdown writes TRENDS.md; plots[i] is the plot path of
// in.Trends[i] without extension ("" for none).
func WriteTrendsMarkdown(w io.Writer, in TrendsInput, plots []string) error {
	m := &mdWriter{w: w}
	m.p("# Performance trends")
	m.p("")
	commits := map[string]bool{}
	platforms := map[string]bool{}
	for _, r := range in.Runs {
		commits[r.Commit] = true
		platforms[r.Platform] = true
	}
	what := "every benchmark"
	if in.Filter != "" {
		what = fmt.Sprintf("benchmarks matching `%s`", in.Filter)
	}
	m.p("%d run%s of %d commit%s on %d platform%s from the history store `%s`; %s, %d series.",
		len(in.Runs), plural(len(in.Runs)), len(commits), plural(len(commits)), len(platforms), plural(len(platforms)), in.Store, what, len(in.Trends))
	if len(in.Runs) > 0 {
		m.p("Commits from %s (%s) to %s (%s), in commit order (commit date).",
			shortCommit(in.Runs[0].Commit), in.Runs[0].CommitDate, shortCommit(in.Runs[len(in.Runs)-1].Commit), in.Runs[len(in.Runs)-1].CommitDate)
	}
	m.p("")
	m.p("Each point is one commit: the median of all its samples (every run at that commit) and its 95%% confidence interval. "+
		"Change points: E-Divisive with means (Matteson and James 2014) on the per-commit medians, permutation test p ≤ %g over %d permutations, seed %d, segments of at least %d commits. "+
		"A series is (benchmark, unit, platform): platforms are never mixed.",
		in.Options.Alpha, in.Options.Permutations, in.Options.Seed, in.Options.MinSize)
	m.p("")
	m.p("## Change points")
	m.p("")
	var rows [][]string
	for _, t := range in.Trends {
		f := formatterFor(t.Unit)
		for _, c := range t.Changes {
			rows = append(rows, []string{"`" + t.Name + "`", t.Unit, t.Platform, "`" + shortCommit(c.Commit) + "`" + tagSuffix(in.Tags, c.Commit),
				f(c.Before), f(c.After), RelChange(c.Rel), fmt.Sprintf("%.3f", c.P)})
		}
	}
	if len(rows) == 0 {
		m.p("None found.")
		m.p("")
	} else {
		m.table([]string{"series", "unit", "platform", "first commit after", "median before", "median after", "change", "p"}, rows)
	}
	m.p("## Series")
	m.p("")
	rows = rows[:0]
	for i, t := range in.Trends {
		f := formatterFor(t.Unit)
		first, last := t.Points[0].Summary, t.Points[len(t.Points)-1].Summary
		plot := ""
		if plots[i] != "" {
			plot = fmt.Sprintf("[png](%s.png) [svg](%s.svg)", plots[i], plots[i])
		}
		rows = append(rows, []string{"`" + t.Name + "`", t.Unit, t.Platform, fmt.Sprint(len(t.Points)),
			f(first.Center), f(last.Center) + " " + pctCI(last), RelChange(last.Center/first.Center - 1),
			fmt.Sprint(len(t.Changes)), plot})
	}
	m.table([]string{"series", "unit", "platform", "commits", "first", "last (95% CI)", "first → last", "change points", "plot"}, rows)
	return m.err
}

// RelChange formats a relative change: "+5.2%", "-0.0031%" (small
// changes of exact units keep two significant digits), "0%".
func RelChange(r float64) string {
	switch {
	case r == 0:
		return "0%"
	case math.Abs(r) < 0.001:
		return fmt.Sprintf("%+.2g%%", 100*r)
	}
	return fmt.Sprintf("%+.1f%%", 100*r)
}

// FormatValue formats v for people in the scale of unit ("120µs",
// "4KiB", "7").
func FormatValue(v float64, unit string) string { return formatterFor(unit)(v) }

func tagSuffix(tags map[string][]string, commit string) string {
	if ts := tags[commit]; len(ts) > 0 {
		return " (" + strings.Join(ts, ", ") + ")"
	}
	return ""
}
