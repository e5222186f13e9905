// Package historyrun is the history command's work on the store
// (harness/history): importing results files one transaction each,
// listing the runs, writing the trends with their change points and
// comparing two points of the history (rendered by reports). Each stops
// when its context ends, keeping what is complete. The command line only
// parses flags and calls it.
package historyrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/usage"
	"github.com/aegisbench/aegisbench/reports"
)

// Import stores the results files in the store (each file all or
// nothing), saying what became of each on stdout (failures on stderr).
// When ctx ends it stops before the next file: the files stored stay.
func Import(ctx context.Context, stdout, stderr io.Writer, store string, files []string) error {
	s, err := history.Open(store)
	if err != nil {
		return err
	}
	defer s.Close()
	var failed []error
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("history import: stopped after %d of %d files: %w", i, len(files), err)
		}
		imp, err := s.Import(f)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "history import: %v\n", err)
			failed = append(failed, err)
		case imp.Already:
			fmt.Fprintf(stdout, "already stored: %s (run %d, sha256 %s)\n", f, imp.Run.ID, imp.Run.Digest[:12])
		default:
			fmt.Fprintf(stdout, "stored run %d: %s (%s, commit %s, branch %s, %d series)\n",
				imp.Run.ID, f, imp.Run.Platform, history.ShortCommit(imp.Run.Commit), imp.Run.Branch, imp.Series)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("history import: %d of %d files not stored: %w", len(failed), len(files), errors.Join(failed...))
	}
	return nil
}

// List writes the runs f selects, one line each in commit order, to
// stdout and their count to stderr.
func List(stdout, stderr io.Writer, store string, f history.Filter) error {
	s, err := history.Open(store)
	if err != nil {
		return err
	}
	defer s.Close()
	runs, err := s.Runs(f)
	if err != nil {
		return err
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "%-5d %-12s %s  %-14s %-12s %s  %s  %s\n", r.ID, history.ShortCommit(r.Commit), r.CommitDate, r.Branch, r.Platform, r.Date, r.Digest[:12], r.File)
	}
	fmt.Fprintf(stderr, "%d runs\n", len(runs))
	return nil
}

// Trend are the settings of a trends report.
type Trend struct {
	Store     string
	Benchmark string // regexp of the full benchmark names ("" for all)
	Platform  string // "" for all, each apart
	Dir       string // TRENDS.md and plots/ go here
	Options   changepoint.Options
}

// WriteTrend writes the trends t selects, with their change points, into
// t.Dir and says on stdout what it wrote. When ctx ends it stops (the
// plots written stay whole, TRENDS.md is left as it was).
func WriteTrend(ctx context.Context, stdout io.Writer, t Trend) error {
	s, match, err := openMatching(t.Store, t.Benchmark)
	if err != nil {
		return err
	}
	defer s.Close()
	f := history.Filter{Platform: t.Platform}
	runs, err := s.Runs(f)
	if err != nil {
		return err
	}
	trends, err := s.Trends(ctx, f, match, t.Options)
	if err != nil {
		return err
	}
	if len(trends) == 0 {
		return fmt.Errorf("history trend: no series in %s match (%d runs)", t.Store, len(runs))
	}
	in := reports.TrendsInput{Store: t.Store, Runs: runs, Trends: trends, Tags: gitTags(ctx), Options: t.Options, Filter: t.Benchmark}
	if err := reports.WriteTrends(ctx, t.Dir, in); err != nil {
		return err
	}
	changes := 0
	for _, tr := range trends {
		changes += len(tr.Changes)
	}
	fmt.Fprintf(stdout, "%d series over %d runs, %d change points: %s\n", len(trends), len(runs), changes, filepath.Join(t.Dir, reports.TrendsFile))
	return nil
}

// Compare are the settings of a comparison between two points.
type Compare struct {
	Store     string
	From, To  string // tags, commits or branches
	Platform  string // "" for all, each apart
	Benchmark string // regexp of the full benchmark names ("" for all)
	Out       string // the markdown file; "" writes to stdout
}

// WriteCompare writes the benchstat-style table between c.From and c.To.
func WriteCompare(ctx context.Context, stdout io.Writer, c Compare) error {
	s, match, err := openMatching(c.Store, c.Benchmark)
	if err != nil {
		return err
	}
	defer s.Close()
	hc := reports.HistoryComparison{FromRef: c.From, ToRef: c.To, Alpha: 0.05}
	for _, side := range []struct {
		ref string
		dst **history.Side
	}{{c.From, &hc.From}, {c.To, &hc.To}} {
		commits, err := s.Resolve(side.ref, c.Platform, func(ref string) (string, error) { return gitRevParse(ctx, ref) })
		if err != nil {
			return fmt.Errorf("history compare: %w", err)
		}
		if *side.dst, err = s.Side(history.Filter{Platform: c.Platform, Commits: commits}, match); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := reports.WriteHistoryComparison(&buf, hc); err != nil {
		return err
	}
	if c.Out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	return atomicfile.WriteFileMkdirAll(c.Out, buf.Bytes())
}

// openMatching compiles the --benchmark expression (nil matches all) and
// opens the store.
func openMatching(store, expr string) (*history.Store, func(string) bool, error) {
	var match func(string) bool
	if expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, nil, usage.Errorf("--benchmark: %v", err)
		}
		match = re.MatchString
	}
	s, err := history.Open(store)
	return s, match, err
}

// gitRevParse resolves a ref of the repository in the working directory
// to its full commit hash.
func gitRevParse(ctx context.Context, ref string) (string, error) {
	out, err := bench.ExecRunner{}.Run(ctx, bench.Command{Path: "git", Args: []string{"rev-parse", "--verify", "--quiet", ref + "^{commit}"}})
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out.Stdout)), nil
}

// gitTags maps commits of the repository in the working directory to
// their tags (none outside a repository).
func gitTags(ctx context.Context) map[string][]string {
	out, err := bench.ExecRunner{}.Run(ctx, bench.Command{Path: "git",
		Args: []string{"for-each-ref", "--format=%(objectname) %(*objectname) %(refname:short)", "refs/tags"}})
	tags := map[string][]string{}
	if err != nil {
		return tags
	}
	for _, line := range strings.Split(string(out.Stdout), "\n") {
		f := strings.Fields(line)
		switch len(f) {
		case 2: // lightweight tag: the object is the commit
			tags[f[0]] = append(tags[f[0]], f[1])
		case 3: // annotated tag: the peeled object is the commit
			tags[f[1]] = append(tags[f[1]], f[2])
		}
	}
	return tags
}
