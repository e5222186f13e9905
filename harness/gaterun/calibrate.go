package gaterun

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/calibrate"
	"github.com/aegisbench/aegisbench/harness/instructions"
	"github.com/aegisbench/aegisbench/harness/refrun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/usage"
	"github.com/aegisbench/aegisbench/reports"
)

// Calibrate measures the whole gate on this machine: A/A runs of the
// benchmark set, a slowdown injected into one benchmark, and per-series
// power, for each of s.Calibration.Modes. The report goes to stdout and
// s.Out; progress to stderr.
func Calibrate(ctx context.Context, stdout, stderr io.Writer, s Settings) error {
	c := s.Calibration
	cfg := calibrate.Config{Pairs: c.Trials, Detect: c.DetectTrials, Target: c.Target, Thresholds: s.Thresholds, Log: stderr, Slowdowns: c.Slowdowns, Add: c.Add}
	root, err := reporoot.Find()
	if err != nil {
		return usage.Errorf("gate: %v", err)
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
	for _, mode := range c.Modes {
		src, rounds, how, err := calibrationSource(ctx, s, mode, root, self, scratch)
		if err != nil {
			return err
		}
		cfg.Rounds = rounds
		if c.PairsDir != "" {
			cfg.Store = calibrate.Store{Dir: c.PairsDir, Settings: fmt.Sprintf("mode=%s rounds=%d %s", mode, rounds, how)}
		}
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
	fmt.Fprint(stdout, sb.String())
	if s.Out != "" {
		return atomicfile.WriteFileMkdirAll(s.Out, []byte(sb.String()))
	}
	return nil
}

// calibrationSource returns the sampler of one mode, its rounds per side
// and a sentence saying how it samples.
func calibrationSource(ctx context.Context, s Settings, mode, root, self, scratch string) (calibrate.Source, int, string, error) {
	runner := bench.ExecRunner{}
	if mode == "time" {
		count := s.Count
		if count == 0 {
			count = 10 // as --base-ref's default, so the figures describe the gate CI runs
		}
		args := strings.Fields(s.BenchArgs)
		how := fmt.Sprintf("Time: each side is %d rounds of `aegisbench bench %s --count 1` (the whole set), interleaved with the other side's.", count, strings.Join(args, " "))
		return &calibrate.BenchSource{Runner: runner, Binary: self, Dir: root, Args: args, Count: 1, Scratch: scratch}, count, how, nil
	}
	counter, err := instructions.DetectCounter(ctx, runner, scratch, s.Counter)
	if err != nil {
		return nil, 0, "", status(3, err)
	}
	inputs, err := standardInputs(s)
	if err != nil {
		return nil, 0, "", err
	}
	// The program the gate's --base-ref instructions mode counts, built
	// as the gate builds it.
	paths := filepath.Join(scratch, "aegispaths")
	build := func(c refrun.Command) error { _, err := runner.Run(ctx, c); return err }
	if err := refrun.BuildPaths(build, root, paths, s.Tags); err != nil {
		return nil, 0, "", fmt.Errorf("gate: building aegispaths: %w", err)
	}
	targets, err := instructions.PathsTargets([]string{paths}, root, argval.List(s.Engines))
	if err != nil {
		return nil, 0, "", err
	}
	cfg := instructions.InstrConfig{Counter: counter, Targets: targets, Inputs: inputs, Options: engines.Options{MaxDepth: s.MaxDepth, TopK: s.TopK}, Count: 1, Scratch: scratch}
	how := fmt.Sprintf("Instructions: each side counts engines %s (through aegispaths) on %s n=%s (seed %d) with %s, %d count(s) per side, interleaved with the other side's.",
		s.Engines, s.Shape, argval.SizesText(s.Sizes), s.Seed, counter.Name(), s.Calibration.InstrCount)
	return &calibrate.InstructionSource{Runner: runner, Config: cfg}, s.Calibration.InstrCount, how, nil
}
