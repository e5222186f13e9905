package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/conformrun"
	"github.com/aegisbench/aegisbench/harness/historyrun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/safeio"
	"github.com/aegisbench/aegisbench/reports"
)

func init() {
	registerCommand(command{
		name:    "run",
		summary: "the main job: ensure datasets, quick conformance, benchmarks, report",
		run:     runMainJob,
	})
}

// mainJobEngineNames are the engines the main job uses when they are available.
var mainJobEngineNames = []string{"go", "rust-ffi", "rust-cli"}

// mainJobStep is one step of the main job: a title, the equivalent
// command line (shown), and the library calls that do it.
type mainJobStep struct {
	title, command string
	do             func(ctx context.Context) error
}

// runMainJob runs, in-process: datasets ensure, conform (quick: every
// shape, the two smaller sizes, seed 1, every vector), bench and report.
// Every flag of every step is checked before the first step starts; each
// step calls its library with values (the command shown is for people).
// A step that fails stops the job; SIGINT or SIGTERM stops it after the
// running step kept what it had (exit 130/143).
func runMainJob(env Env, args []string) error {
	fs := newFlagSet(env, "run", "[--sizes 200,2000,20000] [--count 5] [-o out]")
	sizes := fs.String("sizes", "200,2000,20000", "realistic dataset sizes to benchmark")
	count := fs.Int("count", 5, "benchmark samples (separate processes) per benchmark")
	out := fs.String("o", "out", "output `dir`: results.txt, profiles/, report/ (BASELINE.md, CONFORMANCE.md, plots)")
	conformSizes := fs.String("conform-sizes", "200,2000", "sizes of the quick conformance run")
	skipBench := fs.Bool("skip-bench", false, "stop after conformance (no benchmarks, no report)")
	store := fs.String("store", defaultStore(), "history store the results are imported into (\"\": none); the report says where the run stands against the previous runs of this machine")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	// Every flag is checked here, before any dataset is generated.
	sizeList, err := argval.Sizes(*sizes)
	if err != nil {
		return usageError("run: --sizes: %v", err)
	}
	confSizes, err := argval.Sizes(*conformSizes)
	if err != nil {
		return usageError("run: --conform-sizes: %v", err)
	}
	report := filepath.Join(*out, "report")
	bs := benchrun.Default()
	bs.Sizes, bs.Count = sizeList, *count
	bs.Out, bs.ProfileDir = filepath.Join(*out, "results.txt"), filepath.Join(*out, "profiles")
	bs.Progress = progressFor(env)
	if err := bs.Check(); err != nil {
		return err
	}

	have, err := mainJobEngines(env)
	if err != nil {
		return err
	}
	bs.Engines = strings.Join(have, ",")
	var lim limitFlags
	lim.maxInput = safeio.DefaultLimit()
	suite := conformrun.Suite{
		EngineNames: have, EnginesExplicit: true, Sizes: confSizes, Shapes: generators.ShapeNames(), Seeds: []uint64{1},
		Depths: []int{engines.DefaultMaxDepth}, TopKs: []int{engines.DefaultTopK},
		Report: filepath.Join(report, "CONFORMANCE.md"), ShrinkBudget: 2 * time.Minute, Jobs: runtime.GOMAXPROCS(0),
		Timeout: 10 * time.Minute, MaxInput: lim.maxInput, LimitEngine: lim.limitEngine, Compare: conform.DefaultCompareOptions(),
	}
	suite.Args = []string{"--engines", strings.Join(have, ","), "--sizes", *conformSizes, "--shapes", "all", "--seeds", "1", "--report", suite.Report}
	maxN := slices.Max(sizeList)
	steps := []mainJobStep{
		{"datasets", fmt.Sprintf("aegisbench datasets ensure --max-findings %d", maxN), func(ctx context.Context) error {
			return mainJobDatasets(ctx, env, maxN)
		}},
		{"conformance", "aegisbench conform " + strings.Join(suite.Args, " "), func(ctx context.Context) error {
			return conformrun.Run(ctx, suite, env.Stdout, env.Stderr)
		}},
	}
	if !*skipBench {
		steps = append(steps,
			mainJobStep{"benchmarks", fmt.Sprintf("aegisbench bench --sizes %s --count %d --engines %s -o %s --profile-dir %s",
				*sizes, *count, bs.Engines, bs.Out, bs.ProfileDir), func(ctx context.Context) error {
				return benchrun.Run(ctx, bs, env.Stdout, env.Stderr)
			}})
		ra := reports.FilesReport{Files: []string{bs.Out}, Dir: report, Options: reports.Options{ProfileDir: bs.ProfileDir}, Store: *store}
		cmd := fmt.Sprintf("aegisbench report %s --profile-dir %s -o %s", bs.Out, bs.ProfileDir, report)
		if *store != "" {
			steps = append(steps, mainJobStep{"history", fmt.Sprintf("aegisbench history import --store %s %s", *store, bs.Out),
				func(ctx context.Context) error {
					return historyrun.Import(ctx, env.Stdout, env.Stderr, *store, []string{bs.Out})
				}})
			cmd += " --history-store " + *store
		}
		steps = append(steps, mainJobStep{"report", cmd, func(ctx context.Context) error { return writeReport(ctx, env, ra) }})
	}
	return runSteps(env, steps, *out, report, *skipBench)
}

