package benchrun

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/bench"
)

// StandardDatasets resolves the realistic seed-1 dataset of every size,
// generating missing ones into the cache (a dry run only names them). The
// digest is the manifest's for listed datasets (Ensure verified it), else
// the file's.
func StandardDatasets(sizes []int, dry bool) ([]bench.Dataset, error) {
	cache, err := datasets.CacheDir()
	if err != nil {
		return nil, err
	}
	var manifest *datasets.Manifest
	if mp, err := datasets.DefaultManifestPath(); err == nil {
		manifest, _ = datasets.LoadManifest(mp)
	}
	version := generators.DefaultVersion
	if manifest != nil {
		version = manifest.Version()
	}
	var out []bench.Dataset
	for _, n := range sizes {
		e := datasets.NewEntry(generators.DefaultShape, n, datasets.StandardSeed, version)
		if manifest != nil {
			if listed, ok := manifest.Lookup(e.Shape, n, e.Seed); ok {
				e = listed
			}
		}
		d := bench.Dataset{Name: e.Name, Path: filepath.Join(cache, e.FileName()), Findings: n, Bytes: e.Bytes, SHA256: e.SHA256}
		if dry {
			if d.SHA256 == "" {
				d.SHA256 = "unknown"
			}
			out = append(out, d)
			continue
		}
		if d.Path, err = datasets.EnsureStandard(e.Shape, n, e.Seed); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", e.Name, err)
		}
		if d.SHA256 == "" {
			if d.Bytes, d.SHA256, err = datasets.HashFile(d.Path); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// UserDataset describes a --dataset file: its digest and its number of
// findings (the elements of its top-level array).
func UserDataset(path string, dry bool) (bench.Dataset, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return bench.Dataset{}, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	d := bench.Dataset{Name: name, Path: abs, SHA256: "unknown"}
	if dry {
		return d, nil
	}
	info, err := DescribeDataset(abs)
	if err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	d.Bytes, d.SHA256, d.Findings, d.Profile = info.Bytes, info.SHA256, info.Findings, info.ProfileSummary
	if d.Findings == 0 {
		return d, fmt.Errorf("%s: no findings", path)
	}
	return d, nil
}

// DescribeDataset describes a --dataset file (profile.Describe) with the
// Go engine's counts.
func DescribeDataset(path string) (profile.FileInfo, error) {
	e, err := engines.Open("go")
	if err != nil {
		return profile.FileInfo{Path: path}, err
	}
	return profile.Describe(path, profile.Options{Engine: e})
}

// workDir returns the absolute work directory: dir, or a new temporary
// one that cleanup removes (only a name for a dry run).
func workDir(dir string, dry bool) (abs string, cleanup func(), err error) {
	cleanup = func() {}
	switch {
	case dir != "":
		abs, err = filepath.Abs(dir)
	case dry:
		abs = filepath.Join(os.TempDir(), "aegisbench-bench-WORK")
	default:
		if abs, err = os.MkdirTemp("", "aegisbench-bench-"); err == nil {
			cleanup = func() { os.RemoveAll(abs) }
		}
	}
	return abs, cleanup, err
}
