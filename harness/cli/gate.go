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
	"time"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/internal/reporoot"
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
       aegisbench gate --calibrate [--trials 20] [--slowdowns 2%,5%,10%,20%] [--modes time,instructions]

Compares head with base per benchmark and unit: a regression is a median change
worse than --threshold that the Mann-Whitney U test finds significant at --alpha;
exact units (allocs/op, B/op, instructions/op, or declared "Unit X assume=exact")
are compared directly. Too few samples, or a benchmark on one side only, is
"cannot decide", never a pass. Exit 0 pass, 1 regression (or failed
conformance, or a head that does not build), 2 usage error or unreadable
input, 3 cannot decide.`

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
	tags, counter, shape, keep            string
	count, instrCount, maxDepth, topK     int
	seed                                  uint64
	calibrate                             bool
	trials, detectTrials                  int
	slowdowns, modes                      string
	calN                                  int
	benchtime                             time.Duration
	execEngine, in                        string
}

func runGate(env Env, args []string) error {
	var f gateFlags
	f.thresholds = gate.DefaultThresholds()
	fs := newFlagSet(env, "gate", gateUsage)
	fs.StringVar(&f.base, "base", "", "base results `file` (Go benchmark format)")
	fs.StringVar(&f.head, "head", "", "head results `file` (Go benchmark format)")
	fs.StringVar(&f.baseRef, "base-ref", "", "build git `ref` in a worktree and run it interleaved with the working tree")
	fs.Var(gatePercentFlag{&f.thresholds.Change}, "threshold", "median change a statistical unit must exceed to regress")
	fs.Float64Var(&f.thresholds.Alpha, "alpha", f.thresholds.Alpha, "significance level of the Mann-Whitney U test")
	fs.Float64Var(&f.thresholds.Allocs, "alloc-threshold", f.thresholds.Allocs, "allocs/op increase tolerated (absolute)")
	fs.Var(gatePercentFlag{&f.thresholds.Instructions}, "instructions-threshold", "instructions/op change tolerated")
	fs.Var(gatePercentFlag{&f.thresholds.Exact}, "exact-threshold", "change tolerated for other exact units (B/op)")
	fs.StringVar(&f.conformance, "conformance", "", "conformance result `file`: a report or log with the CONFORMANCE PASSED|FAILED line, or an exit-status file")
	fs.StringVar(&f.out, "o", "", "write the markdown summary (or calibration report) to `file`")
	fs.StringVar(&f.mode, "mode", "time", "with --base-ref: time (aegisbench bench) or instructions (instruction counts)")
	fs.IntVar(&f.count, "count", 0, "samples per side (--base-ref: 10 in time mode, 3 in instructions mode; --calibrate, time mode: 10)")
	fs.StringVar(&f.sizes, "sizes", "2000", "dataset sizes (--base-ref)")
	fs.Var((*conformStrings)(&f.datasets), "dataset", "also measure this findings `FILE` (--base-ref; repeatable): timed as whole processes in time mode, counted in instructions mode")
	fs.StringVar(&f.engines, "engines", "go", "engines (--base-ref; instructions mode: rust-cli means the aegispath CLI)")
	fs.StringVar(&f.only, "only", "go", "tools for `aegisbench bench --only` (time mode; go = go test -bench)")
	fs.StringVar(&f.benchArgs, "bench-args", "", "extra arguments for `aegisbench bench` (time mode, space-separated)")
	fs.StringVar(&f.tags, "tags", "", "Go build tags for both builds (rustffi also builds the Rust library)")
	fs.StringVar(&f.counter, "counter", "auto", "instruction counter: auto, perf or callgrind")
	fs.StringVar(&f.shape, "shape", "realistic", "dataset shape for instruction counts and calibration")
	fs.Uint64Var(&f.seed, "seed", 1, "dataset seed for instruction counts and calibration")
	fs.IntVar(&f.maxDepth, "max-depth", engines.DefaultMaxDepth, "max_depth option")
	fs.IntVar(&f.topK, "top-k", engines.DefaultTopK, "top_k option")
	fs.StringVar(&f.keep, "keep", "", "copy the base and head results of --base-ref into `dir`")
	fs.BoolVar(&f.calibrate, "calibrate", false, "measure the gate's false-positive and detection rates on this machine")
	fs.IntVar(&f.trials, "trials", 20, "A/A comparisons (--calibrate)")
	fs.IntVar(&f.detectTrials, "detect-trials", 10, "comparisons per injected slowdown (--calibrate)")
	fs.StringVar(&f.slowdowns, "slowdowns", "2%,5%,10%,20%", "injected slowdowns (--calibrate)")
	fs.StringVar(&f.modes, "modes", "time,instructions", "modes to calibrate")
	fs.IntVar(&f.calN, "n", 2000, "findings in the calibration dataset")
	fs.IntVar(&f.instrCount, "instr-count", 1, "instruction counts per side per comparison (--calibrate)")
	fs.DurationVar(&f.benchtime, "benchtime", 100*time.Millisecond, "time per sample (--calibrate, time mode)")
	fs.StringVar(&f.execEngine, "exec-engine", "", "internal: run `engine` once (calibration wrappers slow:/spin: allowed) on --in and exit")
	fs.StringVar(&f.in, "in", "", "internal: findings file for --exec-engine")
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case f.execEngine != "":
		return gateExecEngine(ctx, env, f)
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
	g, err := gate.NewGrouper()
	if err != nil {
		return err
	}
	base, err := g.ReadFiles(basePath)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	head, err := g.ReadFiles(headPath)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	rep := gate.Judge(base, head, f.thresholds)
	if f.conformance != "" {
		c, err := gate.ReadConformance(f.conformance)
		if err != nil {
			return &ExitError{Code: 2, Err: err}
		}
		rep.WithConformance(c)
	}
	var sb strings.Builder
	if err := rep.WriteMarkdown(&sb); err != nil {
		return err
	}
	if _, err := fmt.Fprint(env.Stdout, sb.String()); err != nil {
		return err
	}
	if f.out != "" {
		if err := gate.WriteFileAtomic(f.out, []byte(sb.String())); err != nil {
			return &ExitError{Code: 2, Err: err}
		}
	}
	if code := rep.Verdict.ExitCode(); code != 0 {
		return &ExitError{Code: code, Err: errors.New("gate: " + rep.Headline())}
	}
	return nil
}

func gateSizes(s string) ([]int, error) {
	var out []int
	for _, p := range splitList(s) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("size %q is not a positive integer", p)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes given")
	}
	return out, nil
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
	runner := gate.ExecRunner{}
	cfg := gate.RefConfig{Root: root, Ref: f.baseRef, WorkDir: work, Tags: f.tags, Log: env.Stderr, Rounds: f.count}
	switch f.mode {
	case "time":
		if cfg.Rounds == 0 {
			cfg.Rounds = 10
		}
		only := f.only
		if len(f.datasets) > 0 && !slices.Contains(splitList(only), "hyperfine") {
			only += ",hyperfine" // bench times user datasets as whole processes
		}
		args := []string{"--engines", f.engines, "--only", only, "--sizes", f.sizes}
		for _, d := range f.datasets {
			abs, err := filepath.Abs(d)
			if err != nil {
				return err
			}
			args = append(args, "--dataset", abs)
		}
		args = append(args, strings.Fields(f.benchArgs)...)
		cfg.Sample = gate.BenchSample(args)
	case "instructions":
		if cfg.Rounds == 0 {
			cfg.Rounds = 3
		}
		counter, err := gate.DetectCounter(ctx, runner, work, f.counter)
		if err != nil {
			return &ExitError{Code: 3, Err: err}
		}
		fmt.Fprintf(env.Stderr, "gate: counting instructions with %s\n", counter.Name())
		var inputs []gate.InstrInput
		for _, n := range sizes {
			p, err := datasets.EnsureStandard(f.shape, n, f.seed)
			if err != nil {
				return fmt.Errorf("gate: dataset %s n=%d: %w", f.shape, n, err)
			}
			inputs = append(inputs, gate.InstrInput{N: n, Path: p})
		}
		for _, d := range f.datasets {
			info, err := describeDataset(d)
			if err != nil {
				return fmt.Errorf("gate: --dataset %w", err)
			}
			inputs = append(inputs, gate.InstrInput{N: info.Findings, Path: info.Path, Dataset: bench.ConfigKey(strings.TrimSuffix(info.Name, filepath.Ext(info.Name)))})
		}
		opt := engines.Options{MaxDepth: f.maxDepth, TopK: f.topK}
		cfg.Sample = gate.InstructionSample(counter, splitList(f.engines), inputs, opt, work)
	default:
		return usageError("gate: --mode %q: want time or instructions", f.mode)
	}
	files, err := gate.RunRef(ctx, runner, cfg)
	if err != nil {
		var se *gate.SideError
		if errors.As(err, &se) && se.Side == "base" {
			return &ExitError{Code: 3, Err: fmt.Errorf("cannot decide: the base could not be measured: %w", err)}
		}
		if errors.As(err, &se) {
			return &ExitError{Code: 1, Err: err}
		}
		return &ExitError{Code: 2, Err: err}
	}
	if f.keep != "" {
		if err := os.MkdirAll(f.keep, 0o755); err != nil {
			return err
		}
		for _, p := range []string{files.Base, files.Head} {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := gate.WriteFileAtomic(filepath.Join(f.keep, filepath.Base(p)), data); err != nil {
				return err
			}
		}
	}
	return gateFiles(env, f, files.Base, files.Head)
}

// gateExecEngine serves --exec-engine: one engine run under the process
// contract, used by instruction-count calibration.
func gateExecEngine(ctx context.Context, env Env, f gateFlags) error {
	if f.in == "" {
		return usageError("gate: --exec-engine needs --in FILE")
	}
	err := gate.RunEngineOnce(ctx, f.execEngine, f.in, engines.Options{MaxDepth: f.maxDepth, TopK: f.topK}, env.Stdout)
	var ee *engines.Error
	if errors.As(err, &ee) {
		return &ExitError{Code: 1, Err: err}
	}
	return err
}

// gateCalibrate measures the gate's false-positive and detection rates.
func gateCalibrate(ctx context.Context, env Env, f gateFlags) error {
	var slowdowns []float64
	for _, s := range splitList(f.slowdowns) {
		v, err := gateParsePercent(s)
		if err != nil || v <= 0 {
			return usageError("gate: --slowdowns: %q must be a positive percentage", s)
		}
		slowdowns = append(slowdowns, v)
	}
	modes := splitList(f.modes)
	for _, m := range modes {
		if m != "time" && m != "instructions" {
			return usageError("gate: --modes: unknown mode %q (want time, instructions)", m)
		}
	}
	if f.trials < 1 || f.detectTrials < 0 || f.calN < 1 || f.instrCount < 1 || f.count < 0 {
		return usageError("gate: --trials, --n and --instr-count must be >= 1")
	}
	path, err := datasets.EnsureStandard(f.shape, f.calN, f.seed)
	if err != nil {
		return fmt.Errorf("gate: calibration dataset: %w", err)
	}
	input, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	opt := engines.Options{MaxDepth: f.maxDepth, TopK: f.topK}
	engine := splitList(f.engines)
	if len(engine) != 1 {
		return usageError("gate: --calibrate takes one engine (--engines go)")
	}
	before := gate.Machine()
	var cals []*gate.Calibration
	for _, mode := range modes {
		cfg := gate.CalibrationConfig{Trials: f.trials, DetectTrials: f.detectTrials, Slowdowns: slowdowns, Thresholds: f.thresholds, Log: env.Stderr}
		var m gate.Measurer
		switch mode {
		case "time":
			cfg.Count = f.count
			if cfg.Count == 0 {
				cfg.Count = 10 // as --base-ref's default, so the figures describe the gate CI runs
			}
			m = &gate.PipelineMeasurer{Engine: engine[0], N: f.calN, Input: input, Options: opt, Benchtime: f.benchtime}
		case "instructions":
			cfg.Count = f.instrCount
			scratch, err := os.MkdirTemp("", "aegisbench-calibrate-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(scratch)
			runner := gate.ExecRunner{}
			counter, err := gate.DetectCounter(ctx, runner, scratch, f.counter)
			if err != nil {
				return &ExitError{Code: 3, Err: err}
			}
			self, err := os.Executable()
			if err != nil {
				return err
			}
			im := &gate.InstructionMeasurer{Counter: counter, Runner: runner, Self: self, Engine: engine[0], N: f.calN, Input: path, Options: opt, Scratch: scratch}
			fmt.Fprintf(env.Stderr, "calibrate instructions: counting with %s\n", counter.Name())
			if err := im.Setup(ctx); err != nil {
				return err
			}
			m = im
		}
		cal, err := gate.Calibrate(ctx, m, cfg)
		if err != nil {
			return err
		}
		cals = append(cals, cal)
	}
	machine := fmt.Sprintf("%s (at start; at end: load average %s); dataset %s (%s, n=%d, seed %d), engine %s. "+
		"Time samples: the engine's whole pipeline run in-process for >= %s each (sec/op, B/op, allocs/op); "+
		"slowdowns injected by the calibration-only engine slow:FRACTION:%s (busy-waits that fraction of each call). "+
		"Instruction counts: one `aegisbench gate --exec-engine` process per sample; slowdowns injected by spin:ITERATIONS:%s (a fixed extra loop sized to that fraction of the engine's count)",
		before, gate.LoadAverage(), filepath.Base(path), f.shape, f.calN, f.seed, engine[0], f.benchtime, engine[0], engine[0])
	var sb strings.Builder
	if err := gate.WriteCalibrationMarkdown(&sb, machine, cals); err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, sb.String())
	if f.out != "" {
		return gate.WriteFileAtomic(f.out, []byte(sb.String()))
	}
	return nil
}
