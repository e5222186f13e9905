// Package conformrun is the conformance run as the conform command and
// the main job use it: it opens the engines, builds the cases (vectors,
// generated shapes, dataset files), runs them (harness/conform), judges
// them against the expected failures, shrinks the unexpected ones within
// a budget, prints the results and writes the report, the digests and the
// verdict. The command line only parses flags into a Suite.
package conformrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	"github.com/aegisbench/aegisbench/internal/usage"
)

// Suite is what a conformance run does: the engines, the cases and where
// the results go.
type Suite struct {
	EngineNames      []string
	EnginesExplicit  bool // named on the command line: unavailable is an error, not a skip
	Sizes            []int
	Shapes           []string
	Seeds            []uint64
	Depths, TopKs    []int
	VectorsDir       string
	VectorsExplicit  bool
	NoVectors        bool
	Datasets         []string
	Cases            []string
	ExpectedFailures string
	ExpectedExplicit bool
	Report           string
	DigestsOut       string
	VerdictOut       string
	ShrinkDir        string
	ShrinkBudget     time.Duration
	Jobs             int
	Timeout          time.Duration // one engine call
	MaxInput         int64         // bytes of a --dataset file
	// LimitEngine, when set, wraps every engine opened (an output limit).
	LimitEngine func(engines.Engine) engines.Engine
	Compare     conform.CompareOptions
	// Args are the command-line arguments recorded in the report.
	Args []string
	// Progress, when set, is told how many cases are done.
	Progress func(done, total int)
}

// UsageError is a Suite that cannot run as given (exit 2 on the command
// line); other errors are failures of the run (exit 1).
type UsageError = usage.Error

// usageError formats a UsageError.
func usageError(format string, args ...any) error { return usage.Errorf(format, args...) }

// ErrFailed is returned (wrapped) when the verdict fails.
var ErrFailed = errors.New("conformance failed")

// limit applies Suite.LimitEngine.
func limit(s *Suite, e engines.Engine) engines.Engine {
	if s.LimitEngine == nil {
		return e
	}
	return s.LimitEngine(e)
}

// Run runs the suite, printing results to w and notes to errw. A run cut
// short by ctx still judges and reports its finished cases, writes no
// verdict file and returns ctx's error; a failing verdict is ErrFailed.
//
// Run is the whole policy of a conformance run in order: engines, cases,
// run, judge, shrink, print, files.
func Run(ctx context.Context, s Suite, w, errw io.Writer) error {
	o := &s
	start := time.Now()

	engs, notes, err := openEnginesNoted(o, errw)
	if err != nil {
		return err
	}
	expected, err := loadExpected(o, setDefaultPaths(o))
	if err != nil {
		return err
	}
	source, err := source()
	if err != nil {
		return err
	}
	cases, err := cases(o, source)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return usageError("conform: no cases to run")
	}

	runner := conform.Runner{Engines: engs, Jobs: o.Jobs, Timeout: o.Timeout, Compare: o.Compare}
	names := make([]string, len(engs))
	for i, e := range engs {
		names[i] = e.Name()
	}
	fmt.Fprintf(w, "conform: %d cases on %s (reference %s), %d jobs\n", len(cases), strings.Join(names, ", "), names[0], o.Jobs)
	runner.Progress = o.Progress
	result, runErr := runner.Run(ctx, cases)
	if result == nil {
		return runErr
	}
	if runErr != nil {
		// Interrupted: report the finished cases, shrink nothing.
		note := fmt.Sprintf("INTERRUPTED: %d of %d cases finished, %d not run; the verdict covers the finished ones only",
			len(result.Cases), len(cases), result.Unfinished)
		fmt.Fprintln(errw, "conform:", note)
		notes = append(notes, note)
		o.ShrinkBudget = 0
	}
	verdict := expected.Judge(result.Cases)
	replay := replayCommand(o, cases)
	shrinks := shrinkFailures(ctx, runner, o, cases, result, verdict, replay)

	var shrinkSpent time.Duration
	for _, s := range shrinks {
		shrinkSpent += s.Result.Elapsed
	}
	printResults(w, result, verdict, shrinks, replay, expected)

	rep := conform.Report{
		Platform: conform.CurrentPlatform(), Engines: conform.DescribeEngines(engs),
		Result: result, Verdict: verdict, Shrinks: shrinks, ExpectedFailures: listPath(expected), Replay: replay, Notes: notes,
	}
	if err := writeFiles(w, o, rep); err != nil {
		return err
	}
	fmt.Fprintf(w, "wall time: %s (cases %s, shrinking %s)\n", time.Since(start).Round(time.Millisecond),
		result.Wall.Round(time.Millisecond), shrinkSpent.Round(time.Millisecond))
	fmt.Fprintln(w, verdict.SummaryLine())
	if runErr != nil {
		return runErr // no verdict file: an interrupted run proves nothing
	}
	if o.VerdictOut != "" {
		if err := conform.WriteSummary(o.VerdictOut, verdict.Summary()); err != nil {
			return fmt.Errorf("conform: verdict: %w", err)
		}
	}
	if !verdict.OK() {
		return ErrFailed
	}
	return nil
}

