package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/term"

	"github.com/aegisbench/aegisbench/datasets"
	engspec "github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/safeio"
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
whole-process timings with hyperfine (aegisbench paths --engine go against the
aegispath CLI), on the realistic datasets of the standard ladder (seed 1).
--dataset files are timed as whole processes. Everything goes into one results
file with config lines (platform, versions, commit, dataset digests) that
benchstat and aegisbench report read.

By default every engine and tool whose programs are installed is used (cargo for
Rust, hyperfine for processes); one named explicitly must be available.
--dataset needs hyperfine.

SIGINT or SIGTERM stops the run: every sample taken so far is written to the
results file with the config lines "interrupted: step=K/N at STEP" and
"plan: DIGEST", the work directory is removed, and the exit status is 130 or
143. "bench --resume FILE" with the same flags continues that run at step K
and writes the whole run (the earlier samples first) to FILE, or to -o.`

type benchFlags struct {
	sizes, engines, only, out, profileDir, workDir, benchtime string
	datasets                                                  stringsFlag
	count, maxDepth, topK                                     int
	critWarmUp, critMeasure                                   time.Duration
	critSamples, hfWarmup, hfRuns                             int
	dryRun, keepGoing                                         bool
	resume, ciWidth                                           string
	maxCount                                                  int
}

// defaultBenchFlags are bench's defaults (the main job starts from them).
func defaultBenchFlags() benchFlags {
	def := bench.DefaultConfig()
	return benchFlags{sizes: "200,2000,20000", count: def.Count, critWarmUp: def.Criterion.WarmUp, critMeasure: def.Criterion.Measurement,
		critSamples: def.Criterion.SampleSize, hfWarmup: def.Hyperfine.Warmup, hfRuns: def.Hyperfine.Runs,
		maxDepth: def.MaxDepth, topK: def.TopK, maxCount: 30}
}

func runBench(env Env, args []string) error {
	def := bench.DefaultConfig()
	var f benchFlags
	fs := newFlagSet(env, "bench", benchUsage)
	fs.StringVar(&f.sizes, "sizes", "200,2000,20000", "dataset sizes (findings) of the standard ladder")
	fs.IntVar(&f.count, "count", def.Count, "samples: rounds of every benchmark, each sample a separate process")
	fs.StringVar(&f.engines, "engines", "", "engines: go, rust-ffi, rust-cli (default: all available), go-naive, exec:COMMAND, ffi:PATH, LABEL=ENGINE")
	fs.StringVar(&f.only, "only", "", "tools: go, criterion, hyperfine (default: all available)")
	fs.Var(&f.datasets, "dataset", "also time this findings `file` as whole processes (repeatable)")
	fs.StringVar(&f.out, "o", "", "write the results to `file` (default: standard output)")
	fs.StringVar(&f.profileDir, "profile-dir", "", "also profile BenchmarkAttackPaths/engine=go at the largest size into `dir` (cpu.pprof, mem.pprof)")
	fs.StringVar(&f.workDir, "work-dir", "", "keep test binaries and built CLIs in `dir` (default: a temporary directory)")
	fs.StringVar(&f.benchtime, "benchtime", "", "go test -benchtime for the Go benchmarks (default: Go's 1s)")
	fs.DurationVar(&f.critWarmUp, "criterion-warm-up", def.Criterion.WarmUp, "Criterion --warm-up-time (where the bench does not set its own)")
	fs.DurationVar(&f.critMeasure, "criterion-measurement", def.Criterion.Measurement, "Criterion --measurement-time (where the bench does not set its own)")
	fs.IntVar(&f.critSamples, "criterion-sample-size", def.Criterion.SampleSize, "Criterion --sample-size (where the bench does not set its own)")
	fs.IntVar(&f.hfWarmup, "hyperfine-warmup", def.Hyperfine.Warmup, "hyperfine --warmup runs per invocation")
	fs.IntVar(&f.hfRuns, "hyperfine-runs", def.Hyperfine.Runs, "hyperfine timed runs per invocation (1 also records peak RSS)")
	fs.IntVar(&f.maxDepth, "max-depth", def.MaxDepth, "max_depth of the process runs")
	fs.IntVar(&f.topK, "top-k", def.TopK, "top_k of the process runs")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the plan (every command, in order) and exit")
	fs.BoolVar(&f.keepGoing, "keep-going", false, "on a failing benchmark, record it, skip its remaining samples and go on (exit 1 at the end)")
	fs.StringVar(&f.ciWidth, "ci-width", "", "sample each arm until the 95% CI of its medians is within ±`W` (e.g. 5%), at least --count (and 6) samples, at most --max-count")
	fs.IntVar(&f.maxCount, "max-count", 30, "with --ci-width: the most samples an arm gets")
	fs.StringVar(&f.resume, "resume", "", "continue the interrupted run whose results are in `file` (same flags); -o defaults to it")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("bench: unexpected arguments %q", rest)
	}
	return f.run(env)
}

// run is the benchmark run the flags ask for (checked first). Long: its
// steps in order, each a few lines sharing cfg, plan and the interrupt hook.
func (f benchFlags) run(env Env) error {
	if err := f.check(); err != nil {
		return err
	}
	var err error
	var resume *bench.Resume
	if f.resume != "" {
		if resume, err = bench.ReadResume(f.resume); err != nil {
			return &ExitError{Code: 1, Err: fmt.Errorf("bench: --resume: %w", err)}
		}
		if f.out == "" {
			f.out = f.resume
		}
	}
	cfg, precision := f.config()
	var skipped []string
	if cfg.Engines, cfg.Tools, skipped, err = selectBenchTargets(f.engines, f.only, cfg.Programs, exec.LookPath); err != nil {
		return usageError("bench: %v", err)
	}
	if len(f.datasets) > 0 && !slices.Contains(cfg.Tools, bench.ToolHyperfine) {
		return usageError("bench: --dataset files are timed as whole processes by hyperfine, which this run does not use (%s): install hyperfine or drop --dataset",
			strings.Join(skipped, "; "))
	}
	for _, s := range skipped {
		fmt.Fprintf(env.Stderr, "bench: skipping %s\n", s)
	}
	if cfg.Root, err = reporoot.Find(); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	var cleanup func()
	if cfg.WorkDir, cleanup, err = f.makeWorkDir(); err != nil {
		return err
	}
	defer cleanup()
	if cfg.Standard, err = standardDatasets(cfg.Sizes, f.dryRun); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	for _, path := range f.datasets {
		d, err := userDataset(path, f.dryRun)
		if err != nil {
			return fmt.Errorf("bench: --dataset %w", err)
		}
		cfg.Extra = append(cfg.Extra, d)
	}
	given := cfg.Engines
	if cfg.Engines, err = bench.ResolveEngines(given); err != nil {
		return usageError("bench: --engines: %v", err)
	}
	plan, err := bench.NewPlan(cfg)
	if err != nil {
		return usageError("bench: %v", err)
	}
	engineInfo, err := bench.DescribeEngines(given)
	if err != nil {
		return &ExitError{Code: 1, Err: fmt.Errorf("bench: %w", err)}
	}
	if f.dryRun {
		for _, s := range plan.Steps {
			fmt.Fprintln(env.Stdout, s)
		}
		return nil
	}
	if resume != nil {
		if err := resume.Check(plan); err != nil {
			return usageError("bench: --resume: %v", err)
		}
	}

	ctx, interrupted, stop := interruptible()
	defer stop()
	runner := bench.ExecRunner{}
	platform := bench.DetectPlatform(ctx, runner, cfg.Root, cfg.Programs, time.Now())
	opt := bench.Options{KeepGoing: f.keepGoing, Progress: progressFor(env), Resume: resume, Precision: precision}
	start := time.Now()
	res, runErr := bench.Execute(ctx, plan, runner, opt)
	if res == nil {
		return interrupted(fmt.Errorf("bench: %w", runErr))
	}
	var ciNote string
	if precision != nil {
		ciNote = res.PrecisionNote(*precision)
		fmt.Fprintln(env.Stderr, "bench:", ciNote)
	}
	header := resultsHeader(platform, cfg, plan, engineInfo, resume, ciNote, res, skipped)
	if runErr == nil { // what the engines answered on each dataset
		outs, err := bench.OutputConfigs(ctx, cfg)
		if err != nil {
			return interrupted(fmt.Errorf("bench: %w", err))
		}
		header = append(header, outs...)
	}
	if err := f.writeResults(env, header, res, start); err != nil {
		return err
	}
	if runErr != nil {
		return interrupted(fmt.Errorf("bench: %w", runErr))
	}
	return nil
}

// config is the benchmark configuration the flags set over the default,
// and the precision goal of --ci-width (nil without it). The flags were checked.
func (f benchFlags) config() (bench.Config, *bench.Precision) {
	cfg := bench.DefaultConfig()
	cfg.Count = f.count
	var precision *bench.Precision
	if f.ciWidth != "" {
		w, _ := parseWidth(f.ciWidth) // checked by f.check
		precision = &bench.Precision{Width: w, MinRounds: max(f.count, 6)}
		cfg.Count = f.maxCount
	}
	cfg.Benchtime = f.benchtime
	cfg.Criterion = bench.CriterionSettings{WarmUp: f.critWarmUp, Measurement: f.critMeasure, SampleSize: f.critSamples}
	cfg.Hyperfine = bench.HyperfineSettings{Warmup: f.hfWarmup, Runs: f.hfRuns, Stages: cfg.Hyperfine.Stages}
	cfg.MaxDepth, cfg.TopK = f.maxDepth, f.topK
	cfg.ProfileDir = f.profileDir
	cfg.Sizes, _ = argval.Sizes(f.sizes) // checked by f.check
	return cfg, precision
}

// resultsHeader is the results file's configuration: platform, datasets,
// settings, plan, engines, then resumed/ci-width/interrupted/skipped/failed.
func resultsHeader(platform bench.Platform, cfg bench.Config, plan *bench.Plan, engineInfo []bench.EngineInfo,
	resume *bench.Resume, ciNote string, res *bench.Results, skipped []string) []benchfmt.Config {
	header := platform.Config(append(slices.Clone(cfg.Standard), cfg.Extra...)...)
	header = append(header, benchfmt.Config{Key: "bench", Value: []byte(benchSettings(cfg)), File: true},
		benchfmt.Config{Key: bench.ConfigPlan, Value: []byte(plan.PlanDigest()), File: true})
	for _, e := range engineInfo {
		header = append(header, e.Config())
	}
	if resume != nil {
		header = append(header, benchfmt.Config{Key: bench.ConfigResumed, Value: []byte(fmt.Sprintf("%d samples from %s, continued at step %d", len(resume.Measurements), resume.Path, resume.Step)), File: true})
	}
	if ciNote != "" {
		header = append(header, benchfmt.Config{Key: "note-ci-width", Value: []byte(ciNote), File: true})
	}
	if res.Interrupted != nil {
		header = append(header, benchfmt.Config{Key: bench.ConfigInterrupted, Value: []byte(res.Interrupted.String()), File: true})
	}
	if len(skipped) > 0 {
		header = append(header, benchfmt.Config{Key: "skipped", Value: []byte(strings.Join(skipped, "; ")), File: true})
	}
	if len(res.Failures) > 0 {
		var fails []string
		for _, fl := range res.Failures {
			fails = append(fails, fl.String())
		}
		header = append(header, benchfmt.Config{Key: "failed", Value: []byte(strings.Join(fails, "; ")), File: true})
	}
	return header
}

// makeWorkDir returns the absolute work directory: --work-dir, or a new
// temporary one that cleanup removes (only a name for --dry-run).
func (f benchFlags) makeWorkDir() (dir string, cleanup func(), err error) {
	cleanup = func() {}
	switch {
	case f.workDir != "":
		dir, err = filepath.Abs(f.workDir)
	case f.dryRun:
		dir = filepath.Join(os.TempDir(), "aegisbench-bench-WORK")
	default:
		if dir, err = os.MkdirTemp("", "aegisbench-bench-"); err == nil {
			cleanup = func() { os.RemoveAll(dir) }
		}
	}
	return dir, cleanup, err
}

// writeResults writes the results to -o (or stdout) and says on stderr how
// many there are and, when interrupted, how to continue.
func (f benchFlags) writeResults(env Env, header []benchfmt.Config, res *bench.Results, start time.Time) error {
	if f.out == "" {
		if err := bench.WriteResults(env.Stdout, header, res.Measurements); err != nil {
			return err
		}
	} else if err := bench.WriteResultsFile(f.out, header, res.Measurements); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintf(env.Stderr, "bench: %d results in %s", len(res.Measurements), time.Since(start).Round(time.Second))
	if f.out != "" {
		fmt.Fprintf(env.Stderr, " -> %s", f.out)
	}
	fmt.Fprintln(env.Stderr)
	if res.Interrupted != nil && f.out != "" {
		fmt.Fprintf(env.Stderr, "bench: interrupted; continue with: aegisbench bench --resume %s (and the same flags)\n", f.out)
	}
	return nil
}

// Upper bounds of bench's counts, checked before anything is planned.
const (
	maxBenchCount = 10000
	maxRuns       = 1000
)

// check validates every flag before any dataset is generated or anything
// built.
func (f *benchFlags) check() error {
	if _, err := argval.Sizes(f.sizes); err != nil {
		return usageError("bench: --sizes: %v", err)
	}
	for _, c := range []struct {
		flag      string
		v, lo, hi int
	}{
		{"--count", f.count, 1, maxBenchCount},
		{"--criterion-sample-size", f.critSamples, 10, maxRuns * 10},
		{"--hyperfine-warmup", f.hfWarmup, 0, maxRuns},
		{"--hyperfine-runs", f.hfRuns, 1, maxRuns},
	} {
		if err := argval.InRange(c.flag, c.v, c.lo, c.hi); err != nil {
			return usageError("bench: %v", err)
		}
	}
	if err := argval.Distinct(f.datasets); err != nil {
		return usageError("bench: --dataset: %v", err)
	}
	if f.ciWidth != "" {
		if _, err := parseWidth(f.ciWidth); err != nil {
			return usageError("bench: --ci-width: %v", err)
		}
		if err := argval.InRange("--max-count", f.maxCount, max(f.count, 6), maxBenchCount); err != nil {
			return usageError("bench: %v (at least --count and 6, the fewest samples with a 95%% CI of the median)", err)
		}
		if f.resume != "" {
			return usageError("bench: --ci-width and --resume cannot be combined (the samples' arms are not in the results file)")
		}
	}
	var ins []safeio.File
	for _, d := range f.datasets {
		ins = append(ins, safeio.File{Flag: "--dataset", Path: d})
	}
	return distinctFiles("bench", ins, []safeio.File{{Flag: "-o", Path: f.out}})
}

// parseWidth parses a relative width: "5%" or "0.05", in (0, 1).
func parseWidth(s string) (float64, error) {
	v, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	w, err := strconv.ParseFloat(v, 64)
	if pct {
		w /= 100
	}
	if err != nil || !(w > 0 && w < 1) {
		return 0, fmt.Errorf("%q is not a width such as 5%% or 0.05", s)
	}
	return w, nil
}

// benchSettings is the "bench:" config line: how the samples were taken.
func benchSettings(cfg bench.Config) string {
	s := fmt.Sprintf("count=%d tools=%s engines=%s", cfg.Count, strings.Join(cfg.Tools, ","), strings.Join(cfg.Engines, ","))
	if cfg.Benchtime != "" {
		s += " benchtime=" + cfg.Benchtime
	}
	if slices.Contains(cfg.Tools, bench.ToolHyperfine) {
		s += fmt.Sprintf(" hyperfine-warmup=%d hyperfine-runs=%d", cfg.Hyperfine.Warmup, cfg.Hyperfine.Runs)
	}
	return s
}

func progressFor(env Env) bench.Progress {
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &bench.BarProgress{W: env.Stderr}
	}
	return &bench.LogProgress{W: env.Stderr}
}

// selectBenchTargets resolves --engines and --only. Empty means every
// built-in engine or tool whose programs are found (the others are
// returned as skipped, with the reason); a named one must be available.
// --engines also takes any engine a command accepts (go-naive,
// exec:COMMAND, ffi:PATH, LABEL=ENGINE); the plan checks them.
func selectBenchTargets(engines, only string, progs bench.Programs, lookPath func(string) (string, error)) (eng, tools, skipped []string, err error) {
	have := func(p string) bool { _, err := lookPath(p); return err == nil }
	needs := map[string]string{
		bench.EngineRustFFI: progs.Cargo, bench.EngineRustCLI: progs.Cargo,
		bench.ToolCriterion: progs.Cargo, bench.ToolHyperfine: progs.Hyperfine, bench.ToolGo: progs.Go,
	}
	// need names the program an engine beyond the built-in ones needs:
	// hyperfine for exec:COMMAND (whole processes), go otherwise.
	need := func(v string) string {
		if p, ok := needs[v]; ok {
			return p
		}
		if sp, err := engspec.ParseSpec(v); err == nil && sp.Kind == "exec" {
			return progs.Hyperfine
		}
		return progs.Go
	}
	pick := func(flag, value string, all []string) ([]string, error) {
		if value != "" {
			list := splitList(value)
			for _, v := range list {
				if flag == "only" && !slices.Contains(all, v) {
					return nil, fmt.Errorf("--%s: unknown %q (known: %s)", flag, v, strings.Join(all, ", "))
				}
				if p := need(v); p != "" && !have(p) {
					return nil, fmt.Errorf("--%s %s needs %s, which is not installed", flag, v, p)
				}
			}
			return list, nil
		}
		var out []string
		for _, v := range all {
			if p := need(v); p != "" && !have(p) {
				skipped = append(skipped, fmt.Sprintf("%s (%s not found)", v, p))
				continue
			}
			out = append(out, v)
		}
		return out, nil
	}
	if eng, err = pick("engines", engines, bench.AllEngines); err != nil {
		return nil, nil, nil, err
	}
	if tools, err = pick("only", only, bench.AllTools); err != nil {
		return nil, nil, nil, err
	}
	return eng, tools, skipped, nil
}

// standardDatasets resolves the realistic seed-1 dataset of every size,
// generating missing ones into the cache (a dry run only names them). The
// digest is the manifest's for listed datasets (Ensure verified it), else
// the file's.
func standardDatasets(sizes []int, dry bool) ([]bench.Dataset, error) {
	cache, err := datasets.CacheDir()
	if err != nil {
		return nil, err
	}
	var manifest *datasets.Manifest
	if mp, err := datasets.DefaultManifestPath(); err == nil {
		manifest, _ = datasets.LoadManifest(mp)
	}
	version := generators.DefaultVersion
	if manifest != nil {
		version = manifest.Version()
	}
	var out []bench.Dataset
	for _, n := range sizes {
		e := datasets.NewEntry(generators.DefaultShape, n, datasets.StandardSeed, version)
		if manifest != nil {
			if listed, ok := manifest.Lookup(e.Shape, n, e.Seed); ok {
				e = listed
			}
		}
		d := bench.Dataset{Name: e.Name, Path: filepath.Join(cache, e.FileName()), Findings: n, Bytes: e.Bytes, SHA256: e.SHA256}
		if dry {
			if d.SHA256 == "" {
				d.SHA256 = "unknown"
			}
			out = append(out, d)
			continue
		}
		if d.Path, err = datasets.EnsureStandard(e.Shape, n, e.Seed); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", e.Name, err)
		}
		if d.SHA256 == "" {
			if d.Bytes, d.SHA256, err = datasets.HashFile(d.Path); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// userDataset describes a --dataset file: its digest and its number of
// findings (the elements of its top-level array).
func userDataset(path string, dry bool) (bench.Dataset, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return bench.Dataset{}, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	d := bench.Dataset{Name: name, Path: abs, SHA256: "unknown"}
	if dry {
		return d, nil
	}
	info, err := describeDataset(abs)
	if err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	d.Bytes, d.SHA256, d.Findings, d.Profile = info.Bytes, info.SHA256, info.Findings, info.ProfileSummary
	if d.Findings == 0 {
		return d, fmt.Errorf("%s: no findings", path)
	}
	return d, nil
}
