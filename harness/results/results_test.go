package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

const sample = `Unit allocs/op assume=exact
goos: linux
goarch: amd64
cpu: Fake CPU
cores: 8
date: 2026-01-02T03:04:05Z
pkg: example/goengine

BenchmarkLoad/n=200-2 10 1000 ns/op 64 B/op 3 allocs/op
BenchmarkLoad/n=200-2 10 1200 ns/op 64 B/op 3 allocs/op
BenchmarkLoad/n=200-8 10 1100 ns/op 72 B/op 3 allocs/op
BenchmarkAttackPaths/engine=go/n=2000-2 1 5000000 ns/op

date: 2026-01-03T00:00:00Z
pkg: criterion

BenchmarkCriterion/stage=compute/engine=rust/n=2000 1 2500000 ns/op
`

func TestRead(t *testing.T) {
	set, err := Read(strings.NewReader(sample), "sample.txt")
	require.NoError(t, err)
	require.NoError(t, set.Check())

	var got []string
	for _, s := range set.Series {
		got = append(got, s.Name+" "+s.Unit+" "+s.Pkg)
	}
	assert.Equal(t, []string{
		"Load/n=200 sec/op example/goengine",
		"Load/n=200 B/op example/goengine",
		"Load/n=200 allocs/op example/goengine",
		"AttackPaths/engine=go/n=2000 sec/op example/goengine",
		"Criterion/stage=compute/engine=rust/n=2000 sec/op criterion",
	}, got, "GOMAXPROCS is not part of the series name; ns/op is tidied to sec/op")

	load := set.Lookup("Load/n=200", "sec/op")
	require.NotNil(t, load)
	assert.InDeltaSlice(t, []float64{1000e-9, 1200e-9, 1100e-9}, load.Values, 1e-18)
	assert.Equal(t, "Load", load.Base)
	assert.Equal(t, 200, load.N())
	assert.Equal(t, []int{2, 8}, load.Procs)

	crit := set.Lookup("Criterion/stage=compute/engine=rust/n=2000", "sec/op")
	require.NotNil(t, crit)
	assert.Equal(t, map[string]string{"stage": "compute", "engine": "rust", "n": "2000"}, crit.Parts)
	assert.Empty(t, crit.Procs, "no suffix, no procs")
	assert.Equal(t, []int{2, 8}, set.Procs())

	assert.Equal(t, []string{"2026-01-02T03:04:05Z", "2026-01-03T00:00:00Z"}, set.ConfigValues("date"))
	assert.Equal(t, "linux", set.ConfigString("goos"))
	require.Len(t, set.Files, 1)
	assert.Equal(t, "sample.txt", set.Files[0].Path)
	assert.Equal(t, "8", set.Files[0].Get("cores"))
	assert.Equal(t, "example/goengine, criterion", set.Files[0].Get("pkg"))
	assert.Equal(t, benchmath.AssumeExact, set.Assumption("allocs/op"))
	assert.Equal(t, benchmath.AssumeNothing, set.Assumption("B/op"), "summaries follow benchstat: declared units only")
	assert.True(t, set.Exact("B/op"), "comparisons treat B/op as exact")
	assert.Equal(t, benchmath.AssumeNothing, set.Assumption("sec/op"))
}

func TestLoadKeepsConfigPerFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	require.NoError(t, os.WriteFile(a, []byte("cores: 2\nBenchmarkX-2 1 10 ns/op\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("cores: 12\nBenchmarkX-12 1 11 ns/op\n"), 0o644))
	set, err := Load(a, b)
	require.NoError(t, err)
	require.Len(t, set.Series, 1, "one series across GOMAXPROCS values")
	assert.Equal(t, []int{2, 12}, set.Series[0].Procs)
	assert.Equal(t, []string{"2", "12"}, set.ConfigValues("cores"))
	assert.Equal(t, "2", set.Files[0].Get("cores"))
	assert.Equal(t, "12", set.Files[1].Get("cores"))
	assert.Equal(t, "", set.Files[1].Get("absent"))
}

func TestReadErrors(t *testing.T) {
	_, err := Read(strings.NewReader("BenchmarkX 10 zz ns/op\n"), "bad.txt")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.txt:1:")

	_, err = Load("testdata/does-not-exist.txt")
	assert.ErrorIs(t, err, os.ErrNotExist)

	for _, text := range []string{"", "goos: linux\n", "CONFORMANCE PASSED\nsome log\n"} {
		_, err = Read(strings.NewReader(text), "log.txt")
		assert.ErrorIs(t, err, ErrNoResults, "%q", text)
		assert.EqualError(t, err, "log.txt holds no benchmark results")
	}

	set, err := Read(strings.NewReader("goos: linux\nBenchmarkA 1 1 ns/op\ngoos: darwin\nBenchmarkA 1 1 ns/op\n"), "mixed.txt")
	require.NoError(t, err)
	assert.EqualError(t, set.Check(), "results mix platforms: goos is linux and darwin")
}

func TestExactAndBetter(t *testing.T) {
	set, err := Read(strings.NewReader("Unit custom/op assume=exact\nUnit B/s better=lower\nBenchmarkX 1 1 ns/op\n"), "u.txt")
	require.NoError(t, err)
	units := set.Units
	for unit, want := range map[string]bool{"allocs/op": true, "B/op": true, "instructions/op": true, "custom/op": true, "sec/op": false, "B/s": false} {
		assert.Equal(t, want, Exact(unit, units), unit)
		assert.Equal(t, want, set.Exact(unit), unit)
	}
	assert.False(t, Exact("custom/op", benchfmt.UnitMetadataMap{}))
	assert.Equal(t, -1, Better("sec/op", units))
	assert.Equal(t, -1, Better("B/s", units), "declared metadata overrides the default")
	assert.Equal(t, 1, Better("B/s", benchfmt.UnitMetadataMap{}))
	assert.Equal(t, 0, Better("paths", units))
}

func TestStripProcs(t *testing.T) {
	tests := []struct {
		in, name string
		procs    int
	}{
		{"Load/n=200-2", "Load/n=200", 2},
		{"AttackPaths/engine=go/n=2000-12", "AttackPaths/engine=go/n=2000", 12},
		{"Criterion/stage=compute/engine=rust/n=2000", "Criterion/stage=compute/engine=rust/n=2000", 0},
		{"X-", "X-", 0},
		{"X-a", "X-a", 0},
		{"Process/engine=rust-cli/n=200", "Process/engine=rust-cli/n=200", 0},
		{"X", "X", 0},
	}
	for _, tc := range tests {
		name, procs := StripProcs(tc.in)
		assert.Equal(t, tc.name, name, tc.in)
		assert.Equal(t, tc.procs, procs, tc.in)
	}
}

func TestDiff(t *testing.T) {
	a, err := Read(strings.NewReader("goos: linux\ncores: 2\ncommit: aaa\nBenchmarkX-2 1 1 ns/op\n"), "a")
	require.NoError(t, err)
	b, err := Read(strings.NewReader("goos: linux\ncores: 2\ncommit: bbb\nbranch: x\nBenchmarkX-12 1 1 ns/op\n"), "b")
	require.NoError(t, err)
	assert.Equal(t, []ConfigDiff{
		{Key: ProcsKey, A: []string{"2"}, B: []string{"12"}},
		{Key: "commit", A: []string{"aaa"}, B: []string{"bbb"}},
		{Key: "branch", B: []string{"x"}},
	}, Diff(a, b))
	assert.Empty(t, Diff(a, a))
}

func TestRecords(t *testing.T) {
	recs, err := Records(strings.NewReader("pkg: p\nBenchmarkX/n=2-8 100 12 ns/op 3 allocs/op\nPASS\n"), "go test output")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "X/n=2-8", recs[0].Name.String())
	assert.Equal(t, 100, recs[0].Iters)
	assert.Equal(t, "p", recs[0].GetConfig("pkg"))
	assert.Len(t, recs[0].Values, 2)

	_, err = Records(strings.NewReader("BenchmarkX 1 q ns/op\n"), "go test output")
	assert.ErrorContains(t, err, "go test output:1:")
}

func TestClone(t *testing.T) {
	set, err := Read(strings.NewReader(sample), "sample.txt")
	require.NoError(t, err)
	c := set.Clone()
	c.Lookup("Load/n=200", "sec/op").Values[0] = 1
	assert.InDelta(t, 1000e-9, set.Lookup("Load/n=200", "sec/op").Values[0], 1e-18, "the original is untouched")
	assert.Equal(t, 1.0, c.Series[0].Values[0], "Lookup and Series share the copy")
	assert.Equal(t, set.ConfigValues("date"), c.ConfigValues("date"))
}

func TestMerge(t *testing.T) {
	a, err := Read(strings.NewReader("cores: 2\nBenchmarkX-2 1 10 ns/op\n"), "a")
	require.NoError(t, err)
	b, err := Read(strings.NewReader("cores: 12\nBenchmarkX-12 1 11 ns/op\nBenchmarkY 1 5 ns/op\n"), "b")
	require.NoError(t, err)
	m := Merge(a, b)
	require.Len(t, m.Series, 2)
	assert.InDeltaSlice(t, []float64{10e-9, 11e-9}, m.Lookup("X", "sec/op").Values, 1e-18)
	assert.Equal(t, []int{2, 12}, m.Lookup("X", "sec/op").Procs)
	assert.Equal(t, []string{"2", "12"}, m.ConfigValues("cores"))
	assert.Len(t, m.Files, 2)
	assert.Len(t, a.Lookup("X", "sec/op").Values, 1, "inputs untouched")
}
