package cli

import (
	"fmt"
	"path/filepath"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/harness/historyrun"
	"github.com/aegisbench/aegisbench/internal/reporoot"
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

var historySubcommands = map[string]func(env cmdline.Env, args []string) error{
	"import":  historyImport,
	"rebuild": historyRebuild,
	"list":    historyList,
	"trend":   historyTrend,
	"compare": historyCompare,
}

func runHistory(env cmdline.Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(env.Stderr, "Usage: aegisbench history %s\n", historyUsage)
		if len(args) == 0 {
			return cmdline.UsageError("history: no subcommand given")
		}
		return nil
	}
	sub, ok := historySubcommands[args[0]]
	if !ok {
		return cmdline.UsageError("history: unknown subcommand %q (import, rebuild, list, trend, compare)", args[0])
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

func historyImport(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "history import", "[--store PATH] FILE...")
	store := storeFlag(fs)
	files, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return cmdline.UsageError("history import: no results files given")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	return interrupted(historyrun.Import(ctx, env.Stdout, env.Stderr, *store, files))
}

func historyRebuild(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "history rebuild", "[--store PATH] DIR")
	store := storeFlag(fs)
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return cmdline.UsageError("history rebuild: want one directory of results files")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	n, err := history.Rebuild(ctx, *store, rest[0])
	if err != nil {
		return interrupted(err)
	}
	fmt.Fprintf(env.Stdout, "rebuilt %s: %d runs from %s\n", *store, n, rest[0])
	return nil
}

func historyList(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "history list", "[--store PATH] [--platform P] [--branch B]")
	store := storeFlag(fs)
	platform := fs.String("platform", "", "only runs of this platform (goos-goarch)")
	branch := fs.String("branch", "", "only runs of this branch")
	if _, err := cmdline.ParseFlags(fs, args); err != nil {
		return err
	}
	return historyrun.List(env.Stdout, env.Stderr, *store, history.Filter{Platform: *platform, Branch: *branch})
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

func historyTrend(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "history trend", "[--store PATH] [--benchmark REGEX] [--platform P] -o DIR")
	store := storeFlag(fs)
	expr := fs.String("benchmark", "", "only benchmarks whose full name matches this `regexp`")
	platform := fs.String("platform", "", "only this platform (goos-goarch; default all, each apart)")
	out := fs.String("o", "", "output `dir`: TRENDS.md and plots/")
	opts := detectorFlags(fs)
	if _, err := cmdline.ParseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return cmdline.UsageError("history trend: -o DIR is required")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	t := historyrun.Trend{Store: *store, Benchmark: *expr, Platform: *platform, Dir: *out, Options: opts()}
	return interrupted(historyrun.WriteTrend(ctx, env.Stdout, t))
}

func historyCompare(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "history compare", "[--store PATH] --from REF --to REF [--platform P] [--benchmark REGEX] [-o FILE]")
	store := storeFlag(fs)
	from := fs.String("from", "", "the earlier point: a tag, commit or branch")
	to := fs.String("to", "", "the later point: a tag, commit or branch")
	platform := fs.String("platform", "", "only this platform (default all, each apart)")
	expr := fs.String("benchmark", "", "only benchmarks whose full name matches this `regexp`")
	out := fs.String("o", "", "write the markdown to `file` (default: standard output)")
	if _, err := cmdline.ParseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return cmdline.UsageError("history compare: --from and --to are required")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	c := historyrun.Compare{Store: *store, From: *from, To: *to, Platform: *platform, Benchmark: *expr, Out: *out}
	return interrupted(historyrun.WriteCompare(ctx, env.Stdout, c))
}
