package cli

import (
	"os"

	"golang.org/x/term"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/argval"
)

func init() {
	registerCommand(command{
		name:    "bench",
		summary: "run the Go, Criterion and process benchmarks into one results file (Go benchmark format)",
		run:     runBench,
	})
}

const benchUsage = `[--sizes 200,2000,20000] [--count N] [--engines go,rust-ffi,rust-cli] [--only go,criterion,hyperfine]
       [--dataset FILE]... [-o results.txt] [--profile-dir DIR] [--dry-run] [--resume FILE] [flags]

Runs, --count times and interleaved (every engine and tool once per round), the
Go benchmarks (go test -bench, one process per sample), the Criterion benches of
libaegispath (one cargo bench process per sample, its median as one result) and
whole-process timings with hyperfine (aegispaths --engine go, the paths command
built alone, against the aegispath CLI), on the realistic datasets of the
standard ladder (seed 1). --dataset files are timed as whole processes.
Everything goes into one results file with config lines (platform, versions,
commit, dataset digests) that benchstat and aegisbench report read.

By default every engine and tool whose programs are installed is used (cargo for
Rust, hyperfine for processes); one named explicitly must be available.
--dataset needs hyperfine.

SIGINT or SIGTERM stops the run: every sample taken so far is written to the
results file with the config lines "interrupted: step=K/N at STEP" and
"plan: DIGEST", the work directory is removed, and the exit status is 130 or
143. "bench --resume FILE" with the same flags continues that run at step K
and writes the whole run (the earlier samples first) to FILE, or to -o.`

func runBench(env cmdline.Env, args []string) error {
	s := benchrun.Default()
	var sizes, ciWidth string
	var datasets stringsFlag
	fs := cmdline.NewFlagSet(env, "bench", benchUsage)
	fs.StringVar(&sizes, "sizes", "200,2000,20000", "dataset sizes (findings) of the standard ladder")
	fs.IntVar(&s.Count, "count", s.Count, "samples: rounds of every benchmark, each sample a separate process")
	fs.StringVar(&s.Engines, "engines", "", "engines: go, rust-ffi, rust-cli (default: all available), go-naive, exec:COMMAND, ffi:PATH, LABEL=ENGINE")
	fs.StringVar(&s.Only, "only", "", "tools: go, criterion, hyperfine (default: all available)")
	fs.Var(&datasets, "dataset", "also time this findings `file` as whole processes (repeatable)")
	fs.StringVar(&s.Out, "o", "", "write the results to `file` (default: standard output)")
	fs.StringVar(&s.ProfileDir, "profile-dir", "", "also profile BenchmarkAttackPaths/engine=go at the largest size into `dir` (cpu.pprof, mem.pprof)")
	fs.StringVar(&s.WorkDir, "work-dir", "", "keep test binaries and built CLIs in `dir` (default: a temporary directory)")
	fs.StringVar(&s.Benchtime, "benchtime", "", "go test -benchtime for the Go benchmarks (default: Go's 1s)")
	fs.DurationVar(&s.Criterion.WarmUp, "criterion-warm-up", s.Criterion.WarmUp, "Criterion --warm-up-time (where the bench does not set its own)")
	fs.DurationVar(&s.Criterion.Measurement, "criterion-measurement", s.Criterion.Measurement, "Criterion --measurement-time (where the bench does not set its own)")
	fs.IntVar(&s.Criterion.SampleSize, "criterion-sample-size", s.Criterion.SampleSize, "Criterion --sample-size (where the bench does not set its own)")
	fs.IntVar(&s.HyperfineWarmup, "hyperfine-warmup", s.HyperfineWarmup, "hyperfine --warmup runs per invocation")
	fs.IntVar(&s.HyperfineRuns, "hyperfine-runs", s.HyperfineRuns, "hyperfine timed runs per invocation (1 also records peak RSS)")
	fs.BoolVar(&s.HyperfineSettle, "hyperfine-settle", s.HyperfineSettle, "before each hyperfine invocation (its warm-up and timed runs), put the dataset into the page cache as a read from disk leaves it (aegisbench datasets settle)")
	fs.IntVar(&s.MaxDepth, "max-depth", s.MaxDepth, "max_depth of the process runs")
	fs.IntVar(&s.TopK, "top-k", s.TopK, "top_k of the process runs")
	fs.BoolVar(&s.DryRun, "dry-run", false, "print the plan (every command, in order) and exit")
	fs.BoolVar(&s.KeepGoing, "keep-going", false, "on a failing benchmark, record it, skip its remaining samples and go on (exit 1 at the end)")
	fs.StringVar(&ciWidth, "ci-width", "", "sample each arm until the 95% CI of its medians is within ±`W` (e.g. 5%), at least --count (and 6) samples, at most --max-count")
	fs.IntVar(&s.MaxCount, "max-count", s.MaxCount, "with --ci-width: the most samples an arm gets")
	fs.StringVar(&s.Resume, "resume", "", "continue the interrupted run whose results are in `file` (same flags); -o defaults to it")
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmdline.UsageError("bench: unexpected arguments %q", rest)
	}
	if s.Sizes, err = argval.Sizes(sizes); err != nil {
		return cmdline.UsageError("bench: --sizes: %v", err)
	}
	if ciWidth != "" {
		if s.CIWidth, err = argval.Width(ciWidth); err != nil {
			return cmdline.UsageError("bench: --ci-width: %v", err)
		}
	}
	s.Datasets = datasets
	s.Progress = progressFor(env)
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	return interrupted(benchrun.Run(ctx, s, env.Stdout, env.Stderr))
}

func progressFor(env cmdline.Env) bench.Progress {
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &bench.BarProgress{W: env.Stderr}
	}
	return &bench.LogProgress{W: env.Stderr}
}
