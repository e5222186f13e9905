package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/reports"
)

func init() {
	registerCommand(command{
		name:    "history",
		summary: "performance history: import results files into a SQLite store, list, trend (change points), compare",
		run:     runHistory,
	})
}

const historyUsage = `import FILE... | rebuild DIR | list | trend -o DIR | compare --from REF --to REF  [--store PATH]

  import FILE...   store results files (idempotent: the sha256 decides; all or nothing per file)
  rebuild DIR      make the store anew from every results file (*.txt) under DIR
  list             the runs, one line each, in commit order [--platform P] [--branch B]
  trend -o DIR     TRENDS.md and a plot per series, change points marked [--benchmark REGEX] [--platform P]
  compare          benchstat-style table between two points (tags, commits or branches) [--platform P] [-o FILE]`

var historySubcommands = map[string]func(env Env, args []string) error{
	"import":  historyImport,
	"rebuild": historyRebuild,
	"list":    historyList,
	"trend":   historyTrend,
	"compare": historyCompare,
}

func runHistory(env Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(env.Stderr, "Usage: aegisbench history %s\n", historyUsage)
		if len(args) == 0 {
			return usageError("history: no subcommand given")
		}
		return nil
	}
	sub, ok := historySubcommands[args[0]]
	if !ok {
		return usageError("history: unknown subcommand %q (import, rebuild, list, trend, compare)", args[0])
	}
	return sub(env, args[1:])
}

// defaultStore is .aegisbench/history.db at the repository root, or in
// the working directory outside the repository.
func defaultStore() string {
	if root, err := reporoot.Find(); err == nil {
		return filepath.Join(root, history.DefaultPath)
	}
	return history.DefaultPath
}

func storeFlag(fs interface {
	String(name, value, usage string) *string
}) *string {
	return fs.String("store", defaultStore(), "the history store (SQLite `file`)")
}

func historyImport(env Env, args []string) error {
	fs := newFlagSet(env, "history import", "[--store PATH] FILE...")
	store := storeFlag(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError("history import: no results files given")
	}
	s, err := history.Open(*store)
	if err != nil {
		return err
	}
	defer s.Close()
	var failed []error
	for _, f := range files {
		imp, err := s.Import(f)
		switch {
		case err != nil:
			fmt.Fprintf(env.Stderr, "history import: %v\n", err)
			failed = append(failed, err)
		case imp.Already:
			fmt.Fprintf(env.Stdout, "already stored: %s (run %d, sha256 %s)\n", f, imp.Run.ID, imp.Run.Digest[:12])
		default:
			fmt.Fprintf(env.Stdout, "stored run %d: %s (%s, commit %s, branch %s, %d series)\n",
				imp.Run.ID, f, imp.Run.Platform, history.ShortCommit(imp.Run.Commit), imp.Run.Branch, imp.Series)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("history import: %d of %d files not stored: %w", len(failed), len(files), errors.Join(failed...))
	}
	return nil
}

func historyRebuild(env Env, args []string) error {
	fs := newFlagSet(env, "history rebuild", "[--store PATH] DIR")
	store := storeFlag(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("history rebuild: want one directory of results files")
	}
	n, err := history.Rebuild(*store, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "rebuilt %s: %d runs from %s\n", *store, n, rest[0])
	return nil
}

func historyList(env Env, args []string) error {
	fs := newFlagSet(env, "history list", "[--store PATH] [--platform P] [--branch B]")
	store := storeFlag(fs)
	platform := fs.String("platform", "", "only runs of this platform (goos-goarch)")
	branch := fs.String("branch", "", "only runs of this branch")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := history.Open(*store)
	if err != nil {
		return err
	}
	defer s.Close()
	runs, err := s.Runs(history.Filter{Platform: *platform, Branch: *branch})
	if err != nil {
		return err
	}
	for _, r := range runs {
		fmt.Fprintf(env.Stdout, "%-5d %-12s %s  %-14s %-12s %s  %s  %s\n", r.ID, history.ShortCommit(r.Commit), r.CommitDate, r.Branch, r.Platform, r.Date, r.Digest[:12], r.File)
	}
	fmt.Fprintf(env.Stderr, "%d runs\n", len(runs))
	return nil
}

// detectorFlags registers the change-point detector's settings.
func detectorFlags(fs interface {
	Float64(name string, value float64, usage string) *float64
	Int(name string, value int, usage string) *int
	Uint64(name string, value uint64, usage string) *uint64
}) func() changepoint.Options {
	d := changepoint.DefaultOptions()
	alpha := fs.Float64("alpha", d.Alpha, "change points: permutation test significance level")
	perms := fs.Int("permutations", d.Permutations, "change points: permutations of the test")
	seed := fs.Uint64("seed", d.Seed, "change points: seed of the permutations")
	return func() changepoint.Options {
		d.Alpha, d.Permutations, d.Seed = *alpha, *perms, *seed
		return d
	}
}

// openMatching compiles the --benchmark expression (nil matches all) and
// opens the store.
func openMatching(store, expr string) (*history.Store, func(string) bool, error) {
	var match func(string) bool
	if expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, nil, usageError("--benchmark: %v", err)
		}
		match = re.MatchString
	}
	s, err := history.Open(store)
	return s, match, err
}

