// Package mainjob is the main job (make run, aegisbench run): the
// datasets of the ladder ensured, a quick conformance run (harness/
// conformrun), the benchmarks (harness/benchrun), their import into the
// history store (harness/historyrun) and the report (reports), each step
// a library call with values; the command each step amounts to is shown
// for people. The command line only parses flags into Settings.
package mainjob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/benchrun"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/conformrun"
	"github.com/aegisbench/aegisbench/harness/historyrun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/safeio"
	"github.com/aegisbench/aegisbench/reports"
)

// EngineNames are the engines the main job uses when they are available.
var EngineNames = []string{"go", "rust-ffi", "rust-cli"}

// Settings are what the main job does: run's flags as values.
type Settings struct {
	Sizes        []int  // realistic dataset sizes benchmarked
	Count        int    // benchmark samples
	Out          string // results.txt, profiles/, report/ go here
	ConformSizes []int  // sizes of the quick conformance run
	SkipBench    bool   // stop after conformance
	Store        string // history store ("" for none)
	// DatasetProgress, when set, returns the progress callback of a
	// dataset being generated (nil for none).
	DatasetProgress func(e datasets.Entry) func(done int)
	BenchProgress   bench.Progress // nil: none
}

// step is one step of the main job: a title, the equivalent command line
// (shown), and the library calls that do it.
type step struct {
	title, command string
	do             func(ctx context.Context) error
}

// Check validates s before anything runs (usage errors).
func (s Settings) Check() error {
	b := s.bench()
	return b.Check()
}

// bench is the benchmarks step's settings.
func (s Settings) bench() benchrun.Settings {
	b := benchrun.Default()
	b.Sizes, b.Count = s.Sizes, s.Count
	b.Out, b.ProfileDir = filepath.Join(s.Out, "results.txt"), filepath.Join(s.Out, "profiles")
	b.Progress = s.BenchProgress
	return b
}

// Run checks s, finds the engines this build and machine can run (the Go
// engine must be one) and runs the steps in order, stopping at the first
// failure or when ctx ends; an interruption names the step it stopped and
// the steps done, whose outputs are kept.
func Run(ctx context.Context, stdout, stderr io.Writer, s Settings) error {
	if err := s.Check(); err != nil {
		return err
	}
	have, err := availableEngines(stdout)
	if err != nil {
		return err
	}
	return runSteps(ctx, stdout, s, steps(stdout, stderr, s, have))
}

// steps are the main job's steps with engines have.
func steps(stdout, stderr io.Writer, s Settings, have []string) []step {
	report := filepath.Join(s.Out, "report")
	suite := conformrun.Suite{
		EngineNames: have, EnginesExplicit: true, Sizes: s.ConformSizes, Shapes: generators.ShapeNames(), Seeds: []uint64{1},
		Depths: []int{engines.DefaultMaxDepth}, TopKs: []int{engines.DefaultTopK},
		Report: filepath.Join(report, "CONFORMANCE.md"), ShrinkBudget: 2 * time.Minute, Jobs: runtime.GOMAXPROCS(0),
		Timeout: 10 * time.Minute, MaxInput: safeio.DefaultLimit(), Compare: conform.DefaultCompareOptions(),
	}
	suite.Args = []string{"--engines", strings.Join(have, ","), "--sizes", argval.SizesText(s.ConformSizes), "--shapes", "all", "--seeds", "1", "--report", suite.Report}
	maxN := slices.Max(s.Sizes)
	out := []step{
		{"datasets", fmt.Sprintf("aegisbench datasets ensure --max-findings %d", maxN), func(ctx context.Context) error {
			return ensureDatasets(ctx, stdout, maxN, s.DatasetProgress)
		}},
		{"conformance", "aegisbench conform " + strings.Join(suite.Args, " "), func(ctx context.Context) error {
			return conformrun.Run(ctx, suite, stdout, stderr)
		}},
	}
	if s.SkipBench {
		return out
	}
	bs := s.bench()
	bs.Engines = strings.Join(have, ",")
	out = append(out, step{"benchmarks", fmt.Sprintf("aegisbench bench --sizes %s --count %d --engines %s -o %s --profile-dir %s",
		argval.SizesText(s.Sizes), s.Count, bs.Engines, bs.Out, bs.ProfileDir), func(ctx context.Context) error {
		return benchrun.Run(ctx, bs, stdout, stderr)
	}})
	ra := reports.FilesReport{Files: []string{bs.Out}, Dir: report, Options: reports.Options{ProfileDir: bs.ProfileDir}, Store: s.Store}
	cmd := fmt.Sprintf("aegisbench report %s --profile-dir %s -o %s", bs.Out, bs.ProfileDir, report)
	if s.Store != "" {
		out = append(out, step{"history", fmt.Sprintf("aegisbench history import --store %s %s", s.Store, bs.Out),
			func(ctx context.Context) error {
				return historyrun.Import(ctx, stdout, stderr, s.Store, []string{bs.Out})
			}})
		cmd += " --history-store " + s.Store
	}
	return append(out, step{"report", cmd, func(ctx context.Context) error {
		path, err := reports.WriteFilesReport(ctx, ra)
		if err == nil {
			fmt.Fprintf(stderr, "report: wrote %s\n", path)
		}
		return err
	}})
}

