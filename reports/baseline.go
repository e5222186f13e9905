package reports

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aegisbench/aegisbench/harness/stats"
)

// BaselineFile is the markdown file name of a report directory.
const BaselineFile = "BASELINE.md"

// WriteBaseline builds the baseline of set and writes DIR/BASELINE.md and
// DIR/plots/*.png|svg. Every file is written to a temporary name and
// renamed, so an error leaves no half-written file.
func WriteBaseline(dir string, set *stats.Set, opt Options) (*Baseline, error) {
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
			if err := writeFileAtomic(filepath.Join(dir, "plots", f.name+".png"), png); err != nil {
				return nil, err
			}
			if err := writeFileAtomic(filepath.Join(dir, "plots", f.name+".svg"), svg); err != nil {
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
	if err := writeFileAtomic(filepath.Join(dir, BaselineFile), md.Bytes()); err != nil {
		return nil, err
	}
	return b, nil
}

// writeFileAtomic writes data to a temporary file next to path and
// renames it into place.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(0o644)
	}
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
