package cli

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/conformrun"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

func init() {
	registerCommand(command{
		name:    "conform",
		summary: "run every case on every engine and prove the outputs identical (RFC 8785 digests, diffs, shrinking)",
		run:     runConform,
	})
}

// conformDefaultEngines are used when --engines is not given; those not
// available in this build are skipped with a note. Named explicitly, an
// unavailable engine fails the run.
const conformDefaultEngines = "go,rust-ffi,rust-cli"

const conformUsage = `[flags]

Runs every case on every engine (the first is the reference) and compares
their outputs on the RFC 8785 (JCS) canonical form: SHA-256 digests, raw
bytes identical or not, error documents on code, index and field. Cases:
the vectors (vector/NAME), generated datasets
(gen/SHAPE/n=N/seed=S/d=D/k=K) and --dataset files (dataset/BASE/d=D/k=K).
A divergence is shown as a JSON diff (RFC 6901 pointers), classified
(ordering-only, float-last-ulp, missing/extra path, different-error,
engine-failure, other), shrunk by delta debugging to a 1-minimal findings
document written as a regression vector, and comes with the command that
replays it. Number or string formatting differences are reported, not
failed. Exit status: 0 passed, 1 failed, 2 usage.

Engines: go, go-naive, rust-ffi, rust-cli, or exec:COMMAND, a program run as
  COMMAND --in FILE --max-depth N --top-k K
that writes the output document to stdout and exits 0, or writes the error
document to stdout (a message on stderr) and exits 1; or ffi:PATH, a shared
library exporting the engine C ABI (engines/SPEC.md section 9), loaded at run
time. LABEL=ENGINE names an engine LABEL.`

// conformOptions are the parsed flags of conform.
type conformOptions struct {
	engineNames      []string
	enginesExplicit  bool
	sizes            []int
	shapes           []string
	seeds            []uint64
	depths, topKs    []int
	vectorsDir       string
	vectorsExplicit  bool
	noVectors        bool
	datasets         []string
	cases            []string
	expectedFailures string
	expectedExplicit bool
	report           string
	digestsOut       string
	verdictOut       string
	shrinkDir        string
	shrinkBudget     time.Duration
	jobs             int
	limits           cmdline.Limits
	compare          conform.CompareOptions
}

// parseShapes parses --shapes: "all" or distinct known shape names.
func parseShapes(flag string) ([]string, error) {
	var list []string
	known := generators.ShapeNames()
	if flag == "all" {
		return known, nil
	}
	for _, s := range argval.List(flag) {
		if !slices.Contains(known, s) {
			return nil, cmdline.UsageError("conform: unknown shape %q (known: %s, or all)", s, strings.Join(known, ", "))
		}
		list = append(list, s)
	}
	if err := argval.Distinct(list); err != nil {
		return nil, cmdline.UsageError("conform: --shapes: %v", err)
	}
	return list, nil
}

// check validates what the flags left to check together: distinct
// datasets and output files, the limits, the shrink budget and the jobs.
func (o *conformOptions) check() error {
	if err := argval.Distinct(o.datasets); err != nil {
		return cmdline.UsageError("conform: --dataset: %v", err)
	}
	if err := o.limits.Check("conform"); err != nil {
		return err
	}
	if o.shrinkBudget < 0 {
		return cmdline.UsageError("conform: --shrink-budget %s: must be 0 (no shrinking) or positive", o.shrinkBudget)
	}
	var inputs []safeio.File
	for _, d := range o.datasets {
		inputs = append(inputs, safeio.File{Flag: "--dataset", Path: d})
	}
	if err := cmdline.DistinctFiles("conform", inputs, []safeio.File{{Flag: "--report", Path: o.report}, {Flag: "--digests-out", Path: o.digestsOut}, {Flag: "--verdict", Path: o.verdictOut}}); err != nil {
		return err
	}
	if o.jobs < 1 {
		return cmdline.UsageError("conform: --jobs must be at least 1")
	}
	if o.noVectors && o.vectorsExplicit {
		return cmdline.UsageError("conform: --vectors and --no-vectors exclude each other")
	}
	return nil
}

