package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// Progress is told about each step as it starts. Implementations draw a
// progress bar on a terminal or print a line per step in a log.
type Progress interface {
	Start(total int)
	Step(index int, s Step) // index is 0-based
	Done()
}

// NoProgress reports nothing.
type NoProgress struct{}

// Start does nothing.
func (NoProgress) Start(int) {}

// Step does nothing.
func (NoProgress) Step(int, Step) {}

// Done does nothing.
func (NoProgress) Done() {}

// Options are the settings of Execute.
type Options struct {
	// KeepGoing records a failing arm, skips its remaining samples and
	// goes on with the others, instead of stopping at the first failure.
	KeepGoing bool
	Progress  Progress
	// Resume, when set, skips the sample and profile steps before
	// Resume.Step (an interrupted run took them; its measurements are in
	// Resume.Measurements and come first in the results). Setup steps
	// always run: the builds live in the work directory.
	Resume *Resume
	// Precision, when set, samples each arm only until its medians are
	// known to Precision.Width (the plan's Count rounds at most).
	Precision *Precision
}

// Failure is an arm that failed and stopped being measured.
type Failure struct {
	Arm   string
	Round int
	Err   error
}

func (f Failure) String() string {
	msg, _, _ := strings.Cut(f.Err.Error(), "\n")
	return fmt.Sprintf("%s (sample %d): %s", f.Arm, f.Round, msg)
}

// Results are the measurements of a run, in the order they were taken.
type Results struct {
	Measurements []Measurement
	Failures     []Failure
	// Interrupted is set when the context ended during the run: the
	// measurements taken before are kept, and the run can be resumed at
	// Interrupted.Step.
	Interrupted *Interruption
	// Precision is each arm's precision when Options.Precision was set.
	Precision []ArmPrecision
}

// Interruption says where a run stopped: the index of the first step not
// done (0-based) and what it was.
type Interruption struct {
	Step  int
	Total int
	What  string // the step, as in --dry-run
	Err   error  // the context's error
}

// String is the "interrupted:" config value of the results file:
// "step=K/N at [sample 3] go engine=go n=2000".
func (i Interruption) String() string {
	return fmt.Sprintf("step=%d/%d at %s", i.Step, i.Total, i.What)
}

// ErrFailures is returned (wrapped) by Execute with KeepGoing when some
// arms failed; the results of the others are still returned.
var ErrFailures = errors.New("some benchmarks failed")

// Execute runs the plan's steps in order through r. A setup or profile
// failure always stops the run; a sample failure stops it unless
// opt.KeepGoing. The profiling run's benchmark lines are written to
// ProfileDir/benchmark.txt, not to the results.
func Execute(ctx context.Context, p *Plan, r Runner, opt Options) (*Results, error) {
	prog := opt.Progress
	if prog == nil {
		prog = NoProgress{}
	}
	prog.Start(len(p.Steps))
	defer prog.Done()
	res := &Results{}
	if opt.Resume != nil {
		res.Measurements = append(res.Measurements, opt.Resume.Measurements...)
	}
	failed := map[string]bool{}
	var track *tracker
	if opt.Precision != nil {
		track = newTracker(opt.Precision, p.Steps)
		defer func() { res.Precision = track.report() }()
	}
	interrupted := func(i int, err error) (*Results, error) {
		res.Interrupted = &Interruption{Step: i, Total: len(p.Steps), What: p.Steps[i].String(), Err: err}
		return res, fmt.Errorf("interrupted at step %d of %d (%s): %w", i+1, len(p.Steps), p.Steps[i], err)
	}
	for i, s := range p.Steps {
		if err := ctx.Err(); err != nil {
			return interrupted(i, err)
		}
		if i > 0 && p.Steps[i-1].Phase == PhaseSample && (s.Phase != PhaseSample || s.Round != p.Steps[i-1].Round) {
			track.roundEnded()
		}
		if s.Phase == PhaseSample && (failed[s.Arm] || track.stopped(s.Arm)) {
			continue
		}
		if opt.Resume != nil && s.Phase != PhaseSetup && i < opt.Resume.Step {
			continue
		}
		prog.Step(i, s)
		if s.Phase == PhaseProfile {
			if err := os.MkdirAll(p.Config.ProfileDir, 0o755); err != nil {
				return nil, fmt.Errorf("profile directory: %w", err)
			}
		}
		out, ms, err := runStep(ctx, r, s)
		if err != nil && ctx.Err() != nil {
			return interrupted(i, ctx.Err()) // the step was cut short: not a failure, not a sample
		}
		if err != nil {
			if s.Phase != PhaseSample || !opt.KeepGoing {
				return nil, fmt.Errorf("%s %s: %w", s.Phase, s.Arm, err)
			}
			failed[s.Arm] = true
			res.Failures = append(res.Failures, Failure{Arm: s.Arm, Round: s.Round, Err: err})
			continue
		}
		switch s.Phase {
		case PhaseSample:
			res.Measurements = append(res.Measurements, ms...)
			track.add(s.Arm, ms)
		case PhaseProfile:
			path := filepath.Join(p.Config.ProfileDir, ProfileBenchmark)
			if err := atomicfile.WriteFileMkdirAll(path, out.Stdout); err != nil {
				return nil, err
			}
		}
	}
	if len(res.Failures) > 0 {
		var lines []string
		for _, f := range res.Failures {
			lines = append(lines, f.String())
		}
		return res, fmt.Errorf("%w:\n  %s", ErrFailures, strings.Join(lines, "\n  "))
	}
	return res, nil
}

// runStep runs a step's Prepare commands in order, then its command, and
// collects its results; it stops at the first command that fails.
func runStep(ctx context.Context, r Runner, s Step) (Output, []Measurement, error) {
	for _, c := range s.Prepare {
		if _, err := r.Run(ctx, c); err != nil {
			return Output{}, nil, fmt.Errorf("preparing: %w", err)
		}
	}
	out, err := r.Run(ctx, s.Cmd)
	if err != nil || s.collect == nil {
		return out, nil, err
	}
	ms, err := s.collect(out)
	if err != nil {
		return out, nil, fmt.Errorf("%s: %w", s.Cmd, err)
	}
	return out, ms, nil
}
