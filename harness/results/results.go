// Package results is the one reader of results files (the Go benchmark
// format, as go test -bench, benchstat and aegisbench bench write them).
// Every consumer (stats, reports, gate, compare-platforms, history) reads,
// groups and keys results through it, so they all agree on three rules:
//
//   - the series key is the full benchmark name without the "Benchmark"
//     prefix and without the GOMAXPROCS suffix ("-2", "-12"), plus the
//     tidied unit ("ns/op" becomes "sec/op", "MB/s" becomes "B/s"); the
//     GOMAXPROCS values seen are kept per series (Series.Procs);
//   - the file configuration lines ("goos: linux", "cores: 2", "commit:
//     ...", "dataset-...: ...", "bench: ...") stay available per file
//     (Set.Files) and for the whole set (Set.Config);
//   - Exact says which units are exact: allocs/op, B/op, instructions/op,
//     and any unit a file declares with "Unit U assume=exact".
//
// It is built on golang.org/x/perf the way benchstat uses it: benchfmt
// reads records and benchproc projects each onto ".fullname" and ".unit"
// with "/gomaxprocs" projected apart.
//
// The API, kept small and stable:
//
//	Load(paths ...string) (*Set, error)   // read files; errors name file and line
//	Read(r io.Reader, name string) (*Set, error)
//	Set{Files []File; Config []ConfigValue; Series []*Series; Units benchfmt.UnitMetadataMap}
//	Series{Name, Unit, Base string; Parts map[string]string; Pkg string; Values []float64; Procs []int}
//	File{Path string; Config []ConfigValue}   // File.Get(key) string
//	Set.Lookup(name, unit) *Series; Set.ConfigValues(key) []string; Set.ConfigString(key) string
//	Set.Procs() []int; Set.Exact(unit) bool; Set.Check() error; Set.Clone() *Set
//	Merge(sets ...*Set) *Set                   // samples of several sets, concatenated
//	Set.Assumption(unit) benchmath.Assumption // benchstat's summary rule (declared assume=exact only)
//	Exact(unit, meta) bool; Better(unit, meta) int
//	Diff(a, b *Set) []ConfigDiff               // config lines and GOMAXPROCS that differ
//	StripProcs(name string) (string, int)      // "X/n=2-12" -> "X/n=2", 12
//	ErrNoResults                               // errors.Is: a file holds no benchmark results
//	Records(r io.Reader, name string) ([]*benchfmt.Result, error) // raw records, for writers
package results

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// ErrNoResults is wrapped by the error for a file that holds no benchmark
// result lines (an empty file, a log, a file in another format).
var ErrNoResults = errors.New("holds no benchmark results")

// Series is the samples of one benchmark in one unit, across GOMAXPROCS
// values and files.
type Series struct {
	Name   string            // full name without "Benchmark" and GOMAXPROCS, e.g. "AttackPaths/engine=go/n=2000"
	Unit   string            // tidied unit: "sec/op", "B/op", "allocs/op", "peak-RSS-B", ...
	Base   string            // "AttackPaths"
	Parts  map[string]string // sub-name keys: "engine" -> "go", "n" -> "2000"
	Pkg    string            // the "pkg" config of its first result
	Values []float64         // in file order
	Procs  []int             // GOMAXPROCS suffixes seen, in order of first appearance (none: no suffix)
}

// Part returns the value of sub-name key k ("" when absent).
func (s *Series) Part(k string) string { return s.Parts[k] }

// N returns the integer value of the "n" sub-name key, or 0.
func (s *Series) N() int {
	n, _ := strconv.Atoi(s.Parts["n"])
	return n
}

// ConfigValue is one file configuration key and the distinct values it
// took, in order of first appearance.
type ConfigValue struct {
	Key    string
	Values []string
}

// File is one file read and its configuration lines, in file order.
type File struct {
	Path   string
	Config []ConfigValue
}

// Get returns the values of a configuration key in this file joined by
// ", " ("" when absent).
func (f File) Get(key string) string {
	for _, c := range f.Config {
		if c.Key == key {
			return strings.Join(c.Values, ", ")
		}
	}
	return ""
}

// Set is the results of one or more files.
type Set struct {
	Files  []File
	Config []ConfigValue // every file's configuration merged
	Series []*Series     // in order of first appearance
	Units  benchfmt.UnitMetadataMap

	index map[[2]string]*Series
}

