// Package baselines merges the results files of a CI matrix run (one
// artifact per platform) into the repository's per-platform baselines:
// reports/baselines/<goos>-<goarch>/ (results.txt, BASELINE.md, plots)
// for each platform found, and reports/baselines/COMPARISON.md comparing
// every pair of platforms present afterwards. The platform of a file is
// read from its own configuration lines (goos, goarch), not from where
// the file lies.
package baselines

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/reports"
)

// ResultsFile and ComparisonFile are the names written.
const (
	ResultsFile    = "results.txt"
	ComparisonFile = "COMPARISON.md"
)

// Platform is one platform's results file found in the artifacts.
type Platform struct {
	Name string // "linux-amd64"
	Path string
	Set  *results.Set
}

// Found is what Scan found: one file per platform, in name order, and
// the .txt files that hold no benchmark results (skipped).
type Found struct {
	Platforms []Platform
	Skipped   []string
}

// Scan walks dir for results files (*.txt) and checks them all before
// anything is written: each must name one platform (goos, goarch), no
// platform may have two files, and every platform in expect must be
// found. Files without any benchmark result are skipped. Errors name the
// files.
func Scan(dir string, expect []string) (*Found, error) {
	f := &Found{}
	var errs []error
	byName := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".txt" {
			return err
		}
		set, err := results.Load(path)
		switch {
		case errors.Is(err, results.ErrNoResults):
			f.Skipped = append(f.Skipped, path)
			return nil
		case err != nil:
			errs = append(errs, err)
			return nil
		}
		name, err := platformOf(set)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			return nil
		}
		if prev, dup := byName[name]; dup {
			errs = append(errs, fmt.Errorf("two results files for %s: %s and %s (keep one)", name, prev, path))
			return nil
		}
		byName[name] = path
		f.Platforms = append(f.Platforms, Platform{Name: name, Path: path, Set: set})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range expect {
		if _, ok := byName[p]; !ok {
			errs = append(errs, fmt.Errorf("no results file for %s in %s", p, dir))
		}
	}
	if len(f.Platforms) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("no results files in %s", dir))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(f.Platforms, func(a, b Platform) int { return strings.Compare(a.Name, b.Name) })
	return f, nil
}

// platformOf names a set's platform "<goos>-<goarch>".
func platformOf(set *results.Set) (string, error) {
	if err := set.Check(); err != nil {
		return "", err
	}
	goos, goarch := set.ConfigString("goos"), set.ConfigString("goarch")
	if goos == "" || goarch == "" {
		return "", errors.New("no goos or goarch configuration line: which platform is it?")
	}
	return goos + "-" + goarch, nil
}

// Import writes the baselines of every platform found into out (one
// directory each) and out/COMPARISON.md over every platform that has a
// results file in out afterwards. It returns the directories written.
// When ctx ends it stops before the next platform (the platforms written
// stay whole; COMPARISON.md is left as it was) and returns ctx's error.
func Import(ctx context.Context, found *Found, out string) ([]string, error) {
	var written []string
	for _, p := range found.Platforms {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		dir := filepath.Join(out, p.Name)
		data, err := os.ReadFile(p.Path)
		if err != nil {
			return written, err
		}
		if err := atomicfile.WriteFileMkdirAll(filepath.Join(dir, ResultsFile), data); err != nil {
			return written, err
		}
		if _, err := reports.WriteBaseline(ctx, dir, p.Set, reports.Options{Title: "Performance Baseline: " + p.Name}); err != nil {
			return written, fmt.Errorf("%s: %w", p.Name, err)
		}
		written = append(written, dir)
	}
	if err := ctx.Err(); err != nil {
		return written, err
	}
	return written, WriteComparison(out)
}

// WriteComparison writes out/COMPARISON.md: compare-platforms for every
// pair of platform directories of out that hold a results file, in name
// order.
func WriteComparison(out string) error {
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	var sides []reports.Side
	for _, e := range entries {
		path := filepath.Join(out, e.Name(), ResultsFile)
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue
		}
		set, err := results.Load(path)
		if err != nil {
			return err
		}
		sides = append(sides, reports.Side{Label: e.Name(), Set: set})
	}
	var buf bytes.Buffer
	if len(sides) < 2 {
		fmt.Fprintf(&buf, "# Cross-platform comparison\n\nOne platform only (%d baseline): nothing to compare.\n", len(sides))
	}
	for i := range sides {
		for j := i + 1; j < len(sides); j++ {
			if err := reports.WriteComparison(&buf, reports.ComparePlatforms(sides[i], sides[j])); err != nil {
				return err
			}
		}
	}
	return atomicfile.WriteFileMkdirAll(filepath.Join(out, ComparisonFile), buf.Bytes())
}

// Compare is compare-platforms' markdown: the comparison of two baselines,
// each a baseline directory (its results file, labelled with the
// directory's name) or a results file (labelled with its name without
// extension); equal labels become "A (label)" and "B (label)".
func Compare(a, b string) ([]byte, error) {
	var sides [2]reports.Side
	for i, p := range []string{a, b} {
		path, label, err := resultsOf(p)
		if err != nil {
			return nil, err
		}
		set, err := results.Load(path)
		if err != nil {
			return nil, err
		}
		sides[i] = reports.Side{Label: label, Set: set}
	}
	if sides[0].Label == sides[1].Label {
		sides[0].Label, sides[1].Label = "A ("+sides[0].Label+")", "B ("+sides[1].Label+")"
	}
	var buf bytes.Buffer
	if err := reports.WriteComparison(&buf, reports.ComparePlatforms(sides[0], sides[1])); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// resultsOf resolves a baseline argument to its results file and a
// label: the directory's name, or the file's name without extension.
func resultsOf(p string) (path, label string, err error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", "", err
	}
	if st.IsDir() {
		path = filepath.Join(p, ResultsFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("%s: no %s in the baseline directory", p, ResultsFile)
		}
		abs, _ := filepath.Abs(p)
		return path, filepath.Base(abs), nil
	}
	return p, strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), nil
}
