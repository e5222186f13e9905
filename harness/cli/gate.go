package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/ffiengine"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/calibrate"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/instructions"
	"github.com/aegisbench/aegisbench/harness/refrun"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/safeio"
	"github.com/aegisbench/aegisbench/reports"
)

func init() {
	registerCommand(command{
		name:    "gate",
		summary: "regression gate: compare head with base results (exit 0 pass, 1 regression, 2 usage, 3 cannot decide)",
		run:     runGate,
	})
}

const gateUsage = `--base BASE.txt --head HEAD.txt [flags]
       aegisbench gate --base-ref REF [--mode time|instructions] [--count N] [--sizes 2000] [flags]
       aegisbench gate --history [--window 10] [--branch main] --head HEAD.txt [flags]
       aegisbench gate --calibrate [--trials 20] [--detect-trials 10] [--slowdowns 2%,5%,10%,20%] [--modes time,instructions] [--bench-args ARGS]

Compares head with base per benchmark and unit: a regression is a median change
worse than --threshold that the Mann-Whitney U test finds significant at --alpha
after Holm's correction across all the run's tests (--correction none: each alone);
exact units (allocs/op, B/op, instructions/op, or declared "Unit X assume=exact")
are compared directly. Too few samples, or a benchmark on one side only, is
"cannot decide", never a pass. Exit 0 pass, 1 regression (or failed
conformance, or a head that does not build), 2 usage error or unreadable
input, 3 cannot decide.

--base-ref REF --engines rust-ffi compares the Rust port of REF with the port of
the working tree: both builds' shared libraries (ffi:PATH, named rust-ffi in the
results) run under the working tree's harness, interleaved; any other --engines
runs each side's own aegisbench bench.`

// gatePercentFlag parses "5%" as 0.05 and a bare number as a fraction.
type gatePercentFlag struct{ v *float64 }

func (p gatePercentFlag) String() string {
	if p.v == nil {
		return ""
	}
	return strconv.FormatFloat(100**p.v, 'g', -1, 64) + "%"
}

func (p gatePercentFlag) Set(s string) error {
	v, err := gateParsePercent(s)
	if err != nil {
		return err
	}
	*p.v = v
	return nil
}

func gateParsePercent(s string) (float64, error) {
	s = strings.TrimSpace(s)
	scale := 1.0
	if t, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = t, 0.01
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a non-negative number or percentage", s)
	}
	return v * scale, nil
}

type gateFlags struct {
	base, head, baseRef, conformance, out string
	thresholds                            gate.Thresholds
	mode, sizes, engines, only, benchArgs string
	datasets                              []string
	tags, counter, shape, keep, target    string
	count, instrCount, maxDepth, topK     int
	seed                                  uint64
	calibrate                             bool
	trials, detectTrials                  int
	slowdowns, modes                      string
	history                               historyGateFlags
}