// mainJobEngines are the main job's engines that this build and machine
// can run; the Go engine must be one.
func mainJobEngines(env Env) ([]string, error) {
	var have, lack []string
	for _, name := range mainJobEngineNames {
		if err := engines.Available(name); err != nil {
			lack = append(lack, fmt.Sprintf("%s (%v)", name, err))
			continue
		}
		have = append(have, name)
	}
	if len(have) == 0 || have[0] != "go" {
		return nil, errors.New("the Go engine is not available: nothing to run")
	}
	fmt.Fprintf(env.Stdout, "engines: %s\n", strings.Join(have, ", "))
	for _, l := range lack {
		fmt.Fprintf(env.Stdout, "engine not available: %s\n", l)
	}
	return have, nil
}

// mainJobDatasets ensures the manifest's datasets of at most maxN
// findings (of its generator version) in the cache.
func mainJobDatasets(ctx context.Context, env Env, maxN int) error {
	mp, err := datasets.DefaultManifestPath()
	if err != nil {
		return err
	}
	m, err := datasets.LoadManifest(mp)
	if err != nil {
		return err
	}
	cache, err := datasets.CacheDir()
	if err != nil {
		return err
	}
	entries, err := m.Select(nil, maxN)
	if err != nil {
		return err
	}
	return ensureEntries(ctx, env, entries, cache)
}

// runSteps runs the main job's steps in order, stopping at the first
// failure or interruption; an interruption names the step it stopped and
// the steps done, whose outputs are kept.
func runSteps(env Env, steps []mainJobStep, out, report string, skipBench bool) error {
	ctx, interrupted, stop := interruptible()
	defer stop()
	start := time.Now()
	var done []string
	for i, s := range steps {
		fmt.Fprintf(env.Stdout, "\n== step %d/%d: %s: %s\n", i+1, len(steps), s.title, s.command)
		t0 := time.Now()
		err := s.do(ctx)
		if ctx.Err() != nil {
			if err == nil {
				err = ctx.Err()
			}
			return interrupted(fmt.Errorf("main job interrupted in step %d/%d %q (steps done, their outputs kept: %s): %w",
				i+1, len(steps), s.title, doneList(done), err))
		}
		if err != nil {
			return interrupted(fmt.Errorf("main job step %q failed: %w", s.title, err))
		}
		done = append(done, s.title)
		fmt.Fprintf(env.Stdout, "== %s done in %s\n", s.title, time.Since(t0).Round(time.Second))
	}
	fmt.Fprintf(env.Stdout, "\nmain job done in %s\n", time.Since(start).Round(time.Second))
	fmt.Fprintf(env.Stdout, "conformance report: %s\n", filepath.Join(report, "CONFORMANCE.md"))
	if !skipBench {
		fmt.Fprintf(env.Stdout, "baseline report:    %s (plots in %s)\n", filepath.Join(report, "BASELINE.md"), filepath.Join(report, "plots"))
		fmt.Fprintf(env.Stdout, "results file:       %s (benchstat %s)\n", filepath.Join(out, "results.txt"), filepath.Join(out, "results.txt"))
	}
	return nil
}

// doneList lists the steps done, or says there were none.
func doneList(done []string) string {
	if len(done) == 0 {
		return "none"
	}
	return strings.Join(done, ", ")
}
