package conformrun

// The cases of a conformance run: the generated inputs' source, the
// vectors, shapes and dataset files, and the cases named by --case.

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/conform"
)

// source produces generated inputs of the manifest's generator version:
// from the dataset cache for datasets the manifest lists (verified by
// sha256), in memory otherwise.
func source() (conform.Source, error) {
	var manifest *datasets.Manifest
	if path, err := datasets.DefaultManifestPath(); err == nil {
		if _, statErr := os.Stat(path); statErr == nil {
			if manifest, err = datasets.LoadManifest(path); err != nil {
				return nil, fmt.Errorf("conform: %w", err)
			}
		}
	}
	version := generators.DefaultVersion // the manifest's, when there is one
	if manifest != nil {
		version = manifest.Version()
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
		if err := generators.Generate(&b, generators.Config{Findings: n, Seed: seed, Shape: shape, Version: version}); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}, nil
}

// cases builds the cases: --case names when given, else the
// vectors, the generated cross product and the dataset files.
func cases(o *Suite, source conform.Source) ([]conform.Case, error) {
	var vectorCases []conform.Case
	if !o.NoVectors {
		vs, err := datasets.LoadVectors(o.VectorsDir)
		if err != nil {
			return nil, fmt.Errorf("conform: %w", err)
		}
		for _, v := range vs {
			vectorCases = append(vectorCases, conform.VectorCase(v.Name, v.Input, v.Options, v.Expected, v.ExpectedError))
		}
	}
	var datasetCases []conform.Case
	for _, path := range o.Datasets {
		if _, err := os.Stat(path); err != nil {
			return nil, usageError("conform: --dataset: %v", err)
		}
		for _, d := range o.Depths {
			for _, k := range o.TopKs {
				datasetCases = append(datasetCases, conform.DatasetCase(path, engines.Options{MaxDepth: d, TopK: k}, o.MaxInput))
			}
		}
	}

	if len(o.Cases) > 0 {
		var out []conform.Case
		for _, name := range o.Cases {
			c, err := findCase(name, vectorCases, datasetCases, source, o)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}

	out := append([]conform.Case{}, vectorCases...)
	for _, shape := range o.Shapes {
		for _, n := range o.Sizes {
			for _, seed := range o.Seeds {
				for _, d := range o.Depths {
					for _, k := range o.TopKs {
						g := conform.Generated{Shape: shape, Findings: n, Seed: seed, Options: engines.Options{MaxDepth: d, TopK: k}}
						out = append(out, g.Case(source))
					}
				}
			}
		}
	}
	return append(out, datasetCases...), nil
}

func findCase(name string, vectorCases, datasetCases []conform.Case, source conform.Source, o *Suite) (conform.Case, error) {
	switch {
	case strings.HasPrefix(name, "gen/"):
		g, err := conform.ParseGenerated(name)
		if err != nil {
			return conform.Case{}, usageError("conform: --case: %v", err)
		}
		if !slices.Contains(generators.ShapeNames(), g.Shape) {
			return conform.Case{}, usageError("conform: --case %s: unknown shape %q", name, g.Shape)
		}
		return g.Case(source), nil
	case strings.HasPrefix(name, "vector/"):
		if o.NoVectors {
			return conform.Case{}, usageError("conform: --case %s needs the vectors (drop --no-vectors)", name)
		}
		for _, c := range vectorCases {
			if c.Name == name {
				return c, nil
			}
		}
		return conform.Case{}, usageError("conform: --case %s: no such vector in %s", name, o.VectorsDir)
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