func runGate(env Env, args []string) error {
	var f gateFlags
	f.thresholds = gate.DefaultThresholds()
	fs := newFlagSet(env, "gate", gateUsage)
	fs.StringVar(&f.base, "base", "", "base results `file` (Go benchmark format)")
	fs.StringVar(&f.head, "head", "", "head results `file` (Go benchmark format)")
	fs.StringVar(&f.baseRef, "base-ref", "", "build git `ref` in a worktree and run it interleaved with the working tree")
	fs.Var(gatePercentFlag{&f.thresholds.Change}, "threshold", "median change a statistical unit must exceed to regress")
	fs.Float64Var(&f.thresholds.Alpha, "alpha", f.thresholds.Alpha, "significance level of the Mann-Whitney U test (family-wise, across the run, with --correction holm)")
	fs.StringVar(&f.thresholds.Correction, "correction", f.thresholds.Correction, "multiple-comparison correction across the run's U tests: holm or none")
	fs.Float64Var(&f.thresholds.Allocs, "alloc-threshold", f.thresholds.Allocs, "allocs/op increase tolerated (absolute)")
	fs.Var(gatePercentFlag{&f.thresholds.Instructions}, "instructions-threshold", "instructions/op change tolerated")
	fs.Var(gatePercentFlag{&f.thresholds.Exact}, "exact-threshold", "change tolerated for other exact units (B/op)")
	fs.StringVar(&f.conformance, "conformance", "", "conformance verdict `file` (JSON, written by aegisbench conform --verdict)")
	fs.StringVar(&f.out, "o", "", "write the markdown summary (or calibration report) to `file`")
	fs.StringVar(&f.mode, "mode", "time", "with --base-ref: time (aegisbench bench) or instructions (instruction counts)")
	fs.IntVar(&f.count, "count", 0, "samples per side (--base-ref: 10 in time mode, 3 in instructions mode; --calibrate, time mode: 10)")
	fs.StringVar(&f.target, "target", "", "series slowed down by --calibrate (default: the first of the gated unit)")
	fs.StringVar(&f.sizes, "sizes", "2000", "dataset sizes (--base-ref)")
	fs.Var((*stringsFlag)(&f.datasets), "dataset", "also measure this findings `FILE` (--base-ref; repeatable): timed as whole processes in time mode, counted in instructions mode")
	fs.StringVar(&f.engines, "engines", "go", "engines (--base-ref; instructions mode: rust-cli means the aegispath CLI)")
	fs.StringVar(&f.only, "only", "go", "tools for `aegisbench bench --only` (time mode; go = go test -bench)")
	fs.StringVar(&f.benchArgs, "bench-args", "", "extra arguments for `aegisbench bench` (time mode, space-separated; --calibrate: the whole set it samples, default bench's own defaults)")
	fs.StringVar(&f.tags, "tags", "", "Go build tags for both builds (rustffi also builds the Rust library)")
	fs.StringVar(&f.counter, "counter", "auto", "instruction counter: auto, perf or callgrind")
	fs.StringVar(&f.shape, "shape", "realistic", "dataset shape for instruction counts and calibration")
	fs.Uint64Var(&f.seed, "seed", 1, "dataset seed for instruction counts and calibration")
	fs.IntVar(&f.maxDepth, "max-depth", engines.DefaultMaxDepth, "max_depth option")
	fs.IntVar(&f.topK, "top-k", engines.DefaultTopK, "top_k option")
	fs.StringVar(&f.keep, "keep", "", "copy the base and head results of --base-ref into `dir`")
	fs.BoolVar(&f.calibrate, "calibrate", false, "measure the whole gate on this machine: A/A false alarms, injected-slowdown detection, per-series power")
	fs.IntVar(&f.trials, "trials", 20, "A/A runs of the whole set (--calibrate)")
	fs.IntVar(&f.detectTrials, "detect-trials", 10, "of those runs, how many carry each injected slowdown (--calibrate)")
	fs.StringVar(&f.slowdowns, "slowdowns", "2%,5%,10%,20%", "injected slowdowns (--calibrate)")
	fs.StringVar(&f.modes, "modes", "time,instructions", "modes to calibrate")
	fs.IntVar(&f.instrCount, "instr-count", 1, "instruction counts per side per comparison (--calibrate)")
	f.history.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("gate: unexpected arguments %q", pos)
	}
	if err := f.thresholds.Validate(); err != nil {
		return usageError("gate: %v", err)
	}
	// Every flag is checked before anything is built.
	if _, err := gateSizes(f.sizes); err != nil {
		return usageError("gate: --sizes: %v", err)
	}
	if err := argval.InRange("--count", f.count, 0, benchrun.MaxCount); err != nil {
		return usageError("gate: %v", err)
	}
	if err := distinctFiles("gate", []safeio.File{{Flag: "--base", Path: f.base}, {Flag: "--head", Path: f.head}},
		[]safeio.File{{Flag: "-o", Path: f.out}}); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case f.history.on:
		return gateHistory(env, f)
	case f.calibrate:
		return gateCalibrate(ctx, env, f)
	case f.baseRef != "":
		if f.base != "" || f.head != "" {
			return usageError("gate: --base-ref cannot be combined with --base/--head")
		}
		return gateBaseRef(ctx, env, f)
	case f.base != "" && f.head != "":
		return gateFiles(env, f, f.base, f.head)
	}
	fs.Usage()
	return usageError("gate: give --base and --head, or --base-ref, or --calibrate")
}

