// Package datasets manages the benchmark datasets: the manifest of standard
// datasets (name, shape, findings, seed, bytes, sha256) in
// datasets/manifest.json, the git-ignored cache they are generated into, and
// the conformance vectors of datasets/vectors.
package datasets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// CacheEnv names the environment variable that overrides the cache directory.
const CacheEnv = "AEGISBENCH_CACHE"

// Entry describes one dataset: generators.Generate with Shape, Findings,
// Seed and generator version Generator writes Bytes bytes whose SHA-256 is
// SHA256 (lower-case hex).
type Entry struct {
	Name     string `json:"name"`
	Shape    string `json:"shape"`
	Findings int    `json:"findings"`
	Seed     uint64 `json:"seed"`
	// Generator is the generator version; 0 (omitted) means 1, the
	// version of manifests written before versions existed.
	Generator int    `json:"generator_version,omitempty"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
	// OnDemand marks a dataset too large to make by default (10 million
	// findings, 21 GB): `datasets ensure` and `verify` take it only by
	// name, and the make target that needs it (bench-10m) generates it.
	OnDemand bool `json:"on_demand,omitempty"`
}

// Version returns the entry's generator version (1 when Generator is 0).
func (e Entry) Version() int { return max(e.Generator, 1) }

// Config returns the generator configuration of the entry.
func (e Entry) Config() generators.Config {
	return generators.Config{Findings: e.Findings, Seed: e.Seed, Shape: e.Shape, Version: e.Version()}
}

// FileName returns the entry's file name in the cache: "<name>.json".
func (e Entry) FileName() string { return e.Name + ".json" }

// EntryName returns the standard name of a dataset: "<shape>-<n>-s<seed>"
// for generator version 1, "<shape>-<n>-s<seed>-g<version>" for later ones
// (so results files name the version of their data).
func EntryName(shape string, n int, seed uint64, version int) string {
	name := shape + "-" + strconv.Itoa(n) + "-s" + strconv.FormatUint(seed, 10)
	if version > 1 {
		name += "-g" + strconv.Itoa(version)
	}
	return name
}

// NewEntry returns an entry with its standard name and no digest.
func NewEntry(shape string, n int, seed uint64, version int) Entry {
	e := Entry{Name: EntryName(shape, n, seed, version), Shape: shape, Findings: n, Seed: seed}
	if version > 1 {
		e.Generator = version
	}
	return e
}

// Manifest is the list of standard datasets (datasets/manifest.json).
type Manifest struct {
	// Generator selects the generator version of the standard datasets
	// (Lookup) and of every dataset generated outside the manifest; 0
	// (omitted) means 1. Entries of other versions stay listed, so old
	// results files' data can still be regenerated and verified.
	Generator int     `json:"generator_version,omitempty"`
	Datasets  []Entry `json:"datasets"`
}

// Version returns the selected generator version (1 when Generator is 0).
func (m *Manifest) Version() int { return max(m.Generator, 1) }

// StandardSeed is the seed of every standard dataset.
const StandardSeed = 1

// StandardLadder returns the standard datasets of a generator version,
// without digests: the realistic shape at 200, 2000, 20000, 200000 and
// 1000000 findings and every other shape at 2000, all with seed 1.
func StandardLadder(version int) []Entry {
	var out []Entry
	for _, n := range []int{200, 2000, 20000, 200000, 1000000} {
		out = append(out, NewEntry(generators.DefaultShape, n, StandardSeed, version))
	}
	for _, s := range generators.ShapeNames() {
		if s != generators.DefaultShape {
			out = append(out, NewEntry(s, 2000, StandardSeed, version))
		}
	}
	return out
}

// OnDemandLadder returns the datasets of a generator version made only on
// demand (Entry.OnDemand): the realistic shape at 10,000,000 findings,
// seed 1, for `make bench-10m`.
func OnDemandLadder(version int) []Entry {
	e := NewEntry(generators.DefaultShape, 10_000_000, StandardSeed, version)
	e.OnDemand = true
	return []Entry{e}
}

// LoadManifest reads and checks a manifest file.
func LoadManifest(path string) (*Manifest, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if v := m.Version(); v < generators.MinVersion || v > generators.LatestVersion {
		return nil, fmt.Errorf("%s: generator_version must be %d..%d, got %d", path, generators.MinVersion, generators.LatestVersion, v)
	}
	seen := map[string]bool{}
	for i, e := range m.Datasets {
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("%s: datasets[%d]: %w", path, i, err)
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("%s: datasets[%d]: duplicate name %q", path, i, e.Name)
		}
		seen[e.Name] = true
	}
	return &m, nil
}

func (e Entry) check() error {
	if e.Generator == 1 {
		return fmt.Errorf("%s: generator_version 1 is written by omitting it", e.Name)
	}
	if want := EntryName(e.Shape, e.Findings, e.Seed, e.Version()); e.Name != want {
		return fmt.Errorf("name %q should be %q", e.Name, want)
	}
	if err := e.Config().Validate(); err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	if e.Bytes <= 0 {
		return fmt.Errorf("%s: bytes must be > 0", e.Name)
	}
	if len(e.SHA256) != 64 || strings.Trim(e.SHA256, "0123456789abcdef") != "" {
		return fmt.Errorf("%s: sha256 must be 64 lower-case hex digits", e.Name)
	}
	return nil
}

// Save writes the manifest to path (temp file + rename), two-space indented.
func (m *Manifest) Save(path string) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(raw, '\n'))
}

// Lookup returns the entry for (shape, n, seed) of the selected generator
// version, if listed.
func (m *Manifest) Lookup(shape string, n int, seed uint64) (Entry, bool) {
	for _, e := range m.Datasets {
		if e.Shape == shape && e.Findings == n && e.Seed == seed && e.Version() == m.Version() {
			return e, true
		}
	}
	return Entry{}, false
}

// KeepOthers appends the entries of old (may be nil) that m does not
// hold: the on-demand datasets of m's generator version (after its ladder,
// as they are not regenerated with it), then the entries of every other
// version, so that regenerating one version's ladder keeps the other
// digests.
func (m *Manifest) KeepOthers(old *Manifest) {
	if old == nil {
		return
	}
	keep := func(want func(Entry) bool) {
		for _, e := range old.Datasets {
			if _, held := m.ByName(e.Name); want(e) && !held {
				m.Datasets = append(m.Datasets, e)
			}
		}
	}
	keep(func(e Entry) bool { return e.OnDemand && e.Version() == m.Version() })
	keep(func(e Entry) bool { return e.Version() != m.Version() })
}

// Selected returns the entries of the selected generator version.
func (m *Manifest) Selected() []Entry {
	var out []Entry
	for _, e := range m.Datasets {
		if e.Version() == m.Version() {
			out = append(out, e)
		}
	}
	return out
}

// Select returns the entries named (all of the manifest's generator
// version when names is empty: another version's, or one made on demand,
// only by name) of at most maxFindings findings (0: any), in manifest
// order. A name not listed is an error.
func (m *Manifest) Select(names []string, maxFindings int) ([]Entry, error) {
	for _, n := range names {
		if _, ok := m.ByName(n); !ok {
			return nil, fmt.Errorf("%q is not in the manifest", n)
		}
	}
	var out []Entry
	for _, e := range m.Datasets {
		if len(names) > 0 && !slices.Contains(names, e.Name) {
			continue
		}
		if len(names) == 0 && (e.Version() != m.Version() || e.OnDemand) {
			continue
		}
		if maxFindings > 0 && e.Findings > maxFindings {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// ByName returns the entry with the given name, if listed.
func (m *Manifest) ByName(name string) (Entry, bool) {
	for _, e := range m.Datasets {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// DefaultManifestPath returns <repo root>/datasets/manifest.json.
func DefaultManifestPath() (string, error) {
	root, err := reporoot.Find()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "datasets", "manifest.json"), nil
}

// CacheDir returns $AEGISBENCH_CACHE if set, else <repo root>/datasets/cache.
// The directory is not created.
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	root, err := reporoot.Find()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "datasets", "cache"), nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers never see a partial file.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
