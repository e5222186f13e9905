// Package benchrun is a benchmark run as the bench command and the main
// job use it: it checks the settings, selects the engines and tools this
// machine can run, resolves the standard and --dataset datasets, plans
// the run (harness/bench), prints the plan or executes it, and writes the
// results file with its configuration header. An interrupted run keeps
// every sample taken so far and says how to resume it. The command line
// only parses flags into Settings.
package benchrun

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/safeio"
	"github.com/aegisbench/aegisbench/internal/usage"
)

// Settings are what a benchmark run does: bench's flags as values.
type Settings struct {
	Sizes []int // the standard ladder's sizes (findings)
	Count int   // samples (rounds); with CIWidth, the fewest
	// Engines and Only are the comma-separated lists of --engines and
	// --only as given; "" is every built-in engine or tool available.
	Engines, Only string
	Datasets      []string // --dataset files, timed as whole processes
	Out           string   // the results file; "" writes to the standard output
	ProfileDir    string   // "" for no profiles
	WorkDir       string   // "" for a temporary one, removed at the end
	Benchtime     string   // go test -benchtime; "" for Go's default
	Criterion     bench.CriterionSettings
	// HyperfineWarmup and HyperfineRuns are hyperfine's --warmup and --runs.
	HyperfineWarmup, HyperfineRuns int
	// HyperfineSettle settles each dataset before each hyperfine
	// invocation (see bench.HyperfineSettings.Settle).
	HyperfineSettle bool
	MaxDepth, TopK  int
	DryRun          bool // print the plan, run nothing
	KeepGoing       bool // record a failing benchmark and go on
	// CIWidth, when > 0, samples each arm until its 95% CI is within
	// ±CIWidth (relative), at most MaxCount samples.
	CIWidth  float64
	MaxCount int
	Resume   string         // the results file of the interrupted run to continue
	Progress bench.Progress // nil: no progress
}

// Default is bench's default settings.
func Default() Settings {
	def := bench.DefaultConfig()
	return Settings{Sizes: []int{200, 2000, 20000}, Count: def.Count, Criterion: def.Criterion,
		HyperfineWarmup: def.Hyperfine.Warmup, HyperfineRuns: def.Hyperfine.Runs, HyperfineSettle: def.Hyperfine.Settle,
		MaxDepth: def.MaxDepth, TopK: def.TopK, MaxCount: 30}
}

// Upper bounds of the counts, checked before anything is planned:
// MaxCount of samples (--count, --max-count; the gate's --count too),
// maxRuns of hyperfine runs.
const (
	MaxCount = 10000
	maxRuns  = 1000
)

// Check validates the settings before any dataset is generated or
// anything built: every error is a usage error.
func (s *Settings) Check() error {
	for _, c := range []struct {
		flag      string
		v, lo, hi int
	}{
		{"--count", s.Count, 1, MaxCount},
		{"--criterion-sample-size", s.Criterion.SampleSize, 10, maxRuns * 10},
		{"--hyperfine-warmup", s.HyperfineWarmup, 0, maxRuns},
		{"--hyperfine-runs", s.HyperfineRuns, 1, maxRuns},
	} {
		if err := argval.InRange(c.flag, c.v, c.lo, c.hi); err != nil {
			return usage.Errorf("bench: %v", err)
		}
	}
	if err := argval.Distinct(s.Datasets); err != nil {
		return usage.Errorf("bench: --dataset: %v", err)
	}
	if s.CIWidth != 0 {
		if err := argval.InRange("--max-count", s.MaxCount, max(s.Count, 6), MaxCount); err != nil {
			return usage.Errorf("bench: %v (at least --count and 6, the fewest samples with a 95%% CI of the median)", err)
		}
		if s.Resume != "" {
			return usage.Errorf("bench: --ci-width and --resume cannot be combined (the samples' arms are not in the results file)")
		}
	}
	var ins []safeio.File
	for _, d := range s.Datasets {
		ins = append(ins, safeio.File{Flag: "--dataset", Path: d})
	}
	if err := safeio.DistinctFiles(ins, []safeio.File{{Flag: "-o", Path: s.Out}}); err != nil {
		return usage.Errorf("bench: %v", err)
	}
	return nil
}

// Run checks s, plans the run and prints the plan (DryRun) or executes it
// under ctx, writing the results to s.Out or stdout and notes to stderr.
// Usage errors are *usage.Error. When ctx ends the samples taken so far
// are written with the "interrupted" config line and Run returns the
// run's error (wrapping ctx's); a failing benchmark under KeepGoing is
// recorded and returned at the end.
func Run(ctx context.Context, s Settings, stdout, stderr io.Writer) error {
	if err := s.Check(); err != nil {
		return err
	}
	var resume *bench.Resume
	if s.Resume != "" {
		var err error
		if resume, err = bench.ReadResume(s.Resume); err != nil {
			return fmt.Errorf("bench: --resume: %w", err)
		}
		if s.Out == "" {
			s.Out = s.Resume
		}
	}
	r, cleanup, err := s.prepare(stderr)
	defer cleanup()
	if err != nil {
		return err
	}
	if s.DryRun {
		for _, step := range r.plan.Steps {
			fmt.Fprintln(stdout, step)
		}
		return nil
	}
	if resume != nil {
		if err := resume.Check(r.plan); err != nil {
			return usage.Errorf("bench: --resume: %v", err)
		}
		r.resume = resume
	}
	return s.execute(ctx, r, stdout, stderr)
}