func historyTrend(env Env, args []string) error {
	fs := newFlagSet(env, "history trend", "[--store PATH] [--benchmark REGEX] [--platform P] -o DIR")
	store := storeFlag(fs)
	expr := fs.String("benchmark", "", "only benchmarks whose full name matches this `regexp`")
	platform := fs.String("platform", "", "only this platform (goos-goarch; default all, each apart)")
	out := fs.String("o", "", "output `dir`: TRENDS.md and plots/")
	opts := detectorFlags(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("history trend: -o DIR is required")
	}
	s, match, err := openMatching(*store, *expr)
	if err != nil {
		return err
	}
	defer s.Close()
	f := history.Filter{Platform: *platform}
	runs, err := s.Runs(f)
	if err != nil {
		return err
	}
	trends, err := s.Trends(f, match, opts())
	if err != nil {
		return err
	}
	if len(trends) == 0 {
		return fmt.Errorf("history trend: no series in %s match (%d runs)", *store, len(runs))
	}
	in := reports.TrendsInput{Store: *store, Runs: runs, Trends: trends, Tags: gitTags(), Options: opts(), Filter: *expr}
	if err := reports.WriteTrends(*out, in); err != nil {
		return err
	}
	changes := 0
	for _, t := range trends {
		changes += len(t.Changes)
	}
	fmt.Fprintf(env.Stdout, "%d series over %d runs, %d change points: %s\n", len(trends), len(runs), changes, filepath.Join(*out, reports.TrendsFile))
	return nil
}

func historyCompare(env Env, args []string) error {
	fs := newFlagSet(env, "history compare", "[--store PATH] --from REF --to REF [--platform P] [--benchmark REGEX] [-o FILE]")
	store := storeFlag(fs)
	from := fs.String("from", "", "the earlier point: a tag, commit or branch")
	to := fs.String("to", "", "the later point: a tag, commit or branch")
	platform := fs.String("platform", "", "only this platform (default all, each apart)")
	expr := fs.String("benchmark", "", "only benchmarks whose full name matches this `regexp`")
	out := fs.String("o", "", "write the markdown to `file` (default: standard output)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError("history compare: --from and --to are required")
	}
	s, match, err := openMatching(*store, *expr)
	if err != nil {
		return err
	}
	defer s.Close()
	c := reports.HistoryComparison{FromRef: *from, ToRef: *to, Alpha: 0.05}
	for _, side := range []struct {
		ref string
		dst **history.Side
	}{{*from, &c.From}, {*to, &c.To}} {
		commits, err := s.Resolve(side.ref, *platform, gitRevParse)
		if err != nil {
			return fmt.Errorf("history compare: %w", err)
		}
		if *side.dst, err = s.Side(history.Filter{Platform: *platform, Commits: commits}, match); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := reports.WriteHistoryComparison(&buf, c); err != nil {
		return err
	}
	if *out == "" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	return atomicfile.WriteFileMkdirAll(*out, buf.Bytes())
}

// gitRevParse resolves a ref of the repository in the working directory
// to its full commit hash.
func gitRevParse(ref string) (string, error) {
	out, err := bench.ExecRunner{}.Run(context.Background(), bench.Command{Path: "git", Args: []string{"rev-parse", "--verify", "--quiet", ref + "^{commit}"}})
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out.Stdout)), nil
}

// gitTags maps commits of the repository in the working directory to
// their tags (none outside a repository).
func gitTags() map[string][]string {
	out, err := bench.ExecRunner{}.Run(context.Background(), bench.Command{Path: "git",
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