// gateFiles judges two results files and writes the summary.
func gateFiles(env Env, f gateFlags, basePath, headPath string) error {
	base, err := gateLoad(basePath)
	if err != nil {
		return err
	}
	head, err := gateLoad(headPath)
	if err != nil {
		return err
	}
	return gateJudge(env, f, base, head, nil)
}

// gateJudge judges head against base, adds notes to the report and writes
// the summary.
func gateJudge(env Env, f gateFlags, base, head *results.Set, notes []string) error {
	rep := gate.Judge(base, head, f.thresholds)
	rep.Notes = append(rep.Notes, notes...)
	if f.conformance != "" {
		v, err := conform.ReadSummary(f.conformance)
		if err != nil {
			return &ExitError{Code: 2, Err: fmt.Errorf("gate: %w", err)}
		}
		rep.WithConformance(&gate.Conformance{Path: f.conformance, Summary: v})
	}
	var sb strings.Builder
	if err := reports.WriteGate(&sb, rep); err != nil {
		return err
	}
	if _, err := fmt.Fprint(env.Stdout, sb.String()); err != nil {
		return err
	}
	if f.out != "" {
		if err := atomicfile.WriteFile(f.out, []byte(sb.String())); err != nil {
			return &ExitError{Code: 2, Err: err}
		}
	}
	if code := rep.Verdict.ExitCode(); code != 0 {
		return &ExitError{Code: code, Err: errors.New("gate: " + rep.Headline())}
	}
	return nil
}

// gateLoad reads one side: a file without results cannot be decided
// (exit 3), an unreadable or malformed one is a usage error (exit 2).
func gateLoad(path string) (*results.Set, error) {
	set, err := results.Load(path)
	switch {
	case errors.Is(err, results.ErrNoResults):
		return nil, &ExitError{Code: 3, Err: fmt.Errorf("gate: cannot decide: %w", err)}
	case err != nil:
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("gate: %w", err)}
	}
	return set, nil
}

// gateSizes parses --sizes in the one sizes grammar.
func gateSizes(s string) ([]int, error) { return argval.Sizes(s) }

// gateTimeSample sets cfg to time each side with bench (the port alone,
// through both builds' shared libraries, for --engines rust-ffi).
func gateTimeSample(f gateFlags, cfg *refrun.RefConfig) error {
	if cfg.Rounds == 0 {
		cfg.Rounds = 10
	}
	only := f.only
	if len(f.datasets) > 0 && !slices.Contains(argval.List(only), "hyperfine") {
		only += ",hyperfine" // bench times user datasets as whole processes
	}
	args := []string{"--only", only, "--sizes", f.sizes}
	for _, d := range f.datasets {
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		args = append(args, "--dataset", abs)
	}
	args = append(args, strings.Fields(f.benchArgs)...)
	if f.engines == bench.EngineRustFFI {
		// The port alone: both builds' shared libraries under the
		// working tree's harness (refrun.PortSample).
		if !slices.Contains(strings.Split(cfg.Tags, ","), "rustffi") {
			cfg.Tags = strings.TrimPrefix(cfg.Tags+",rustffi", ",")
		}
		cfg.Sample = refrun.PortSample(refrun.HeadSide(*cfg), ffiengine.LibraryFile("aegispath"), args)
	} else {
		cfg.Sample = refrun.BenchSample(append([]string{"--engines", f.engines}, args...))
	}
	return nil
}