// openEnginesNoted opens the engines (see openEngines) and returns the
// report's notes on them: each skipped engine (also said on errw), and a
// lone engine.
func openEnginesNoted(o *Suite, errw io.Writer) ([]engines.Engine, []string, error) {
	var notes []string
	engs, skipped, err := openEngines(o)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range skipped {
		note := fmt.Sprintf("engine %s skipped: %s (name it in --engines to require it)", s.name, s.why)
		fmt.Fprintln(errw, "conform: note:", note)
		notes = append(notes, note)
	}
	if len(engs) == 1 {
		notes = append(notes, "only one engine: generated cases are digested, not compared; vectors are compared with their expectations")
	}
	return engs, notes, nil
}

// setDefaultPaths fills o's empty vectors and shrink directories from the
// repository root and returns the default expected-failures file (paths
// relative to the working directory when there is no root).
func setDefaultPaths(o *Suite) string {
	root, rootErr := reporoot.Find()
	inRoot := func(parts ...string) string {
		if rootErr != nil {
			return filepath.Join(parts...)
		}
		return filepath.Join(append([]string{root}, parts...)...)
	}
	if o.VectorsDir == "" {
		o.VectorsDir = inRoot("datasets", "vectors")
	}
	if o.ShrinkDir == "" {
		o.ShrinkDir = inRoot("datasets", "vectors", "regressions")
	}
	return inRoot("conformance", "expected-failures.txt")
}

// replayCommand returns the function giving the command that replays one
// case on a reference and a candidate engine.
func replayCommand(o *Suite, cases []conform.Case) func(caseName, ref, cand string) string {
	return func(caseName, ref, cand string) string {
		args := []string{"aegisbench", "conform", "--engines", strings.Join(conform.ReplayEngines(ref, cand), ","), "--case", caseName}
		for i, c := range cases {
			if c.Name != caseName {
				continue
			}
			args = append(args, cases[i].ReplayFlags...)
			if c.Kind == conform.KindVector && o.VectorsExplicit {
				args = append(args, "--vectors", o.VectorsDir)
			}
			break
		}
		return shellJoin(args)
	}
}

