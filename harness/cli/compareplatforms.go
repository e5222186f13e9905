package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/reports"
)

func init() {
	registerCommand(command{
		name:    "compare-platforms",
		summary: "markdown table of ratios between two platforms' baselines, with what is not comparable",
		run:     runComparePlatforms,
	})
}

const comparePlatformsUsage = `A B [-o FILE.md]

A and B are baseline directories (holding results.txt, e.g.
reports/baselines/linux-amd64) or results files. Writes the platform
calibration benchmark of each side, the dimensionless figures computed on each
side (stage ratios, speedups, FFI overhead ratio, scaling exponents), and the
ratio B/A of every benchmark measured on both, classified: comparable (exact
units of the same code on the same data), comparable after normalizing by the
calibration (absolute times of the same code on the same data), or not
comparable with every reason (figures reported rather than measured, unknown
or different commits, datasets with different or unrecorded digests,
different packages, no calibration).`

// BaselineResults is the results file name inside a baseline directory.
const BaselineResults = "results.txt"

func runComparePlatforms(env Env, args []string) error {
	fset := newFlagSet(env, "compare-platforms", comparePlatformsUsage)
	out := fset.String("o", "", "write the markdown to `file` (default: standard output)")
	pos, err := parseFlagsAnywhere(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError("compare-platforms: want two baselines (A B), got %d", len(pos))
	}
	var sides [2]reports.Side
	for i, p := range pos {
		path, label, err := baselineResults(p)
		if err != nil {
			return fmt.Errorf("compare-platforms: %w", err)
		}
		set, err := results.Load(path)
		if err != nil {
			return fmt.Errorf("compare-platforms: %w", err)
		}
		sides[i] = reports.Side{Label: label, Set: set}
	}
	if sides[0].Label == sides[1].Label {
		sides[0].Label, sides[1].Label = "A ("+sides[0].Label+")", "B ("+sides[1].Label+")"
	}
	var buf bytes.Buffer
	if err := reports.WriteComparison(&buf, reports.ComparePlatforms(sides[0], sides[1])); err != nil {
		return err
	}
	if *out == "" {
		_, err := env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := atomicfile.WriteFileMkdirAll(*out, buf.Bytes()); err != nil {
		return fmt.Errorf("compare-platforms: %w", err)
	}
	fmt.Fprintf(env.Stderr, "compare-platforms: wrote %s\n", *out)
	return nil
}

// baselineResults resolves a baseline argument to its results file and a
// label: the directory's name, or the file's name without extension.
func baselineResults(p string) (path, label string, err error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", "", err
	}
	if st.IsDir() {
		path = filepath.Join(p, BaselineResults)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("%s: no %s in the baseline directory", p, BaselineResults)
		}
		abs, _ := filepath.Abs(p)
		return path, filepath.Base(abs), nil
	}
	return p, strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), nil
}
