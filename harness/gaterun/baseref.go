package gaterun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/ffiengine"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/instructions"
	"github.com/aegisbench/aegisbench/harness/refrun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/usage"
)

// BaseRef measures s.BaseRef (built in a worktree) and the working tree
// interleaved, in s.Mode, then judges them. The build logs go to stderr.
func BaseRef(ctx context.Context, stdout, stderr io.Writer, s Settings) error {
	root, err := reporoot.Find()
	if err != nil {
		return usage.Errorf("gate: %v", err)
	}
	work, err := os.MkdirTemp("", "aegisbench-gate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	runner := bench.ExecRunner{}
	cfg := refrun.RefConfig{Root: root, Ref: s.BaseRef, WorkDir: work, Tags: s.Tags, Log: stderr, Rounds: s.Count}
	switch s.Mode {
	case "time":
		err = timeSample(s, &cfg)
	case "instructions":
		err = instructionSample(ctx, stderr, s, &cfg, runner, work)
	default:
		return usage.Errorf("gate: --mode %q: want time or instructions", s.Mode)
	}
	if err != nil {
		return err
	}
	got, err := refrun.RunRef(ctx, runner, cfg)
	if err != nil {
		var se *refrun.SideError
		if errors.As(err, &se) && se.Side == "base" {
			return status(3, fmt.Errorf("cannot decide: the base could not be measured: %w", err))
		}
		if errors.As(err, &se) {
			return status(1, err)
		}
		return status(2, err)
	}
	if err := keepResults(s.Keep, got.Base, got.Head); err != nil {
		return err
	}
	return files(stdout, s, got.Base, got.Head)
}

// timeSample sets cfg to time each side with bench (the port alone,
// through both builds' shared libraries, for --engines rust-ffi).
func timeSample(s Settings, cfg *refrun.RefConfig) error {
	if cfg.Rounds == 0 {
		cfg.Rounds = 10
	}
	only := s.Only
	if len(s.Datasets) > 0 && !slices.Contains(argval.List(only), "hyperfine") {
		only += ",hyperfine" // bench times user datasets as whole processes
	}
	args := []string{"--only", only, "--sizes", argval.SizesText(s.Sizes)}
	for _, d := range s.Datasets {
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		args = append(args, "--dataset", abs)
	}
	args = append(args, strings.Fields(s.BenchArgs)...)
	if s.Engines == bench.EngineRustFFI {
		// The port alone: both builds' shared libraries under the
		// working tree's harness (refrun.PortSample).
		if !slices.Contains(strings.Split(cfg.Tags, ","), "rustffi") {
			cfg.Tags = strings.TrimPrefix(cfg.Tags+",rustffi", ",")
		}
		cfg.Sample = refrun.PortSample(refrun.HeadSide(*cfg), ffiengine.LibraryFile("aegispath"), args)
	} else {
		cfg.Sample = refrun.BenchSample(append([]string{"--engines", s.Engines}, args...))
	}
	return nil
}

// instructionSample sets cfg to count each side's instructions on the
// standard datasets of s.Sizes and the --dataset files.
func instructionSample(ctx context.Context, stderr io.Writer, s Settings, cfg *refrun.RefConfig, runner bench.Runner, work string) error {
	if cfg.Rounds == 0 {
		cfg.Rounds = 3
	}
	counter, err := instructions.DetectCounter(ctx, runner, work, s.Counter)
	if err != nil {
		return status(3, err)
	}
	fmt.Fprintf(stderr, "gate: counting instructions with %s\n", counter.Name())
	inputs, err := standardInputs(s)
	if err != nil {
		return err
	}
	for _, d := range s.Datasets {
		info, err := benchrun.DescribeDataset(d)
		if err != nil {
			return fmt.Errorf("gate: --dataset %w", err)
		}
		inputs = append(inputs, instructions.InstrInput{N: info.Findings, Path: info.Path, Dataset: bench.ConfigKey(strings.TrimSuffix(info.Name, filepath.Ext(info.Name)))})
	}
	opt := engines.Options{MaxDepth: s.MaxDepth, TopK: s.TopK}
	cfg.Sample = instructions.InstructionSample(counter, argval.List(s.Engines), inputs, opt, work)
	cfg.BuildPaths = true
	return nil
}

// standardInputs ensures the standard datasets of s.Sizes (s.Shape,
// s.Seed) in the cache.
func standardInputs(s Settings) ([]instructions.InstrInput, error) {
	var inputs []instructions.InstrInput
	for _, n := range s.Sizes {
		p, err := datasets.EnsureStandard(s.Shape, n, s.Seed)
		if err != nil {
			return nil, fmt.Errorf("gate: dataset %s n=%d: %w", s.Shape, n, err)
		}
		inputs = append(inputs, instructions.InstrInput{N: n, Path: p})
	}
	return inputs, nil
}