// gateInstructionSample sets cfg to count each side's instructions on the
// standard datasets of sizes and the --dataset files.
func gateInstructionSample(ctx context.Context, env Env, f gateFlags, cfg *refrun.RefConfig, runner bench.Runner, work string, sizes []int) error {
	if cfg.Rounds == 0 {
		cfg.Rounds = 3
	}
	counter, err := instructions.DetectCounter(ctx, runner, work, f.counter)
	if err != nil {
		return &ExitError{Code: 3, Err: err}
	}
	fmt.Fprintf(env.Stderr, "gate: counting instructions with %s\n", counter.Name())
	var inputs []instructions.InstrInput
	for _, n := range sizes {
		p, err := datasets.EnsureStandard(f.shape, n, f.seed)
		if err != nil {
			return fmt.Errorf("gate: dataset %s n=%d: %w", f.shape, n, err)
		}
		inputs = append(inputs, instructions.InstrInput{N: n, Path: p})
	}
	for _, d := range f.datasets {
		info, err := benchrun.DescribeDataset(d)
		if err != nil {
			return fmt.Errorf("gate: --dataset %w", err)
		}
		inputs = append(inputs, instructions.InstrInput{N: info.Findings, Path: info.Path, Dataset: bench.ConfigKey(strings.TrimSuffix(info.Name, filepath.Ext(info.Name)))})
	}
	opt := engines.Options{MaxDepth: f.maxDepth, TopK: f.topK}
	cfg.Sample = instructions.InstructionSample(counter, argval.List(f.engines), inputs, opt, work)
	return nil
}

// keepResults copies the base and head results files into dir (none when
// dir is "").
func keepResults(dir, base, head string) error {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, p := range []string{base, head} {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFile(filepath.Join(dir, filepath.Base(p)), data); err != nil {
				return err
			}
		}
	}
	return nil
}

