package reports

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/usage"
)

// BaselineFile is the markdown file name of a report directory.
const BaselineFile = "BASELINE.md"

// WriteBaseline builds the baseline of set and writes DIR/BASELINE.md and
// DIR/plots/*.png|svg. Every file is written to a temporary name and
// renamed, so an error leaves no half-written file. When ctx ends it stops
// before the next plot (the plots written stay whole, BASELINE.md is left
// as it was) and returns ctx's error.
func WriteBaseline(ctx context.Context, dir string, set *results.Set, opt Options) (*Baseline, error) {
	b, err := Build(set, opt)
	if err != nil {
		return nil, err
	}
	var refs []PlotRef
	for _, f := range figures {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fig, why, err := f.draw(b)
		if err != nil {
			return nil, fmt.Errorf("plot %s: %w", f.name, err)
		}
		ref := PlotRef{Name: f.name, Title: f.title, Why: why}
		if fig != nil {
			png, svg, err := renderFigure(fig)
			if err != nil {
				return nil, fmt.Errorf("plot %s: %w", f.name, err)
			}
			if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, "plots", f.name+".png"), png); err != nil {
				return nil, err
			}
			if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, "plots", f.name+".svg"), svg); err != nil {
				return nil, err
			}
			ref.Drawn = true
		}
		refs = append(refs, ref)
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, b, refs); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, BaselineFile), md.Bytes()); err != nil {
		return nil, err
	}
	return b, nil
}

// FilesReport is what the report command reports: results files (several
// are merged as more samples of one platform) and where they go.
type FilesReport struct {
	Files   []string
	Dir     string // BASELINE.md and plots/ go here
	Options Options
	Mixed   bool // merge files of several platforms anyway
	// Store, when set, is the history store holding the one results file:
	// the report says where the run stands against the previous runs.
	Store string
}

// standingRuns is how many previous runs a report compares with.
const standingRuns = 10

// WriteFilesReport loads r.Files, refuses files of several platforms
// unless r.Mixed, adds the run's standing from r.Store and writes the
// baseline into r.Dir (WriteBaseline). It returns the markdown file's path.
func WriteFilesReport(ctx context.Context, r FilesReport) (string, error) {
	set, err := results.Load(r.Files...)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	if len(set.Series) == 0 {
		return "", fmt.Errorf("report: no benchmark results in %v", r.Files)
	}
	if err := samePlatform(set); err != nil && !r.Mixed {
		return "", fmt.Errorf("report: %w (give --mixed to merge them anyway)", err)
	}
	opt := r.Options
	if r.Store != "" {
		if len(r.Files) != 1 {
			return "", usage.Errorf("report: --history-store takes one results file")
		}
		if opt.Standing, err = standing(r.Store, r.Files[0]); err != nil {
			return "", fmt.Errorf("report: %w", err)
		}
	}
	if _, err := WriteBaseline(ctx, r.Dir, set, opt); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return filepath.Join(r.Dir, BaselineFile), nil
}

// standing is where the results file stands in the history store.
func standing(store, file string) (*history.Standing, error) {
	s, err := history.Open(store)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.StandingOf(file, standingRuns)
}

// platformKeys are the configuration keys that tell platforms apart.
var platformKeys = []string{"goos", "goarch", "cpu", "cores"}

// samePlatform returns an error naming the first platform key on which the
// set's files differ.
func samePlatform(set *results.Set) error {
	for _, k := range platformKeys {
		for _, f := range set.Files[1:] {
			if a, b := set.Files[0].Get(k), f.Get(k); a != b {
				return fmt.Errorf("%s has %s %q but %s has %q: not one platform", set.Files[0].Path, k, a, f.Path, b)
			}
		}
	}
	return nil
}