// Load reads results files in order. A syntax error names the file and
// line; a file without any result line is an error wrapping ErrNoResults.
func Load(paths ...string) (*Set, error) {
	set := newSet()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		err = set.read(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return set, nil
}

// Read reads one results stream; name stands for the file in errors and
// in Set.Files.
func Read(r io.Reader, name string) (*Set, error) {
	set := newSet()
	if err := set.read(r, name); err != nil {
		return nil, err
	}
	return set, nil
}

func newSet() *Set {
	return &Set{Units: benchfmt.UnitMetadataMap{}, index: map[[2]string]*Series{}}
}

// projection is benchstat's default row key: the full name with
// /gomaxprocs projected apart (so it is not part of .fullname), by unit.
type projection struct {
	proj, procsProj   *benchproc.Projection
	name, unit, procs *benchproc.Field
}

func newProjection() (*projection, error) {
	var pp benchproc.ProjectionParser
	procs, err := pp.Parse("/gomaxprocs", nil)
	if err != nil {
		return nil, err
	}
	proj, unit, err := pp.ParseWithUnit(".fullname", nil)
	if err != nil {
		return nil, err
	}
	p := &projection{proj: proj, procsProj: procs, unit: unit, procs: procs.Fields()[0]}
	for _, f := range proj.Fields() {
		if f.Name == ".fullname" {
			p.name = f
		}
	}
	return p, nil
}

func (s *Set) read(r io.Reader, name string) error {
	p, err := newProjection()
	if err != nil {
		return err
	}
	file := File{Path: name}
	reader := benchfmt.NewReader(r, name)
	n := 0
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return rec
		case *benchfmt.Result:
			n++
			file.Config = addConfig(file.Config, rec)
			s.Config = addConfig(s.Config, rec)
			procs, _ := strconv.Atoi(p.procsProj.Project(rec).Get(p.procs))
			pkg := rec.GetConfig("pkg")
			for i, key := range p.proj.ProjectValues(rec) {
				sr := s.series(key.Get(p.name), key.Get(p.unit), pkg)
				sr.Values = append(sr.Values, rec.Values[i].Value)
				if procs > 0 && !slices.Contains(sr.Procs, procs) {
					sr.Procs = append(sr.Procs, procs)
				}
			}
		}
	}
	if err := reader.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %w", name, ErrNoResults)
	}
	for k, v := range reader.Units() {
		s.Units[k] = v
	}
	s.Files = append(s.Files, file)
	return nil
}

func addConfig(list []ConfigValue, r *benchfmt.Result) []ConfigValue {
	for _, c := range r.Config {
		if c.File {
			list = addValue(list, c.Key, string(c.Value))
		}
	}
	return list
}

// addValue adds value v of key to list, once.
func addValue(list []ConfigValue, key, v string) []ConfigValue {
	i := slices.IndexFunc(list, func(cv ConfigValue) bool { return cv.Key == key })
	if i < 0 {
		i = len(list)
		list = append(list, ConfigValue{Key: key})
	}
	if !slices.Contains(list[i].Values, v) {
		list[i].Values = append(list[i].Values, v)
	}
	return list
}

func (s *Set) series(name, unit, pkg string) *Series {
	k := [2]string{name, unit}
	if sr, ok := s.index[k]; ok {
		return sr
	}
	base, parts := benchfmt.Name(name).Parts()
	sr := &Series{Name: name, Unit: unit, Base: string(base), Parts: map[string]string{}, Pkg: pkg}
	for _, p := range parts {
		kv := strings.TrimPrefix(string(p), "/")
		if k, v, ok := strings.Cut(kv, "="); ok {
			sr.Parts[k] = v
		}
	}
	s.index[k] = sr
	s.Series = append(s.Series, sr)
	return sr
}

// Lookup returns the series of a full name and tidied unit, or nil.
func (s *Set) Lookup(name, unit string) *Series { return s.index[[2]string{name, unit}] }

// ConfigValues returns the distinct values of a file configuration key
// across the set's files.
func (s *Set) ConfigValues(key string) []string {
	for _, c := range s.Config {
		if c.Key == key {
			return c.Values
		}
	}
	return nil
}

// ConfigString returns the values of key joined by ", " ("" when absent).
func (s *Set) ConfigString(key string) string { return strings.Join(s.ConfigValues(key), ", ") }

