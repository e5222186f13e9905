// Package gaterun is the regression gate as the gate command runs it:
// judging two results files (harness/gate), with the conformance verdict
// joined, rendered (reports) and written; measuring a base ref against
// the working tree first (harness/refrun, in time or instructions mode);
// taking the base from the history store; or calibrating the whole gate
// on this machine (harness/calibrate). The command line only parses
// flags into Settings and maps the outcome to the gate's exit status.
package gaterun

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/reports"
)

// Settings are what a gate run does: gate's flags as values.
type Settings struct {
	Base, Head  string // results files (files and history modes: Head)
	BaseRef     string // git ref measured against the working tree
	Conformance string // conformance verdict file ("" for none)
	Out         string // where the markdown summary or calibration report goes ("" for none)
	Thresholds  gate.Thresholds

	Mode      string   // --base-ref: "time" or "instructions"
	Count     int      // samples per side (0: the mode's default)
	Sizes     []int    // standard dataset sizes
	Datasets  []string // --dataset files
	Engines   string   // comma-separated engines
	Only      string   // bench --only tools (time mode)
	BenchArgs string   // extra bench arguments, space-separated
	Tags      string   // Go build tags of both builds
	Counter   string   // instruction counter: auto, perf or callgrind
	Shape     string   // dataset shape (instructions, calibration)
	Seed      uint64   // dataset seed (instructions, calibration)
	MaxDepth  int
	TopK      int
	Keep      string // copy the base-ref results files into this directory

	Calibration Calibration
	History     History
}

// Calibration are the settings of --calibrate.
type Calibration struct {
	Trials, DetectTrials int       // A/A runs, of which carry each slowdown
	Slowdowns            []float64 // injected slowdowns (fractions)
	Modes                []string  // "time", "instructions"
	InstrCount           int       // instruction counts per side
	Target               string    // series slowed down ("" for the default)
	PairsDir             string    // keeps the sampled pairs and judges them with earlier runs' ("" for none)
	Add                  int       // with PairsDir: new pairs this run at most (0: until Trials)
}

// History are the settings of --history.
type History struct {
	Window        int    // runs of the base branch
	Branch, Store string // base branch, SQLite store
}

// Error is a gate outcome that is not a pass, with the exit status the
// command line gives it: 1 a regression, a failed conformance or a head
// that does not build; 2 an unreadable input; 3 cannot decide. Usage
// errors are *usage.Error.
type Error struct {
	Status int
	Err    error
}

// Error returns the wrapped error's text.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

func status(code int, err error) error { return &Error{Status: code, Err: err} }

// Files judges the results files s.Head against s.Base.
func Files(stdout io.Writer, s Settings) error {
	return files(stdout, s, s.Base, s.Head)
}

func files(stdout io.Writer, s Settings, basePath, headPath string) error {
	base, err := load(basePath)
	if err != nil {
		return err
	}
	head, err := load(headPath)
	if err != nil {
		return err
	}
	return judge(stdout, s, base, head, nil)
}

// judge judges head against base, adds notes to the report, writes the
// summary to stdout and s.Out, and returns the verdict as an *Error
// unless it passed.
func judge(stdout io.Writer, s Settings, base, head *results.Set, notes []string) error {
	rep := gate.Judge(base, head, s.Thresholds)
	rep.Notes = append(rep.Notes, notes...)
	if s.Conformance != "" {
		v, err := conform.ReadSummary(s.Conformance)
		if err != nil {
			return status(2, fmt.Errorf("gate: %w", err))
		}
		rep.WithConformance(&gate.Conformance{Path: s.Conformance, Summary: v})
	}
	var sb strings.Builder
	if err := reports.WriteGate(&sb, rep); err != nil {
		return err
	}
	if _, err := fmt.Fprint(stdout, sb.String()); err != nil {
		return err
	}
	if s.Out != "" {
		if err := atomicfile.WriteFile(s.Out, []byte(sb.String())); err != nil {
			return status(2, err)
		}
	}
	if code := rep.Verdict.ExitCode(); code != 0 {
		return status(code, errors.New("gate: "+rep.Headline()))
	}
	return nil
}

// load reads one side: a file without results cannot be decided (3), an
// unreadable or malformed one is an unreadable input (2).
func load(path string) (*results.Set, error) {
	set, err := results.Load(path)
	switch {
	case errors.Is(err, results.ErrNoResults):
		return nil, status(3, fmt.Errorf("gate: cannot decide: %w", err))
	case err != nil:
		return nil, status(2, fmt.Errorf("gate: %w", err))
	}
	return set, nil
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