// availableEngines are the main job's engines that this build and
// machine can run; the Go engine must be one.
func availableEngines(stdout io.Writer) ([]string, error) {
	var have, lack []string
	for _, name := range EngineNames {
		if err := engines.Available(name); err != nil {
			lack = append(lack, fmt.Sprintf("%s (%v)", name, err))
			continue
		}
		have = append(have, name)
	}
	if len(have) == 0 || have[0] != "go" {
		return nil, errors.New("the Go engine is not available: nothing to run")
	}
	fmt.Fprintf(stdout, "engines: %s\n", strings.Join(have, ", "))
	for _, l := range lack {
		fmt.Fprintf(stdout, "engine not available: %s\n", l)
	}
	return have, nil
}

// ensureDatasets ensures the manifest's datasets of at most maxN findings
// (of its generator version) in the cache.
func ensureDatasets(ctx context.Context, stdout io.Writer, maxN int, progress func(datasets.Entry) func(int)) error {
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
	return datasets.EnsureAll(ctx, stdout, entries, cache, progress)
}

// runSteps runs the steps in order, stopping at the first failure or
// interruption; an interruption names the step it stopped and the steps
// done, whose outputs are kept.
func runSteps(ctx context.Context, stdout io.Writer, s Settings, steps []step) error {
	start := time.Now()
	var done []string
	for i, st := range steps {
		fmt.Fprintf(stdout, "\n== step %d/%d: %s: %s\n", i+1, len(steps), st.title, st.command)
		t0 := time.Now()
		err := st.do(ctx)
		if ctx.Err() != nil {
			if err == nil {
				err = ctx.Err()
			}
			return fmt.Errorf("main job interrupted in step %d/%d %q (steps done, their outputs kept: %s): %w",
				i+1, len(steps), st.title, doneList(done), err)
		}
		if err != nil {
			return fmt.Errorf("main job step %q failed: %w", st.title, err)
		}
		done = append(done, st.title)
		fmt.Fprintf(stdout, "== %s done in %s\n", st.title, time.Since(t0).Round(time.Second))
	}
	report := filepath.Join(s.Out, "report")
	fmt.Fprintf(stdout, "\nmain job done in %s\n", time.Since(start).Round(time.Second))
	fmt.Fprintf(stdout, "conformance report: %s\n", filepath.Join(report, "CONFORMANCE.md"))
	if !s.SkipBench {
		fmt.Fprintf(stdout, "baseline report:    %s (plots in %s)\n", filepath.Join(report, "BASELINE.md"), filepath.Join(report, "plots"))
		fmt.Fprintf(stdout, "results file:       %s (benchstat %s)\n", filepath.Join(s.Out, "results.txt"), filepath.Join(s.Out, "results.txt"))
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
