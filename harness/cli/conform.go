package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
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
document to stdout (a message on stderr) and exits 1.`

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
	timeout          time.Duration
	compare          conform.CompareOptions
}

// conformStrings is a repeatable string flag.
type conformStrings []string

func (s *conformStrings) String() string     { return strings.Join(*s, ",") }
func (s *conformStrings) Set(v string) error { *s = append(*s, v); return nil }

func parseConformFlags(env Env, args []string) (*conformOptions, error) {
	fs := newFlagSet(env, "conform", conformUsage)
	o := &conformOptions{}
	enginesFlag := fs.String("engines", conformDefaultEngines, "comma-separated engines; the first is the reference")
	sizes := fs.String("sizes", "200,2000,20000", "comma-separated numbers of findings of the generated cases")
	shapes := fs.String("shapes", "all", `comma-separated generator shapes, or "all"`)
	seeds := fs.String("seeds", "1..5", "seeds of the generated cases: a list and ranges, e.g. 1..5 or 1,3,7..9")
	depths := fs.String("max-depth", strconv.Itoa(engines.DefaultMaxDepth), "max_depth of generated and dataset cases (a comma-separated list runs each)")
	topKs := fs.String("top-k", strconv.Itoa(engines.DefaultTopK), "top_k of generated and dataset cases (a comma-separated list runs each)")
	fs.StringVar(&o.vectorsDir, "vectors", "", "vectors directory (default <repo>/datasets/vectors)")
	fs.BoolVar(&o.noVectors, "no-vectors", false, "do not run the vectors")
	fs.Var((*conformStrings)(&o.datasets), "dataset", "also run this findings `FILE` (repeatable)")
	fs.Var((*conformStrings)(&o.cases), "case", "run only this case `NAME` (repeatable); a gen/... name needs no other flag")
	fs.StringVar(&o.expectedFailures, "expected-failures", "", "expected-failures `FILE` (default <repo>/conformance/expected-failures.txt when present)")
	fs.StringVar(&o.report, "report", filepath.Join("out", "report", "CONFORMANCE.md"), `markdown report FILE ("" for none)`)
	fs.StringVar(&o.digestsOut, "digests-out", "", "write the digest of every input and outcome to `FILE`")
	fs.StringVar(&o.verdictOut, "verdict", "", "write the verdict as JSON to `FILE` (what gate --conformance reads)")
	fs.StringVar(&o.shrinkDir, "shrink-dir", "", "where shrunk divergences become vectors (default <repo>/datasets/vectors/regressions)")
	fs.DurationVar(&o.shrinkBudget, "shrink-budget", 2*time.Minute, "total time for shrinking divergences (0 disables shrinking)")
	fs.IntVar(&o.jobs, "jobs", runtime.GOMAXPROCS(0), "cases run at once")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound on one engine call")
	maxULP := fs.Uint64("max-ulp", 2, "numbers at most this many ulps apart are classified float-last-ulp")
	diffOps := fs.Int("diff-ops", 20, "diff operations shown per divergence")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageError("conform: unexpected argument %q", rest[0])
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
	if o.engineNames = splitList(*enginesFlag); len(o.engineNames) == 0 {
		return nil, usageError("conform: --engines is empty")
	}
	if o.sizes, err = conformInts("sizes", *sizes, 0); err != nil {
		return nil, err
	}
	if o.depths, err = conformInts("max-depth", *depths, -1<<31); err != nil {
		return nil, err
	}
	if o.topKs, err = conformInts("top-k", *topKs, -1<<31); err != nil {
		return nil, err
	}
	if o.seeds, err = conformSeeds(*seeds); err != nil {
		return nil, err
	}
	known := generators.ShapeNames()
	if *shapes == "all" {
		o.shapes = known
	} else {
		for _, s := range splitList(*shapes) {
			if !conformContains(known, s) {
				return nil, usageError("conform: unknown shape %q (known: %s, or all)", s, strings.Join(known, ", "))
			}
			o.shapes = append(o.shapes, s)
		}
	}
	if o.jobs < 1 {
		return nil, usageError("conform: --jobs must be at least 1")
	}
	if o.noVectors && o.vectorsExplicit {
		return nil, usageError("conform: --vectors and --no-vectors exclude each other")
	}
	return o, nil
}

// conformInts parses a comma-separated list of integers >= lo.
func conformInts(name, s string, lo int) ([]int, error) {
	var out []int
	for _, p := range splitList(s) {
		v, err := strconv.Atoi(p)
		if err != nil || v < lo {
			return nil, usageError("conform: --%s: %q is not an integer >= %d", name, p, lo)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, usageError("conform: --%s is empty", name)
	}
	return out, nil
}

// conformSeeds parses "1..5", "1,3,7..9".
func conformSeeds(s string) ([]uint64, error) {
	var out []uint64
	for _, p := range splitList(s) {
		lo, hi, isRange := strings.Cut(p, "..")
		a, err := strconv.ParseUint(lo, 10, 64)
		b := a
		if err == nil && isRange {
			b, err = strconv.ParseUint(hi, 10, 64)
		}
		if err != nil || b < a || b-a > 1e6 {
			return nil, usageError("conform: --seeds: %q is not a seed or a range A..B", p)
		}
		for v := a; ; v++ {
			out = append(out, v)
			if v == b {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, usageError("conform: --seeds is empty")
	}
	return out, nil
}

func conformContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runConform(env Env, args []string) error {
	o, err := parseConformFlags(env, args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	var notes []string

	engs, skipped, err := conformOpenEngines(o)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		note := fmt.Sprintf("engine %s skipped: %s (name it in --engines to require it)", s.name, s.why)
		fmt.Fprintln(env.Stderr, "conform: note:", note)
		notes = append(notes, note)
	}
	if len(engs) == 1 {
		notes = append(notes, "only one engine: generated cases are digested, not compared; vectors are compared with their expectations")
	}

	root, rootErr := datasets.RepoRoot()
	inRoot := func(parts ...string) string {
		if rootErr != nil {
			return filepath.Join(parts...)
		}
		return filepath.Join(append([]string{root}, parts...)...)
	}
	if o.vectorsDir == "" {
		o.vectorsDir = inRoot("datasets", "vectors")
	}
	if o.shrinkDir == "" {
		o.shrinkDir = inRoot("datasets", "vectors", "regressions")
	}

	expected, err := conformLoadExpected(o, inRoot("conformance", "expected-failures.txt"))
	if err != nil {
		return err
	}
	source, err := conformSource()
	if err != nil {
		return err
	}
	cases, err := conformCases(o, source)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return usageError("conform: no cases to run")
	}

	runner := conform.Runner{Engines: engs, Jobs: o.jobs, Timeout: o.timeout, Compare: o.compare}
	names := make([]string, len(engs))
	for i, e := range engs {
		names[i] = e.Name()
	}
	fmt.Fprintf(env.Stdout, "conform: %d cases on %s (reference %s), %d jobs\n", len(cases), strings.Join(names, ", "), names[0], o.jobs)
	bar := conformProgressBar(env.Stderr, len(cases))
	if bar != nil {
		runner.Progress = func(done, total int) { _ = bar.Set(done) }
	}
	result, err := runner.Run(ctx, cases)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	verdict := expected.Judge(result.Cases)

	replay := func(caseName, ref, cand string) string {
		args := []string{"aegisbench", "conform", "--engines", strings.Join(conform.ReplayEngines(ref, cand), ","), "--case", caseName}
		for i, c := range cases {
			if c.Name != caseName {
				continue
			}
			args = append(args, cases[i].ReplayFlags...)
			if c.Kind == conform.KindVector && o.vectorsExplicit {
				args = append(args, "--vectors", o.vectorsDir)
			}
			break
		}
		return conformShellJoin(args)
	}

	// Shrink the unexpected failures, within the budget.
	var shrinks []conform.ShrinkReport
	deadline := time.Now().Add(o.shrinkBudget)
	for i, c := range result.Cases {
		if o.shrinkBudget <= 0 || verdict.Status[c.Name] != conform.StatusFailed {
			continue
		}
		left := time.Until(deadline)
		if left <= 0 {
			shrinks = append(shrinks, conform.ShrinkReport{Case: c.Name, Err: errors.New("the shrink budget was spent on earlier cases")})
			continue
		}
		d := c.Divergences()
		rep := ""
		if len(d) > 0 {
			rep = replay(c.Name, d[0].Reference, d[0].Candidate)
		}
		shrinks = append(shrinks, runner.ShrinkCase(ctx, cases[i], c, conform.ShrinkOptions{Budget: left}, o.shrinkDir, rep))
	}

	var shrinkSpent time.Duration
	for _, s := range shrinks {
		shrinkSpent += s.Result.Elapsed
	}
	conformPrintResults(env.Stdout, result, verdict, shrinks, replay, expected)

	command := conformShellJoin(append([]string{"aegisbench", "conform"}, args...))
	if o.report != "" {
		var b bytes.Buffer
		err := conform.WriteMarkdown(&b, conform.Report{
			Command: command, Platform: conform.CurrentPlatform(), Engines: conform.DescribeEngines(engs),
			Result: result, Verdict: verdict, Shrinks: shrinks, ExpectedFailures: conformListPath(expected), Replay: replay, Notes: notes,
		})
		if err == nil {
			err = atomicfile.WriteFileMkdirAll(o.report, b.Bytes())
		}
		if err != nil {
			return fmt.Errorf("conform: report: %w", err)
		}
		fmt.Fprintf(env.Stdout, "report: %s\n", o.report)
	}
	if o.digestsOut != "" {
		var b bytes.Buffer
		if err := conform.WriteDigests(&b, conform.CurrentPlatform(), result); err != nil {
			return err
		}
		if err := atomicfile.WriteFileMkdirAll(o.digestsOut, b.Bytes()); err != nil {
			return fmt.Errorf("conform: digests: %w", err)
		}
		fmt.Fprintf(env.Stdout, "digests: %s\n", o.digestsOut)
	}
	fmt.Fprintf(env.Stdout, "wall time: %s (cases %s, shrinking %s)\n", time.Since(start).Round(time.Millisecond),
		result.Wall.Round(time.Millisecond), shrinkSpent.Round(time.Millisecond))
	fmt.Fprintln(env.Stdout, verdict.SummaryLine())
	if o.verdictOut != "" {
		if err := conform.WriteSummary(o.verdictOut, verdict.Summary()); err != nil {
			return fmt.Errorf("conform: verdict: %w", err)
		}
	}
	if !verdict.OK() {
		return &ExitError{Code: 1, Err: errors.New("conformance failed")}
	}
	return nil
}

func conformListPath(ef *conform.ExpectedFailures) string {
	if ef == nil {
		return ""
	}
	return ef.Path
}

type conformSkipped struct{ name, why string }

// conformOpenEngines opens the engines: unknown names are usage errors,
// an unavailable engine fails the run when named explicitly and is
// skipped (reported) when it comes from the default list.
func conformOpenEngines(o *conformOptions) ([]engines.Engine, []conformSkipped, error) {
	var engs []engines.Engine
	var skipped []conformSkipped
	seen := map[string]bool{}
	for _, name := range o.engineNames {
		if seen[name] {
			return nil, nil, usageError("conform: engine %q listed twice", name)
		}
		seen[name] = true
		if name == conform.ExpectedEngine {
			return nil, nil, usageError("conform: %q is the name vectors' expectations use, not an engine", name)
		}
		e, err := engines.Open(name)
		switch {
		case err == nil:
			engs = append(engs, e)
		case errors.Is(err, engines.ErrUnavailable) && !o.enginesExplicit:
			skipped = append(skipped, conformSkipped{name, err.Error()})
		case errors.Is(err, engines.ErrUnavailable):
			return nil, nil, &ExitError{Code: 1, Err: fmt.Errorf("conform: %w (this build lacks it: build with `make build`, or leave it out of --engines)", err)}
		case strings.HasPrefix(err.Error(), "unknown engine"):
			return nil, nil, usageError("conform: %v", err)
		default:
			return nil, nil, &ExitError{Code: 1, Err: fmt.Errorf("conform: %w", err)}
		}
	}
	if len(engs) == 0 {
		return nil, nil, &ExitError{Code: 1, Err: errors.New("conform: no engine available")}
	}
	return engs, skipped, nil
}

func conformLoadExpected(o *conformOptions, defaultPath string) (*conform.ExpectedFailures, error) {
	path := o.expectedFailures
	if path == "" {
		if _, err := os.Stat(defaultPath); err != nil {
			return nil, nil // no list: every failure is unexpected
		}
		path = defaultPath
	}
	ef, err := conform.LoadExpectedFailures(path)
	if err != nil {
		if o.expectedExplicit {
			return nil, usageError("conform: --expected-failures: %v", err)
		}
		return nil, &ExitError{Code: 1, Err: fmt.Errorf("conform: %w", err)}
	}
	return ef, nil
}

// conformSource produces generated inputs: from the dataset cache for
// datasets the manifest lists (verified by sha256), in memory otherwise.
func conformSource() (conform.Source, error) {
	var manifest *datasets.Manifest
	if path, err := datasets.DefaultManifestPath(); err == nil {
		if _, statErr := os.Stat(path); statErr == nil {
			if manifest, err = datasets.LoadManifest(path); err != nil {
				return nil, &ExitError{Code: 1, Err: fmt.Errorf("conform: %w", err)}
			}
		}
	}
	var ensureMu sync.Mutex // one cache write at a time (cases may share a dataset)
	return func(shape string, n int, seed uint64) ([]byte, error) {
		if manifest != nil {
			if e, ok := manifest.Lookup(shape, n, seed); ok {
				cacheDir, err := datasets.CacheDir()
				if err != nil {
					return nil, err
				}
				ensureMu.Lock()
				path, err := datasets.Ensure(e, cacheDir)
				ensureMu.Unlock()
				if err != nil {
					return nil, err
				}
				return os.ReadFile(path)
			}
		}
		var b bytes.Buffer
		b.Grow(n * 2200)
		if err := generators.Generate(&b, generators.Config{Findings: n, Seed: seed, Shape: shape}); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}, nil
}

// conformCases builds the cases: --case names when given, else the
// vectors, the generated cross product and the dataset files.
func conformCases(o *conformOptions, source conform.Source) ([]conform.Case, error) {
	var vectorCases []conform.Case
	if !o.noVectors {
		vs, err := datasets.LoadVectors(o.vectorsDir)
		if err != nil {
			return nil, &ExitError{Code: 1, Err: fmt.Errorf("conform: %w", err)}
		}
		for _, v := range vs {
			vectorCases = append(vectorCases, conform.VectorCase(v.Name, v.Input, v.Options, v.Expected, v.ExpectedError))
		}
	}
	var datasetCases []conform.Case
	for _, path := range o.datasets {
		if _, err := os.Stat(path); err != nil {
			return nil, usageError("conform: --dataset: %v", err)
		}
		for _, d := range o.depths {
			for _, k := range o.topKs {
				datasetCases = append(datasetCases, conform.DatasetCase(path, engines.Options{MaxDepth: d, TopK: k}))
			}
		}
	}

	if len(o.cases) > 0 {
		var out []conform.Case
		for _, name := range o.cases {
			c, err := conformFindCase(name, vectorCases, datasetCases, source, o)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}

	out := append([]conform.Case{}, vectorCases...)
	for _, shape := range o.shapes {
		for _, n := range o.sizes {
			for _, seed := range o.seeds {
				for _, d := range o.depths {
					for _, k := range o.topKs {
						g := conform.Generated{Shape: shape, Findings: n, Seed: seed, Options: engines.Options{MaxDepth: d, TopK: k}}
						out = append(out, g.Case(source))
					}
				}
			}
		}
	}
	return append(out, datasetCases...), nil
}

func conformFindCase(name string, vectorCases, datasetCases []conform.Case, source conform.Source, o *conformOptions) (conform.Case, error) {
	switch {
	case strings.HasPrefix(name, "gen/"):
		g, err := conform.ParseGenerated(name)
		if err != nil {
			return conform.Case{}, usageError("conform: --case: %v", err)
		}
		if !conformContains(generators.ShapeNames(), g.Shape) {
			return conform.Case{}, usageError("conform: --case %s: unknown shape %q", name, g.Shape)
		}
		return g.Case(source), nil
	case strings.HasPrefix(name, "vector/"):
		if o.noVectors {
			return conform.Case{}, usageError("conform: --case %s needs the vectors (drop --no-vectors)", name)
		}
		for _, c := range vectorCases {
			if c.Name == name {
				return c, nil
			}
		}
		return conform.Case{}, usageError("conform: --case %s: no such vector in %s", name, o.vectorsDir)
	case strings.HasPrefix(name, "dataset/"):
		for _, c := range datasetCases {
			if c.Name == name {
				return c, nil
			}
		}
		return conform.Case{}, usageError("conform: --case %s: give the file with --dataset FILE (and its --max-depth/--top-k)", name)
	}
	return conform.Case{}, usageError("conform: --case %q: names start with gen/, vector/ or dataset/", name)
}

func conformPrintResults(w io.Writer, res *conform.Result, v conform.Verdict, shrinks []conform.ShrinkReport,
	replay func(string, string, string) string, ef *conform.ExpectedFailures) {
	byCase := map[string]conform.ShrinkReport{}
	for _, s := range shrinks {
		byCase[s.Case] = s
	}
	for _, c := range res.Cases {
		st := v.Status[c.Name]
		if c.Failed() && st == conform.StatusFailed {
			fmt.Fprintf(w, "FAIL %s\n", c.Name)
			if c.LoadError != "" {
				fmt.Fprintf(w, "  input: %s\n", c.LoadError)
			}
			for _, e := range c.Engines {
				if e.Kind == conform.KindFailure {
					fmt.Fprintf(w, "  engine %s failed: %s\n", e.Engine, e.Failure)
				}
			}
			for _, d := range c.Divergences() {
				fmt.Fprintf(w, "  %s vs %s: %s\n", d.Reference, d.Candidate, d.Class)
				for _, n := range d.Notes {
					fmt.Fprintf(w, "    %s\n", n)
				}
				for _, op := range d.Diff {
					fmt.Fprintf(w, "    %s\n", op)
				}
				if d.DiffTotal > len(d.Diff) {
					fmt.Fprintf(w, "    (first %d of %d diff operations)\n", len(d.Diff), d.DiffTotal)
				}
				fmt.Fprintf(w, "    replay: %s\n", replay(c.Name, d.Reference, d.Candidate))
			}
			if s, ok := byCase[c.Name]; ok {
				conformPrintShrink(w, s)
			}
		}
		if st == conform.StatusExpectedFailure {
			fmt.Fprintf(w, "expected failure %s\n", c.Name)
		}
		for _, in := range c.Infos() {
			fmt.Fprintf(w, "info %s: %s vs %s: %s: %s\n", c.Name, in.Reference, in.Candidate, in.Class, strings.Join(in.Notes, "; "))
		}
	}
	for _, s := range v.Stale {
		fmt.Fprintf(w, "STALE expected failure %s: it passes now; remove it from %s\n", s, conformListPath(ef))
	}
}

func conformPrintShrink(w io.Writer, s conform.ShrinkReport) {
	r := s.Result
	switch {
	case s.Err != nil && r.Tests == 0:
		fmt.Fprintf(w, "    not shrunk: %v\n", s.Err)
		return
	case s.Err != nil:
		fmt.Fprintf(w, "    shrinking stopped: %v\n", s.Err)
	}
	state := "1-minimal"
	if !r.Minimal {
		state = "NOT 1-minimal"
		if r.BudgetExhausted {
			state += " (shrink budget ran out)"
		}
	}
	fmt.Fprintf(w, "    shrunk (%s vs %s, %s): %d findings (from %d), %s, %d tests in %s", s.Reference, s.Candidate, s.Class,
		r.Findings, r.OriginalFindings, state, r.Tests, r.Elapsed.Round(time.Millisecond))
	if s.Dir != "" {
		fmt.Fprintf(w, " -> %s", s.Dir)
	}
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "    %s\n", n)
	}
}

// conformProgressBar returns a progress bar on a terminal, nil otherwise.
func conformProgressBar(w io.Writer, total int) *progressbar.ProgressBar {
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

// conformShellJoin renders args (program first) as a command line, quoting
// for a POSIX shell where needed, the way the benchmark runner shows its
// commands.
func conformShellJoin(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return bench.Command{Path: args[0], Args: args[1:]}.String()
}