// gateBaseRef runs base (a git ref) and head (the working tree)
// interleaved, then judges them.
func gateBaseRef(ctx context.Context, env Env, f gateFlags) error {
	root, err := reporoot.Find()
	if err != nil {
		return usageError("gate: %v", err)
	}
	sizes, err := gateSizes(f.sizes)
	if err != nil {
		return usageError("gate: --sizes: %v", err)
	}
	work, err := os.MkdirTemp("", "aegisbench-gate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	runner := bench.ExecRunner{}
	cfg := refrun.RefConfig{Root: root, Ref: f.baseRef, WorkDir: work, Tags: f.tags, Log: env.Stderr, Rounds: f.count}
	switch f.mode {
	case "time":
		err = gateTimeSample(f, &cfg)
	case "instructions":
		err = gateInstructionSample(ctx, env, f, &cfg, runner, work, sizes)
	default:
		return usageError("gate: --mode %q: want time or instructions", f.mode)
	}
	if err != nil {
		return err
	}
	files, err := refrun.RunRef(ctx, runner, cfg)
	if err != nil {
		var se *refrun.SideError
		if errors.As(err, &se) && se.Side == "base" {
			return &ExitError{Code: 3, Err: fmt.Errorf("cannot decide: the base could not be measured: %w", err)}
		}
		if errors.As(err, &se) {
			return &ExitError{Code: 1, Err: err}
		}
		return &ExitError{Code: 2, Err: err}
	}
	if err := keepResults(f.keep, files.Base, files.Head); err != nil {
		return err
	}
	return gateFiles(env, f, files.Base, files.Head)
}

// gateCalibrate measures the whole gate: A/A runs of the benchmark set,
// a slowdown injected into one benchmark, and per-series power.
func gateCalibrate(ctx context.Context, env Env, f gateFlags) error {
	cfg, modes, err := gateCalibrationConfig(env, f)
	if err != nil {
		return err
	}
	root, err := reporoot.Find()
	if err != nil {
		return usageError("gate: %v", err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "aegisbench-calibrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	before := calibrate.Machine()
	var cals []*calibrate.Calibration
	var method []string
	for _, mode := range modes {
		src, rounds, how, err := gateCalibrationSource(ctx, f, mode, root, self, scratch)
		if err != nil {
			return err
		}
		cfg.Rounds = rounds
		cal, err := calibrate.Run(ctx, src, cfg)
		if err != nil {
			return err
		}
		cals = append(cals, cal)
		method = append(method, how)
	}
	machine := fmt.Sprintf("%s (at start; at end: load average %s)", before, calibrate.LoadAverage())
	var sb strings.Builder
	if err := reports.WriteCalibration(&sb, machine, strings.Join(method, " "), cals); err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, sb.String())
	if f.out != "" {
		return atomicfile.WriteFileMkdirAll(f.out, []byte(sb.String()))
	}
	return nil
}

func gateCalibrationConfig(env Env, f gateFlags) (calibrate.Config, []string, error) {
	cfg := calibrate.Config{Pairs: f.trials, Detect: f.detectTrials, Target: f.target, Thresholds: f.thresholds, Log: env.Stderr}
	for _, s := range argval.List(f.slowdowns) {
		v, err := gateParsePercent(s)
		if err != nil || v <= 0 {
			return cfg, nil, usageError("gate: --slowdowns: %q must be a positive percentage", s)
		}
		cfg.Slowdowns = append(cfg.Slowdowns, v)
	}
	modes := argval.List(f.modes)
	for _, m := range modes {
		if m != "time" && m != "instructions" {
			return cfg, nil, usageError("gate: --modes: unknown mode %q (want time, instructions)", m)
		}
	}
	if f.trials < 1 || f.detectTrials < 0 || f.detectTrials > f.trials || f.instrCount < 1 || f.count < 0 {
		return cfg, nil, usageError("gate: --trials and --instr-count must be >= 1, --detect-trials within 0..trials")
	}
	return cfg, modes, nil
}

// gateCalibrationSource returns the sampler of one mode, its rounds per
// side and a sentence saying how it samples.
func gateCalibrationSource(ctx context.Context, f gateFlags, mode, root, self, scratch string) (calibrate.Source, int, string, error) {
	runner := bench.ExecRunner{}
	if mode == "time" {
		count := f.count
		if count == 0 {
			count = 10 // as --base-ref's default, so the figures describe the gate CI runs
		}
		args := strings.Fields(f.benchArgs)
		how := fmt.Sprintf("Time: each side is %d rounds of `aegisbench bench %s --count 1` (the whole set), interleaved with the other side's.", count, strings.Join(args, " "))
		return &calibrate.BenchSource{Runner: runner, Binary: self, Dir: root, Args: args, Count: 1, Scratch: scratch}, count, how, nil
	}
	counter, err := instructions.DetectCounter(ctx, runner, scratch, f.counter)
	if err != nil {
		return nil, 0, "", &ExitError{Code: 3, Err: err}
	}
	sizes, err := gateSizes(f.sizes)
	if err != nil {
		return nil, 0, "", usageError("gate: --sizes: %v", err)
	}
	var inputs []instructions.InstrInput
	for _, n := range sizes {
		p, err := datasets.EnsureStandard(f.shape, n, f.seed)
		if err != nil {
			return nil, 0, "", fmt.Errorf("gate: dataset %s n=%d: %w", f.shape, n, err)
		}
		inputs = append(inputs, instructions.InstrInput{N: n, Path: p})
	}
	targets, err := instructions.PathsTargets(self, root, argval.List(f.engines))
	if err != nil {
		return nil, 0, "", err
	}
	cfg := instructions.InstrConfig{Counter: counter, Targets: targets, Inputs: inputs, Options: engines.Options{MaxDepth: f.maxDepth, TopK: f.topK}, Count: 1, Scratch: scratch}
	how := fmt.Sprintf("Instructions: each side counts engines %s on %s n=%s (seed %d) with %s, %d count(s) per side, interleaved with the other side's.", f.engines, f.shape, f.sizes, f.seed, counter.Name(), f.instrCount)
	return &calibrate.InstructionSource{Runner: runner, Config: cfg}, f.instrCount, how, nil
}