// shrinkFailures shrinks the cases that failed unexpectedly, in order,
// until o.ShrinkBudget is spent (the later ones then report it).
func shrinkFailures(ctx context.Context, runner conform.Runner, o *Suite, cases []conform.Case, result *conform.Result,
	verdict conform.Verdict, replay func(caseName, ref, cand string) string) []conform.ShrinkReport {
	var shrinks []conform.ShrinkReport
	deadline := time.Now().Add(o.ShrinkBudget)
	for i, c := range result.Cases {
		if o.ShrinkBudget <= 0 || verdict.Status[c.Name] != conform.StatusFailed {
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
		shrinks = append(shrinks, runner.ShrinkCase(ctx, cases[i], c, conform.ShrinkOptions{Budget: left}, o.ShrinkDir, rep))
	}
	return shrinks
}

// writeFiles writes the markdown report and the digests file that o asks
// for (the verdict file is written by Run, only for a finished run).
func writeFiles(w io.Writer, o *Suite, rep conform.Report) error {
	rep.Command = shellJoin(append([]string{"aegisbench", "conform"}, o.Args...))
	if o.Report != "" {
		var b bytes.Buffer
		err := conform.WriteMarkdown(&b, rep)
		if err == nil {
			err = atomicfile.WriteFileMkdirAll(o.Report, b.Bytes())
		}
		if err != nil {
			return fmt.Errorf("conform: report: %w", err)
		}
		fmt.Fprintf(w, "report: %s\n", o.Report)
	}
	if o.DigestsOut != "" {
		var b bytes.Buffer
		if err := conform.WriteDigests(&b, rep.Platform, rep.Result); err != nil {
			return err
		}
		if err := atomicfile.WriteFileMkdirAll(o.DigestsOut, b.Bytes()); err != nil {
			return fmt.Errorf("conform: digests: %w", err)
		}
		fmt.Fprintf(w, "digests: %s\n", o.DigestsOut)
	}
	return nil
}

type skippedEngine struct{ name, why string }

// unavailableReason is why an engine cannot run here, without its name
// (the note names it).
func unavailableReason(err error) string {
	var oe *engines.OpenError
	if errors.As(err, &oe) {
		return oe.Err.Error()
	}
	return err.Error()
}

func listPath(ef *conform.ExpectedFailures) string {
	if ef == nil {
		return ""
	}
	return ef.Path
}

// openEngines opens the engines: unknown names are usage errors,
// an unavailable engine fails the run when named explicitly and is
// skipped (reported) when it comes from the default list.
func openEngines(o *Suite) ([]engines.Engine, []skippedEngine, error) {
	var engs []engines.Engine
	var skipped []skippedEngine
	seen := map[string]bool{}
	for _, name := range o.EngineNames {
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
			engs = append(engs, limit(o, e))
		case errors.Is(err, engines.ErrUnavailable) && !o.EnginesExplicit:
			skipped = append(skipped, skippedEngine{name, unavailableReason(err)})
		case errors.Is(err, engines.ErrUnavailable):
			return nil, nil, fmt.Errorf("conform: %w (leave it out of --engines to skip it)", err)
		case strings.HasPrefix(err.Error(), "unknown engine"):
			return nil, nil, usageError("conform: %v", err)
		default:
			return nil, nil, fmt.Errorf("conform: %w", err)
		}
	}
	if len(engs) == 0 {
		return nil, nil, errors.New("conform: no engine available")
	}
	return engs, skipped, nil
}

func loadExpected(o *Suite, defaultPath string) (*conform.ExpectedFailures, error) {
	path := o.ExpectedFailures
	if path == "" {
		if _, err := os.Stat(defaultPath); err != nil {
			return nil, nil // no list: every failure is unexpected
		}
		path = defaultPath
	}
	ef, err := conform.LoadExpectedFailures(path)
	if err != nil {
		if o.ExpectedExplicit {
			return nil, usageError("conform: --expected-failures: %v", err)
		}
		return nil, fmt.Errorf("conform: %w", err)
	}
	return ef, nil
}

func printResults(w io.Writer, res *conform.Result, v conform.Verdict, shrinks []conform.ShrinkReport,
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
				printShrink(w, s)
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
		fmt.Fprintf(w, "STALE expected failure %s: it passes now; remove it from %s\n", s, listPath(ef))
	}
}

func printShrink(w io.Writer, s conform.ShrinkReport) {
	r := s.Result
	switch {
	case !s.Shrunk():
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

// shellJoin renders args (program first) as a command line, quoting
// for a POSIX shell where needed, the way the benchmark runner shows its
// commands.
func shellJoin(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return bench.Command{Path: args[0], Args: args[1:]}.String()
}
