package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// Profile file names in a profile directory (as the bench runner writes
// them).
const (
	ProfileCPU       = "cpu.pprof"
	ProfileMem       = "mem.pprof"
	ProfileBenchmark = "benchmark.txt"
)

// HotPathTop is how many functions each hot-path table lists.
const HotPathTop = 12

// FuncShare is one function's share of a profile.
type FuncShare struct {
	Name      string
	Flat, Cum int64   // in the profile's unit
	FlatShare float64 // of the total
	CumShare  float64
}

// ProfileTable is the top functions of one sample type of a profile.
type ProfileTable struct {
	SampleType string // "cpu", "alloc_space", ...
	Unit       string // "nanoseconds", "bytes", "count"
	Total      int64
	ByFlat     []FuncShare
	ByCum      []FuncShare
}

// HotPath is the hot-path analysis of the Go engine's profiles.
type HotPath struct {
	Benchmark string // the profiled benchmark line(s)
	CPU       *ProfileTable
	Alloc     *ProfileTable // alloc_space
	AllocObj  *ProfileTable // alloc_objects
}

// ErrNoProfiles is returned by LoadHotPath for a directory without
// profiles (the run did not profile: no Go engine, or no --profile-dir).
var ErrNoProfiles = errors.New("no profiles")

// LoadHotPath reads cpu.pprof and mem.pprof from dir (either may be
// missing; neither, or a missing dir, is ErrNoProfiles) and benchmark.txt
// when present. A file that is not a profile is an error naming it.
func LoadHotPath(dir string) (*HotPath, error) {
	hp := &HotPath{}
	found := false
	if p, err := readProfile(filepath.Join(dir, ProfileCPU)); err != nil {
		return nil, err
	} else if p != nil {
		found = true
		if hp.CPU, err = AnalyzeProfile(p, "cpu", HotPathTop); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ProfileCPU), err)
		}
	}
	if p, err := readProfile(filepath.Join(dir, ProfileMem)); err != nil {
		return nil, err
	} else if p != nil {
		found = true
		if hp.Alloc, err = AnalyzeProfile(p, "alloc_space", HotPathTop); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ProfileMem), err)
		}
		if hp.AllocObj, err = AnalyzeProfile(p, "alloc_objects", HotPathTop); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ProfileMem), err)
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: %s has neither %s nor %s", ErrNoProfiles, dir, ProfileCPU, ProfileMem)
	}
	if data, err := os.ReadFile(filepath.Join(dir, ProfileBenchmark)); err == nil {
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "Benchmark") {
				lines = append(lines, strings.Join(strings.Fields(l), " "))
			}
		}
		hp.Benchmark = strings.Join(lines, "; ")
	}
	return hp, nil
}

// readProfile parses a pprof file; a missing file is (nil, nil).
func readProfile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// AnalyzeProfile returns the top functions of sample type st by flat
// value (the function itself, the leaf of the stack, inlined frames
// resolved) and by cumulative value (the function anywhere on the stack,
// counted once per sample).
func AnalyzeProfile(p *profile.Profile, st string, top int) (*ProfileTable, error) {
	idx := -1
	for i, t := range p.SampleType {
		if t.Type == st {
			idx = i
		}
	}
	if idx < 0 {
		var have []string
		for _, t := range p.SampleType {
			have = append(have, t.Type)
		}
		return nil, fmt.Errorf("no sample type %q (have %s)", st, strings.Join(have, ", "))
	}
	t := &ProfileTable{SampleType: st, Unit: p.SampleType[idx].Unit}
	flat, cum := map[string]int64{}, map[string]int64{}
	for _, s := range p.Sample {
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		t.Total += v
		seen := map[string]bool{}
		for li, loc := range s.Location {
			for fi, line := range loc.Line {
				name := funcName(line.Function)
				if li == 0 && fi == 0 {
					flat[name] += v
				}
				if !seen[name] {
					seen[name] = true
					cum[name] += v
				}
			}
		}
	}
	var all []FuncShare
	for name, c := range cum {
		fs := FuncShare{Name: name, Flat: flat[name], Cum: c}
		if t.Total > 0 {
			fs.FlatShare = float64(fs.Flat) / float64(t.Total)
			fs.CumShare = float64(fs.Cum) / float64(t.Total)
		}
		all = append(all, fs)
	}
	t.ByFlat = topBy(all, func(f FuncShare) int64 { return f.Flat }, top)
	t.ByCum = topBy(all, func(f FuncShare) int64 { return f.Cum }, top)
	return t, nil
}

func topBy(all []FuncShare, key func(FuncShare) int64, top int) []FuncShare {
	s := append([]FuncShare(nil), all...)
	sort.Slice(s, func(i, j int) bool {
		if key(s[i]) != key(s[j]) {
			return key(s[i]) > key(s[j])
		}
		return s[i].Name < s[j].Name
	})
	var out []FuncShare
	for _, f := range s {
		if len(out) == top || key(f) == 0 {
			break
		}
		out = append(out, f)
	}
	return out
}

const modulePrefix = "github.com/aegisbench/aegisbench/"

func funcName(f *profile.Function) string {
	if f == nil || f.Name == "" {
		return "?"
	}
	return strings.TrimPrefix(f.Name, modulePrefix)
}