// run is a planned run: its configuration, plan, engines and what it
// skipped.
type run struct {
	cfg        bench.Config
	plan       *bench.Plan
	engineInfo []bench.EngineInfo
	precision  *bench.Precision
	skipped    []string
	resume     *bench.Resume
}

// prepare selects the engines and tools, resolves the datasets and plans
// the run. cleanup removes a temporary work directory (always callable).
func (s Settings) prepare(stderr io.Writer) (r *run, cleanup func(), err error) {
	cleanup = func() {}
	r = &run{}
	r.cfg, r.precision = s.config()
	cfg := &r.cfg
	if cfg.Engines, cfg.Tools, r.skipped, err = SelectTargets(s.Engines, s.Only, cfg.Programs, exec.LookPath); err != nil {
		return nil, cleanup, usage.Errorf("bench: %v", err)
	}
	if len(s.Datasets) > 0 && !slices.Contains(cfg.Tools, bench.ToolHyperfine) {
		return nil, cleanup, usage.Errorf("bench: --dataset files are timed as whole processes by hyperfine, which this run does not use (%s): install hyperfine or drop --dataset",
			strings.Join(r.skipped, "; "))
	}
	for _, sk := range r.skipped {
		fmt.Fprintf(stderr, "bench: skipping %s\n", sk)
	}
	if cfg.Root, err = reporoot.Find(); err != nil {
		return nil, cleanup, fmt.Errorf("bench: %w", err)
	}
	if cfg.WorkDir, cleanup, err = workDir(s.WorkDir, s.DryRun); err != nil {
		return nil, func() {}, err
	}
	if cfg.Standard, err = StandardDatasets(cfg.Sizes, s.DryRun); err != nil {
		return nil, cleanup, fmt.Errorf("bench: %w", err)
	}
	for _, path := range s.Datasets {
		d, err := UserDataset(path, s.DryRun)
		if err != nil {
			return nil, cleanup, fmt.Errorf("bench: --dataset %w", err)
		}
		cfg.Extra = append(cfg.Extra, d)
	}
	given := cfg.Engines
	if cfg.Engines, err = bench.ResolveEngines(given); err != nil {
		return nil, cleanup, usage.Errorf("bench: --engines: %v", err)
	}
	if r.plan, err = bench.NewPlan(*cfg); err != nil {
		return nil, cleanup, usage.Errorf("bench: %v", err)
	}
	if r.engineInfo, err = bench.DescribeEngines(given); err != nil {
		return nil, cleanup, fmt.Errorf("bench: %w", err)
	}
	return r, cleanup, nil
}

// execute runs the plan and writes its results, also when interrupted.
func (s Settings) execute(ctx context.Context, r *run, stdout, stderr io.Writer) error {
	runner := bench.ExecRunner{}
	platform := bench.DetectPlatform(ctx, runner, r.cfg.Root, r.cfg.Programs, time.Now())
	opt := bench.Options{KeepGoing: s.KeepGoing, Progress: s.Progress, Resume: r.resume, Precision: r.precision}
	start := time.Now()
	res, runErr := bench.Execute(ctx, r.plan, runner, opt)
	if res == nil {
		return fmt.Errorf("bench: %w", runErr)
	}
	var ciNote string
	if r.precision != nil {
		ciNote = res.PrecisionNote(*r.precision)
		fmt.Fprintln(stderr, "bench:", ciNote)
	}
	header := Header(platform, r.cfg, r.plan, r.engineInfo, r.resume, ciNote, res, r.skipped)
	if runErr == nil { // what the engines answered on each dataset
		outs, err := bench.OutputConfigs(ctx, r.cfg)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		header = append(header, outs...)
	}
	if err := writeResults(stdout, stderr, s.Out, header, res, start); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("bench: %w", runErr)
	}
	return nil
}

// config is the benchmark configuration s sets over the default, and the
// precision goal of CIWidth (nil without it).
func (s Settings) config() (bench.Config, *bench.Precision) {
	cfg := bench.DefaultConfig()
	cfg.Count = s.Count
	var precision *bench.Precision
	if s.CIWidth != 0 {
		precision = &bench.Precision{Width: s.CIWidth, MinRounds: max(s.Count, 6)}
		cfg.Count = s.MaxCount
	}
	cfg.Benchtime = s.Benchtime
	cfg.Criterion = s.Criterion
	cfg.Hyperfine = bench.HyperfineSettings{Warmup: s.HyperfineWarmup, Runs: s.HyperfineRuns, Stages: cfg.Hyperfine.Stages, Settle: s.HyperfineSettle}
	cfg.MaxDepth, cfg.TopK = s.MaxDepth, s.TopK
	cfg.ProfileDir = s.ProfileDir
	cfg.Sizes = s.Sizes
	return cfg, precision
}
