package reports

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// BaselineFile is the markdown file name of a report directory.
const BaselineFile = "BASELINE.md"

// WriteBaseline builds the baseline of set and writes DIR/BASELINE.md and
// DIR/plots/*.png|svg. Every file is written to a temporary name and
// renamed, so an error leaves no half-written file.
func WriteBaseline(dir string, set *results.Set, opt Options) (*Baseline, error) {
	b, err := Build(set, opt)
	if err != nil {
		return nil, err
	}
	var refs []PlotRef
	for _, f := range figures {
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
	if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, BaselineFile), md.Bytes()); err != nil {
		return nil, err
	}
	return b, nil
}
