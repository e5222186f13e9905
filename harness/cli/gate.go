package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/gaterun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/safeio"
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
                       [--pairs-dir DIR [--add K]]

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
runs each side's own aegisbench bench.

--calibrate --pairs-dir DIR keeps every sampled A/A pair in DIR (one results
file per pair) and judges it with the pairs earlier runs left there with the
same settings: a calibration of the whole default benchmark set (about an hour
a pair here) can then accumulate over several runs, --add K pairs at a time,
until --trials pairs are there; each run reports on all the pairs it has.`

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
	s                gaterun.Settings
	sizes            string
	calibrate        bool
	slowdowns, modes string
	history          bool
}

func runGate(env cmdline.Env, args []string) error {
	var f gateFlags
	s := &f.s
	s.Thresholds = gate.DefaultThresholds()
	fs := cmdline.NewFlagSet(env, "gate", gateUsage)
	fs.StringVar(&s.Base, "base", "", "base results `file` (Go benchmark format)")
	fs.StringVar(&s.Head, "head", "", "head results `file` (Go benchmark format)")
	fs.StringVar(&s.BaseRef, "base-ref", "", "build git `ref` in a worktree and run it interleaved with the working tree")
	fs.Var(gatePercentFlag{&s.Thresholds.Change}, "threshold", "median change a statistical unit must exceed to regress")
	fs.Float64Var(&s.Thresholds.Alpha, "alpha", s.Thresholds.Alpha, "significance level of the Mann-Whitney U test (family-wise, across the run, with --correction holm)")
	fs.StringVar(&s.Thresholds.Correction, "correction", s.Thresholds.Correction, "multiple-comparison correction across the run's U tests: holm or none")
	fs.Float64Var(&s.Thresholds.Allocs, "alloc-threshold", s.Thresholds.Allocs, "allocs/op increase tolerated (absolute)")
	fs.Var(gatePercentFlag{&s.Thresholds.Instructions}, "instructions-threshold", "instructions/op change tolerated")
	fs.Var(gatePercentFlag{&s.Thresholds.Exact}, "exact-threshold", "change tolerated for other exact units (B/op)")
	fs.StringVar(&s.Conformance, "conformance", "", "conformance verdict `file` (JSON, written by aegisbench conform --verdict)")
	fs.StringVar(&s.Out, "o", "", "write the markdown summary (or calibration report) to `file`")
	fs.StringVar(&s.Mode, "mode", "time", "with --base-ref: time (aegisbench bench) or instructions (instruction counts)")
	fs.IntVar(&s.Count, "count", 0, "samples per side (--base-ref: 10 in time mode, 3 in instructions mode; --calibrate, time mode: 10)")
	fs.StringVar(&s.Calibration.Target, "target", "", "series slowed down by --calibrate (default: the first of the gated unit)")
	fs.StringVar(&f.sizes, "sizes", "2000", "dataset sizes (--base-ref)")
	fs.Var((*stringsFlag)(&s.Datasets), "dataset", "also measure this findings `FILE` (--base-ref; repeatable): timed as whole processes in time mode, counted in instructions mode")
	fs.StringVar(&s.Engines, "engines", "go", "engines (--base-ref; instructions mode: rust-cli means the aegispath CLI)")
	fs.StringVar(&s.Only, "only", "go", "tools for `aegisbench bench --only` (time mode; go = go test -bench)")
	fs.StringVar(&s.BenchArgs, "bench-args", "", "extra arguments for `aegisbench bench` (time mode, space-separated; --calibrate: the whole set it samples, default bench's own defaults)")
	fs.StringVar(&s.Tags, "tags", "", "Go build tags for both builds (rustffi also builds the Rust library)")
	fs.StringVar(&s.Counter, "counter", "auto", "instruction counter: auto, perf or callgrind")
	fs.StringVar(&s.Shape, "shape", "realistic", "dataset shape for instruction counts and calibration")
	fs.Uint64Var(&s.Seed, "seed", 1, "dataset seed for instruction counts and calibration")
	fs.IntVar(&s.MaxDepth, "max-depth", engines.DefaultMaxDepth, "max_depth option")
	fs.IntVar(&s.TopK, "top-k", engines.DefaultTopK, "top_k option")
	fs.StringVar(&s.Keep, "keep", "", "copy the base and head results of --base-ref into `dir`")
	fs.BoolVar(&f.calibrate, "calibrate", false, "measure the whole gate on this machine: A/A false alarms, injected-slowdown detection, per-series power")
	fs.IntVar(&s.Calibration.Trials, "trials", 20, "A/A runs of the whole set (--calibrate)")
	fs.IntVar(&s.Calibration.DetectTrials, "detect-trials", 10, "of those runs, how many carry each injected slowdown (--calibrate)")
	fs.StringVar(&f.slowdowns, "slowdowns", "2%,5%,10%,20%", "injected slowdowns (--calibrate)")
	fs.StringVar(&f.modes, "modes", "time,instructions", "modes to calibrate")
	fs.IntVar(&s.Calibration.InstrCount, "instr-count", 1, "instruction counts per side per comparison (--calibrate)")
	fs.StringVar(&s.Calibration.PairsDir, "pairs-dir", "", "keep the sampled A/A pairs in `dir` and judge them with those earlier runs left there (--calibrate)")
	fs.IntVar(&s.Calibration.Add, "add", 0, "with --pairs-dir: sample at most `K` new pairs this run (0: until --trials pairs)")
	registerGateHistory(fs, &f.history, &s.History)
	pos, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return cmdline.UsageError("gate: unexpected arguments %q", pos)
	}
	if err := f.check(); err != nil {
		return err
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	switch {
	case f.history:
		return gateExit(interrupted, gaterun.FromHistory(ctx, env.Stdout, *s))
	case f.calibrate:
		if err := f.parseCalibration(); err != nil {
			return err
		}
		return gateExit(interrupted, gaterun.Calibrate(ctx, env.Stdout, env.Stderr, *s))
	case s.BaseRef != "":
		if s.Base != "" || s.Head != "" {
			return cmdline.UsageError("gate: --base-ref cannot be combined with --base/--head")
		}
		return gateExit(interrupted, gaterun.BaseRef(ctx, env.Stdout, env.Stderr, *s))
	case s.Base != "" && s.Head != "":
		return gateExit(interrupted, gaterun.Files(env.Stdout, *s))
	}
	fs.Usage()
	return cmdline.UsageError("gate: give --base and --head, or --base-ref, or --calibrate")
}

// check validates every flag before anything is built.
func (f *gateFlags) check() error {
	s := &f.s
	if err := s.Thresholds.Validate(); err != nil {
		return cmdline.UsageError("gate: %v", err)
	}
	var err error
	if s.Sizes, err = argval.Sizes(f.sizes); err != nil {
		return cmdline.UsageError("gate: --sizes: %v", err)
	}
	if err := argval.InRange("--count", s.Count, 0, benchrun.MaxCount); err != nil {
		return cmdline.UsageError("gate: %v", err)
	}
	return cmdline.DistinctFiles("gate", []safeio.File{{Flag: "--base", Path: s.Base}, {Flag: "--head", Path: s.Head}},
		[]safeio.File{{Flag: "-o", Path: s.Out}})
}

// parseCalibration parses and checks the flags of --calibrate.
func (f *gateFlags) parseCalibration() error {
	c := &f.s.Calibration
	for _, s := range argval.List(f.slowdowns) {
		v, err := gateParsePercent(s)
		if err != nil || v <= 0 {
			return cmdline.UsageError("gate: --slowdowns: %q must be a positive percentage", s)
		}
		c.Slowdowns = append(c.Slowdowns, v)
	}
	c.Modes = argval.List(f.modes)
	for _, m := range c.Modes {
		if m != "time" && m != "instructions" {
			return cmdline.UsageError("gate: --modes: unknown mode %q (want time, instructions)", m)
		}
	}
	if c.Trials < 1 || c.DetectTrials < 0 || c.DetectTrials > c.Trials || c.InstrCount < 1 || f.s.Count < 0 {
		return cmdline.UsageError("gate: --trials and --instr-count must be >= 1, --detect-trials within 0..trials")
	}
	if c.Add < 0 || (c.Add > 0 && c.PairsDir == "") {
		return cmdline.UsageError("gate: --add needs --pairs-dir and must be >= 0")
	}
	return nil
}

// gateExit maps a gate run's outcome to its exit status (gaterun.Error's,
// 2 for a usage error, 130/143 when interrupted).
func gateExit(interrupted func(error) error, err error) error {
	var ge *gaterun.Error
	if errors.As(err, &ge) {
		err = &cmdline.ExitError{Code: ge.Status, Err: ge.Err}
	}
	return interrupted(err)
}
