// Package stats reads results files in the Go benchmark format and
// computes the statistics of the reports, with golang.org/x/perf as a
// library: benchfmt reads the files, benchproc projects each result onto
// its full name (GOMAXPROCS excluded) and unit, benchmath summarizes
// samples (median and its confidence interval, assumption "nothing"
// unless the file declares a unit exact) and compares them (Mann-Whitney
// U). On top of those it computes ratios of medians with a confidence
// interval and fits power laws (time ∝ n^k) by least squares on log-log.
package stats

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// Series is the samples of one benchmark in one unit.
type Series struct {
	Name   string            // full name without "Benchmark" and GOMAXPROCS, e.g. "AttackPaths/engine=go/n=2000"
	Unit   string            // tidied unit: "sec/op", "B/op", "allocs/op", "peak-RSS-B", ...
	Base   string            // "AttackPaths"
	Parts  map[string]string // sub-name keys: "engine" -> "go", "n" -> "2000"
	Pkg    string            // the results' "pkg" config
	Values []float64         // in file order
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

// Set is the results of one or more files.
type Set struct {
	Files  []string
	Config []ConfigValue
	Series []*Series // in order of first appearance
	Units  benchfmt.UnitMetadataMap

	index  map[[2]string]*Series
	config map[string]int
}

// Load reads results files. A syntax error names the file and line.
func Load(paths ...string) (*Set, error) {
	files := &benchfmt.Files{Paths: paths}
	set, err := read(files)
	if err != nil {
		return nil, err
	}
	set.Files = paths
	return set, nil
}

// Read reads one results stream; name is used in error messages.
func Read(r io.Reader, name string) (*Set, error) {
	set, err := read(benchfmt.NewReader(r, name))
	if err != nil {
		return nil, err
	}
	set.Files = []string{name}
	return set, nil
}

type source interface {
	Scan() bool
	Result() benchfmt.Record
	Err() error
}

func read(src source) (*Set, error) {
	var pp benchproc.ProjectionParser
	// Projecting /gomaxprocs separately excludes it from .fullname, so
	// "Load/n=200-2" and "Load/n=200-8" would be one series, as in
	// benchstat's default rows.
	if _, err := pp.Parse("/gomaxprocs", nil); err != nil {
		return nil, err
	}
	proj, unitField, err := pp.ParseWithUnit(".fullname", nil)
	if err != nil {
		return nil, err
	}
	var nameField *benchproc.Field
	for _, f := range proj.Fields() {
		if f.Name == ".fullname" {
			nameField = f
		}
	}
	set := &Set{index: map[[2]string]*Series{}, config: map[string]int{}}
	for src.Scan() {
		switch rec := src.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, rec
		case *benchfmt.Result:
			set.addConfig(rec)
			pkg := rec.GetConfig("pkg")
			for i, key := range proj.ProjectValues(rec) {
				s := set.series(key.Get(nameField), key.Get(unitField), pkg)
				s.Values = append(s.Values, rec.Values[i].Value)
			}
		}
	}
	if err := src.Err(); err != nil {
		return nil, err
	}
	switch u := src.(type) {
	case *benchfmt.Files:
		set.Units = u.Units()
	case *benchfmt.Reader:
		set.Units = u.Units()
	}
	return set, nil
}

func (s *Set) addConfig(r *benchfmt.Result) {
	for _, c := range r.Config {
		if !c.File {
			continue
		}
		i, ok := s.config[c.Key]
		if !ok {
			i = len(s.Config)
			s.config[c.Key] = i
			s.Config = append(s.Config, ConfigValue{Key: c.Key})
		}
		v := string(c.Value)
		cv := &s.Config[i]
		if !contains(cv.Values, v) {
			cv.Values = append(cv.Values, v)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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

// ConfigValues returns the distinct values of a file configuration key.
func (s *Set) ConfigValues(key string) []string {
	if i, ok := s.config[key]; ok {
		return s.Config[i].Values
	}
	return nil
}

// ConfigString returns the values of key joined by ", " ("" when absent).
func (s *Set) ConfigString(key string) string { return strings.Join(s.ConfigValues(key), ", ") }

// Assumption is the statistical assumption for a unit: exact when the
// files declare "Unit U assume=exact", nothing (non-parametric) otherwise.
func (s *Set) Assumption(unit string) benchmath.Assumption {
	if s.Units == nil {
		return benchmath.AssumeNothing
	}
	return s.Units.GetAssumption(unit)
}

// Summary summarizes a series with the set's assumption for its unit.
func (s *Set) Summary(sr *Series, confidence float64) Summary {
	return Summarize(sr.Values, s.Assumption(sr.Unit), confidence)
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