// parseConformFlags parses and checks the flags of conform.
func parseConformFlags(env cmdline.Env, args []string) (*conformOptions, error) {
	fs := cmdline.NewFlagSet(env, "conform", conformUsage)
	o := &conformOptions{}
	enginesFlag := fs.String("engines", conformDefaultEngines, "comma-separated engines; the first is the reference")
	sizes := fs.String("sizes", "200,2000,20000", "comma-separated numbers of findings of the generated cases")
	shapes := fs.String("shapes", "all", `comma-separated generator shapes, or "all"`)
	seeds := fs.String("seeds", "1..5", "seeds of the generated cases: a list and ranges, e.g. 1..5 or 1,3,7..9")
	depths := fs.String("max-depth", strconv.Itoa(engines.DefaultMaxDepth), "max_depth of generated and dataset cases (a comma-separated list runs each)")
	topKs := fs.String("top-k", strconv.Itoa(engines.DefaultTopK), "top_k of generated and dataset cases (a comma-separated list runs each)")
	fs.StringVar(&o.vectorsDir, "vectors", "", "vectors directory (default <repo>/datasets/vectors)")
	fs.BoolVar(&o.noVectors, "no-vectors", false, "do not run the vectors")
	fs.Var((*stringsFlag)(&o.datasets), "dataset", "also run this findings `FILE` (repeatable)")
	fs.Var((*stringsFlag)(&o.cases), "case", "run only this case `NAME` (repeatable); a gen/... name needs no other flag")
	fs.StringVar(&o.expectedFailures, "expected-failures", "", "expected-failures `FILE` (default <repo>/conformance/expected-failures.txt when present)")
	fs.StringVar(&o.report, "report", filepath.Join("out", "report", "CONFORMANCE.md"), `markdown report FILE ("" for none)`)
	fs.StringVar(&o.digestsOut, "digests-out", "", "write the digest of every input and outcome to `FILE`")
	fs.StringVar(&o.verdictOut, "verdict", "", "write the verdict as JSON to `FILE` (what gate --conformance reads)")
	fs.StringVar(&o.shrinkDir, "shrink-dir", "", "where shrunk divergences become vectors (default <repo>/datasets/vectors/regressions)")
	fs.DurationVar(&o.shrinkBudget, "shrink-budget", 2*time.Minute, "total time for shrinking divergences (0 disables shrinking)")
	fs.IntVar(&o.jobs, "jobs", runtime.GOMAXPROCS(0), "cases run at once")
	o.limits.Register(fs, 10*time.Minute)
	maxULP := fs.Uint64("max-ulp", 2, "numbers at most this many ulps apart are classified float-last-ulp")
	diffOps := fs.Int("diff-ops", 20, "diff operations shown per divergence")
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, cmdline.UsageError("conform: unexpected argument %q", rest[0])
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "engines":
			o.enginesExplicit = true
		case "vectors":
			o.vectorsExplicit = true
		case "expected-failures":
			o.expectedExplicit = true
		}
	})
	o.compare = conform.CompareOptions{MaxULP: *maxULP, MaxOps: *diffOps}
	if o.engineNames = argval.List(*enginesFlag); len(o.engineNames) == 0 {
		return nil, cmdline.UsageError("conform: --engines is empty")
	}
	if err := argval.Distinct(o.engineNames); err != nil {
		return nil, cmdline.UsageError("conform: --engines: %v", err)
	}
	if o.sizes, err = argval.Sizes(*sizes); err != nil {
		return nil, cmdline.UsageError("conform: --sizes: %v", err)
	}
	if o.depths, err = argval.Ints(*depths, -1<<31, 1<<31-1); err != nil {
		return nil, cmdline.UsageError("conform: --max-depth: %v", err)
	}
	if o.topKs, err = argval.Ints(*topKs, -1<<31, 1<<31-1); err != nil {
		return nil, cmdline.UsageError("conform: --top-k: %v", err)
	}
	if o.seeds, err = argval.Seeds(*seeds); err != nil {
		return nil, cmdline.UsageError("conform: --seeds: %v", err)
	}
	if o.shapes, err = parseShapes(*shapes); err != nil {
		return nil, err
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

func runConform(env cmdline.Env, args []string) error {
	o, err := parseConformFlags(env, args)
	if err != nil {
		return err
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	suite := o.suite()
	suite.Args = args
	bar := conformProgressBar(env.Stderr)
	if bar != nil {
		suite.Progress = func(done, total int) {
			bar.ChangeMax(total)
			_ = bar.Set(done)
		}
		defer bar.Finish()
	}
	return conformExit(interrupted, conformrun.Run(ctx, suite, env.Stdout, env.Stderr))
}

// suite is the conformance run the flags ask for.
func (o *conformOptions) suite() conformrun.Suite {
	return conformrun.Suite{
		EngineNames: o.engineNames, EnginesExplicit: o.enginesExplicit,
		Sizes: o.sizes, Shapes: o.shapes, Seeds: o.seeds, Depths: o.depths, TopKs: o.topKs,
		VectorsDir: o.vectorsDir, VectorsExplicit: o.vectorsExplicit, NoVectors: o.noVectors,
		Datasets: o.datasets, Cases: o.cases, ExpectedFailures: o.expectedFailures, ExpectedExplicit: o.expectedExplicit,
		Report: o.report, DigestsOut: o.digestsOut, VerdictOut: o.verdictOut,
		ShrinkDir: o.shrinkDir, ShrinkBudget: o.shrinkBudget, Jobs: o.jobs,
		Timeout: o.limits.Timeout, MaxInput: o.limits.MaxInput, LimitEngine: o.limits.LimitEngine, Compare: o.compare,
	}
}

// conformExit maps a conformance run's error to the exit status: 2 for a
// usage error (ExitCode), 130/143 when interrupted, 1 for a failed verdict
// or run.
func conformExit(interrupted func(error) error, err error) error {
	if errors.Is(err, context.Canceled) {
		return interrupted(err)
	}
	return err
}

// conformProgressBar returns a progress bar on a terminal, nil otherwise.
func conformProgressBar(w io.Writer) *progressbar.ProgressBar {
	total := -1
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("conform"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