// Procs returns the GOMAXPROCS values of every series, in order of first
// appearance.
func (s *Set) Procs() []int {
	var out []int
	for _, sr := range s.Series {
		for _, p := range sr.Procs {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Check returns an error when the set mixes platforms (different goos,
// goarch or cpu): such files belong in compare-platforms, not in one
// report.
func (s *Set) Check() error {
	for _, k := range []string{"goos", "goarch", "cpu"} {
		if vs := s.ConfigValues(k); len(vs) > 1 {
			return fmt.Errorf("results mix platforms: %s is %s", k, strings.Join(vs, " and "))
		}
	}
	return nil
}

// knownExact are the units exact whether or not a file declares it:
// counts of deterministic code.
var knownExact = []string{"allocs/op", "B/op", "instructions/op"}

// Exact reports whether a tidied unit is exact: allocs/op, B/op,
// instructions/op, or declared "Unit U assume=exact" in meta.
func Exact(unit string, meta benchfmt.UnitMetadataMap) bool {
	return slices.Contains(knownExact, unit) || meta.GetAssumption(unit) == benchmath.AssumeExact
}

// Exact reports whether unit is exact in this set (see Exact).
func (s *Set) Exact(unit string) bool { return Exact(unit, s.Units) }

// Assumption is how benchstat summarizes a unit: AssumeExact when a file
// declares "Unit U assume=exact", AssumeNothing (distribution-free)
// otherwise. Reports use it so their medians agree with benchstat's (a
// test in reports checks); comparisons (gate, compare-platforms) use
// Exact, which also treats allocs/op, B/op and instructions/op as exact.
func (s *Set) Assumption(unit string) benchmath.Assumption {
	return s.Units.GetAssumption(unit)
}

// Better returns -1 when lower values of unit are better, +1 when higher
// are, 0 when unknown: declared metadata first ("better=lower"), then
// benchfmt's defaults, then any other ".../op" unit (a cost per
// operation) lower and any ".../s" unit (a rate) higher.
func Better(unit string, meta benchfmt.UnitMetadataMap) int {
	if b := meta.GetBetter(unit); b != 0 {
		return b
	}
	switch {
	case strings.HasSuffix(unit, "/op"):
		return -1
	case strings.HasSuffix(unit, "/s"):
		return 1
	}
	return 0
}

// StripProcs splits the GOMAXPROCS suffix go test appends ("-12") off a
// benchmark name, by benchfmt's rule (a final "-N" part): "X/n=2-12"
// gives "X/n=2", 12; a name without one is returned whole with 0.
func StripProcs(name string) (string, int) {
	_, parts := benchfmt.Name(name).Parts()
	if len(parts) == 0 || parts[len(parts)-1][0] != '-' {
		return name, 0
	}
	last := parts[len(parts)-1]
	p, err := strconv.Atoi(string(last[1:]))
	if err != nil {
		return name, 0
	}
	return name[:len(name)-len(last)], p
}

// Records reads the raw result records of a stream (go test -bench
// output, for a writer that keeps names, iterations and configuration as
// they are); each is a copy. A syntax error names the stream and line; a
// stream without results gives none and no error.
func Records(r io.Reader, name string) ([]*benchfmt.Result, error) {
	reader := benchfmt.NewReader(r, name)
	var out []*benchfmt.Result
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			out = append(out, rec.Clone())
		}
	}
	if err := reader.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

// Clone returns a deep copy of s (series values, config, files), for a
// caller that modifies samples, such as a calibration injecting a
// slowdown.
func (s *Set) Clone() *Set {
	c := newSet()
	c.Files = slices.Clone(s.Files)
	c.Config = slices.Clone(s.Config)
	for k, v := range s.Units {
		c.Units[k] = v
	}
	for _, sr := range s.Series {
		cp := *sr
		cp.Values = slices.Clone(sr.Values)
		cp.Procs = slices.Clone(sr.Procs)
		c.index[[2]string{cp.Name, cp.Unit}] = &cp
		c.Series = append(c.Series, &cp)
	}
	return c
}

// Merge returns one set holding the samples of every set in order (as if
// their files had been read together): series values are concatenated,
// configuration and files combined. The inputs are not modified.
func Merge(sets ...*Set) *Set {
	m := newSet()
	for _, s := range sets {
		m.Files = append(m.Files, s.Files...)
		for _, c := range s.Config {
			for _, v := range c.Values {
				m.Config = addValue(m.Config, c.Key, v)
			}
		}
		for k, v := range s.Units {
			m.Units[k] = v
		}
		for _, sr := range s.Series {
			dst := m.series(sr.Name, sr.Unit, sr.Pkg)
			dst.Values = append(dst.Values, sr.Values...)
			for _, p := range sr.Procs {
				if !slices.Contains(dst.Procs, p) {
					dst.Procs = append(dst.Procs, p)
				}
			}
		}
	}
	return m
}
