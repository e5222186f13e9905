package cli

import (
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/mainjob"
	"github.com/aegisbench/aegisbench/internal/argval"
)

func init() {
	registerCommand(command{
		name:    "run",
		summary: "the main job: ensure datasets, quick conformance, benchmarks, report",
		run:     runMainJob,
	})
}

// runMainJob runs, in-process, the main job (harness/mainjob): datasets
// ensure, conform (quick: every shape, the two smaller sizes, seed 1,
// every vector), bench and report. Every flag of every step is checked
// before the first step starts. A step that fails stops the job; SIGINT
// or SIGTERM stops it after the running step kept what it had (exit
// 130/143).
func runMainJob(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "run", "[--sizes 200,2000,20000] [--count 5] [-o out]")
	sizes := fs.String("sizes", "200,2000,20000", "realistic dataset sizes to benchmark")
	count := fs.Int("count", 5, "benchmark samples (separate processes) per benchmark")
	out := fs.String("o", "out", "output `dir`: results.txt, profiles/, report/ (BASELINE.md, CONFORMANCE.md, plots)")
	conformSizes := fs.String("conform-sizes", "200,2000", "sizes of the quick conformance run")
	skipBench := fs.Bool("skip-bench", false, "stop after conformance (no benchmarks, no report)")
	store := fs.String("store", defaultStore(), "history store the results are imported into (\"\": none); the report says where the run stands against the previous runs of this machine")
	if _, err := cmdline.ParseFlags(fs, args); err != nil {
		return err
	}
	s := mainjob.Settings{Count: *count, Out: *out, SkipBench: *skipBench, Store: *store,
		DatasetProgress: datasetProgress(env), BenchProgress: progressFor(env)}
	var err error
	if s.Sizes, err = argval.Sizes(*sizes); err != nil {
		return cmdline.UsageError("run: --sizes: %v", err)
	}
	if s.ConformSizes, err = argval.Sizes(*conformSizes); err != nil {
		return cmdline.UsageError("run: --conform-sizes: %v", err)
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	return interrupted(mainjob.Run(ctx, env.Stdout, env.Stderr, s))
}
