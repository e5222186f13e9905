package reports

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test -update")
	assert.Equal(t, string(want), string(got))
}

// writeProfiles writes small, fixed CPU and memory profiles of a made-up
// call graph, as the bench runner's profiling run would.
func writeProfiles(t *testing.T, dir string) {
	t.Helper()
	fn := map[string]*profile.Function{}
	var funcs []*profile.Function
	loc := func(names ...string) *profile.Location {
		l := &profile.Location{ID: uint64(len(fn) + 100)}
		for _, n := range names {
			f, ok := fn[n]
			if !ok {
				f = &profile.Function{ID: uint64(len(fn) + 1), Name: n}
				fn[n] = f
				funcs = append(funcs, f)
			}
			l.Line = append(l.Line, profile.Line{Function: f})
		}
		return l
	}
	var locs []*profile.Location
	mk := func(names ...string) *profile.Location {
		l := loc(names...)
		l.ID = uint64(len(locs) + 1)
		locs = append(locs, l)
		return l
	}
	run := mk("testing.(*B).runN")
	pipeline := mk("github.com/aegisbench/aegisbench/engines/goengine.Compute")
	// neighbours inlined into bfs: the innermost frame comes first.
	bfs := mk("github.com/aegisbench/aegisbench/engines/goengine.(*graph).neighbours", "github.com/aegisbench/aegisbench/engines/goengine.bfs")
	edges := mk("github.com/aegisbench/aegisbench/engines/goengine.buildEdges")
	malloc := mk("runtime.mallocgc")
	cpu := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{bfs, pipeline, run}, Value: []int64{50, 500e6}},
			{Location: []*profile.Location{edges, pipeline, run}, Value: []int64{30, 300e6}},
			{Location: []*profile.Location{malloc, edges, pipeline, run}, Value: []int64{20, 200e6}},
		},
		Location: locs, Function: funcs, PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"}, Period: 10e6,
	}
	mem := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"}, {Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}},
		Sample: []*profile.Sample{
			{Location: []*profile.Location{edges, pipeline, run}, Value: []int64{1000, 3 << 20, 0, 0}},
			{Location: []*profile.Location{bfs, pipeline, run}, Value: []int64{4000, 1 << 20, 0, 0}},
		},
		Location: locs, Function: funcs,
	}
	for name, p := range map[string]*profile.Profile{ProfileCPU: cpu, ProfileMem: mem} {
		require.NoError(t, p.CheckValid())
		f, err := os.Create(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, p.Write(f))
		require.NoError(t, f.Close())
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ProfileBenchmark),
		[]byte("goos: linux\nBenchmarkAttackPaths/engine=go/n=20000-2   \t      12\t  80137753 ns/op\nPASS\n"), 0o644))
}

func checkPlots(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, "plots", name+".png"))
		require.NoError(t, err, name)
		img, err := png.Decode(f)
		f.Close()
		require.NoError(t, err, name)
		assert.Greater(t, img.Bounds().Dx(), 500, name)
		svg, err := os.ReadFile(filepath.Join(dir, "plots", name+".svg"))
		require.NoError(t, err, name)
		assert.Contains(t, string(svg), "<svg", name)
	}
}

// TestBaselineFull pins BASELINE.md on a results file with every family
// of benchmarks (7 samples each, so every interval is finite) and
// profiles.
func TestBaselineFull(t *testing.T) {
	set, err := results.Load("testdata/synthetic-linux-amd64.txt")
	require.NoError(t, err)
	prof := t.TempDir()
	writeProfiles(t, prof)
	out := t.TempDir()
	b, err := WriteBaseline(context.Background(), out, set, Options{ProfileDir: prof})
	require.NoError(t, err)
	md, err := os.ReadFile(filepath.Join(out, BaselineFile))
	require.NoError(t, err)
	golden(t, "synthetic-linux-amd64.md", md)
	checkPlots(t, out, plotTime, plotSpeedup, plotStages, plotMemory)

	// Spot checks on values the golden file shows.
	require.NotNil(t, b.HotPath)
	require.NotNil(t, b.HotPath.CPU)
	assert.Equal(t, "engines/goengine.(*graph).neighbours", b.HotPath.CPU.ByFlat[0].Name, "inlined frames: the innermost is the flat one")
	assert.InDelta(t, 0.5, b.HotPath.CPU.ByFlat[0].FlatShare, 1e-12)
	assert.InDelta(t, 1.0, b.HotPath.CPU.ByCum[0].CumShare, 1e-12)
	for _, e := range b.Exponents {
		if e.Family == "AttackPaths/engine=go" {
			assert.InDelta(t, 1.15, e.Fit.Exponent, 0.02)
		}
	}
	for _, p := range b.Pairs {
		if p.Stage == "pipeline" && p.N == 20000 {
			assert.InDelta(t, 2.6, p.Speedup.Center, 0.15)
			assert.True(t, p.Speedup.HasCI())
			assert.Less(t, p.Speedup.Lo, p.Speedup.Center)
			assert.Less(t, p.P.P, 0.01)
		}
	}
	assert.NotContains(t, strings.Join(b.NotMeasured, "\n"), "Confidence intervals")
}

// TestBaselinePartial states what is missing instead of inventing it: a
// file with only the Go engine's benchmarks, three samples each.
func TestBaselinePartial(t *testing.T) {
	set, err := results.Load("testdata/go-only.txt")
	require.NoError(t, err)
	out := t.TempDir()
	b, err := WriteBaseline(context.Background(), out, set, Options{})
	require.NoError(t, err)
	md, err := os.ReadFile(filepath.Join(out, BaselineFile))
	require.NoError(t, err)
	golden(t, "go-only.md", md)
	checkPlots(t, out, plotTime, plotStages, plotMemory)
	_, err = os.Stat(filepath.Join(out, "plots", plotSpeedup+".png"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no speedup plot without Rust")
	nm := strings.Join(b.NotMeasured, "\n")
	for _, want := range []string{"Rust Criterion benchmarks: not measured", "Go decode-only time: not measured",
		"Rust over FFI", "Whole-process timings (hyperfine): not measured", "Hot paths: no pprof profiles", "fewer than 6 samples"} {
		assert.Contains(t, nm, want)
	}
}

func TestBaselineErrors(t *testing.T) {
	set, err := results.Read(strings.NewReader("goarch: amd64\nBenchmarkA 1 1 ns/op\ngoarch: arm64\nBenchmarkA 1 1 ns/op\n"), "mixed")
	require.NoError(t, err)
	_, err = Build(set, Options{})
	assert.ErrorContains(t, err, "mix platforms")

	set, err = results.Load("testdata/go-only.txt")
	require.NoError(t, err)
	empty := t.TempDir()
	b, err := Build(set, Options{ProfileDir: empty})
	require.NoError(t, err, "a run without profiles is reported, not an error")
	assert.Nil(t, b.HotPath)
	assert.Contains(t, strings.Join(b.NotMeasured, "\n"), "Hot paths: no profiles: "+empty+" has neither cpu.pprof nor mem.pprof")

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, ProfileCPU), []byte("not a profile"), 0o644))
	_, err = Build(set, Options{ProfileDir: bad})
	assert.ErrorContains(t, err, "cpu.pprof")
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "127s", Duration(126.999891708))
	assert.Equal(t, "7.46ms", Duration(7.459066e-3))
	assert.Equal(t, "10.1µs", Duration(10.063e-6))
	assert.Equal(t, "13.3ns", Duration(13.26e-9))
	assert.Equal(t, "42.9GiB", Bytes(46051293592))
	assert.Equal(t, "13.7MiB", Bytes(14350455))
	assert.Equal(t, "0B", Bytes(0))
	assert.Equal(t, "185M", Count(185052746))
	assert.Equal(t, "63", Count(63))
	assert.Equal(t, "126,999,891,708", Grouped(126999891708))
	assert.Equal(t, "13.25", Grouped(13.25))
	assert.Equal(t, "6.2×", Factor(6.2))
	var buf bytes.Buffer
	buf.WriteString(Factor(0.8734))
	assert.Equal(t, "0.873×", buf.String())
}

// SeedTitle is the title the committed darwin-arm64 baseline is rendered
// with (aegisbench report ... --title).
const SeedTitle = "Performance Baseline: darwin-arm64 (Apple M2 Max), as reported by the seed"

// TestSeedBaselineCommitted checks that the committed darwin-arm64
// baseline is what the report renders from its results file, and that the
// reference report's figures are in it.
func TestSeedBaselineCommitted(t *testing.T) {
	dir := filepath.Join("baselines", "darwin-arm64")
	set, err := results.Load(filepath.Join(dir, "results.txt"))
	require.NoError(t, err)
	out := t.TempDir()
	b, err := WriteBaseline(context.Background(), out, set, Options{Title: SeedTitle})
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(out, BaselineFile))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(dir, BaselineFile))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "re-render with: aegisbench report %s/results.txt -o %s --title %q", dir, dir, SeedTitle)
	checkPlots(t, dir, plotTime, plotStages, plotMemory)

	assert.Contains(t, b.Source, "not measured")
	for _, want := range []string{"| Load/n=20000 (seed: ServerStartup) | 126,999,891,708 |", "| AttackPaths/engine=go/n=20000 (seed: AttackPathComputation) | 119,547,721,208 |",
		"| compute_attack_paths | 200 | 2.43ms |", "| deserialize_findings | 200 | 397µs |", "| full_pipeline | 200 | 3.71ms |"} {
		assert.Contains(t, string(got), want)
	}
}

// TestComparePlatforms pins the comparison of the synthetic linux results
// with the reference report's reported darwin figures: every row is marked not
// comparable, with its reasons.
func TestComparePlatforms(t *testing.T) {
	linux, err := results.Load("testdata/synthetic-linux-amd64.txt")
	require.NoError(t, err)
	seed, err := results.Load(filepath.Join("baselines", "darwin-arm64", "results.txt"))
	require.NoError(t, err)
	c := ComparePlatforms(Side{Label: "darwin-arm64", Set: seed}, Side{Label: "linux-amd64", Set: linux})
	var buf bytes.Buffer
	require.NoError(t, WriteComparison(&buf, c))
	golden(t, "compare-darwin-linux.md", buf.Bytes())

	require.NotEmpty(t, c.Rows)
	var load *CompareRow
	for i := range c.Rows {
		if c.Rows[i].Name == "Load/n=20000" && c.Rows[i].Unit == "sec/op" {
			load = &c.Rows[i]
		}
	}
	require.NotNil(t, load)
	assert.InDelta(t, 0.04000080/126.999891708, load.Ratio, 1e-6)
	assert.Contains(t, strings.Join(load.Reasons, "; "), "dataset digest not recorded on darwin-arm64")
	assert.Contains(t, strings.Join(load.Reasons, "; "), "different packages")
	assert.Contains(t, strings.Join(c.SideReasons, "; "), "darwin-arm64 is reported")
	assert.Contains(t, c.OnlyA, "GetCached_Hit")
	assert.Contains(t, c.OnlyB, "Pipeline/engine=go/n=20000")

	// The seed allows the Rust stage ratios at n=200: compared with caveats.
	var stage *DerivedRow
	for i := range c.Derived {
		if c.Derived[i].Figure == "Rust full pipeline / compute (Criterion)" && c.Derived[i].N == 200 {
			stage = &c.Derived[i]
		}
	}
	require.NotNil(t, stage)
	assert.True(t, stage.Comparable())
	assert.InDelta(t, 3.71/2.43, stage.A, 1e-9)
	assert.Contains(t, strings.Join(stage.Caveats, "; "), "darwin-arm64 is reported")

	// Same code, same data, calibration measured on both sides (linux-b's
	// machine twice as slow): exact units compare as they are, times
	// after normalizing, dimensionless figures are equal.
	data, err := os.ReadFile("testdata/synthetic-linux-amd64.txt")
	require.NoError(t, err)
	calib := func(ns int) string {
		return fmt.Sprintf("\npkg: github.com/aegisbench/aegisbench/harness/platformcal\nBenchmarkCalibration/engine=go-2 1 %d ns/op\n"+
			"pkg: rust/libaegispath/benches/calibration_bench (criterion)\nBenchmarkCriterion/stage=calibration/engine=rust 1 %d ns/op\n", ns, ns)
	}
	la, err := results.Read(strings.NewReader(string(data)+calib(1000000)), "a.txt")
	require.NoError(t, err)
	lb, err := results.Read(strings.NewReader(string(data)+calib(2000000)), "b.txt")
	require.NoError(t, err)
	self := ComparePlatforms(Side{Label: "a", Set: la}, Side{Label: "b", Set: lb})
	assert.Empty(t, self.SideReasons)
	require.NotEmpty(t, self.Rows)
	for _, r := range self.Rows {
		assert.InDelta(t, 1.0, r.Ratio, 1e-12)
		switch r.Unit {
		case "sec/op":
			assert.Equal(t, Normalized, r.Class, r.Name)
			assert.InDelta(t, 0.5, r.NormRatio, 1e-12, r.Name)
		case "allocs/op", "B/op":
			assert.Equal(t, Comparable, r.Class, r.Name)
		}
	}
	require.NotEmpty(t, self.Derived)
	for _, d := range self.Derived {
		assert.True(t, d.Comparable(), d.Figure)
		assert.InDelta(t, d.A, d.B, 1e-12, d.Figure)
	}
	// Output digests: equal on both sides, per engine and size.
	require.Len(t, self.Outputs, 6, "3 engines at 200 and at 2000")
	for _, r := range self.Outputs {
		assert.True(t, r.Equal(), "%+v", r)
		assert.Empty(t, r.Reasons)
	}
	assert.Equal(t, "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", self.Outputs[5].A, "rust-cli's own answer at 2000")

	// One engine writing another document on the other platform is
	// reported DIFFERENT, by engine and size.
	other := strings.Replace(string(data), "engines=go,rust-ffi,rust-cli", "engines=go,rust-ffi; sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd engines=rust-cli", 1)
	lc, err := results.Read(strings.NewReader(other+calib(1000000)), "c.txt")
	require.NoError(t, err)
	diff := ComparePlatforms(Side{Label: "a", Set: la}, Side{Label: "c", Set: lc})
	var differ []string
	for _, r := range diff.Outputs {
		if !r.Equal() {
			differ = append(differ, fmt.Sprintf("%s n=%d", r.Engine, r.N))
		}
	}
	assert.Equal(t, []string{"rust-cli n=200"}, differ)
	buf.Reset()
	require.NoError(t, WriteComparison(&buf, diff))
	assert.Contains(t, buf.String(), "| 200 | rust-cli | `aaaaaaaaaaaa` | `dddddddddddd` | **DIFFERENT** |")

	// Digests taken with other options are not compared.
	ld, err := results.Read(strings.NewReader(strings.Replace(string(data), "output-realistic-200-s1/d=4/", "output-realistic-200-s1/d=6/", 1)+calib(1000000)), "d.txt")
	require.NoError(t, err)
	for _, r := range ComparePlatforms(Side{Label: "a", Set: la}, Side{Label: "d", Set: ld}).Outputs {
		if r.N == 200 {
			assert.Contains(t, strings.Join(r.Reasons, "; "), "different options (a: max-depth 4, top-k 20; d: max-depth 6, top-k 20)")
		} else {
			assert.Empty(t, r.Reasons)
		}
	}
}

// TestProcessBreakdown checks a whole process's row in "where the time
// goes": the stages of --timings, the rest derived, hyperfine's wall time
// as the total.
func TestProcessBreakdown(t *testing.T) {
	set, err := results.Read(strings.NewReader(`goos: linux
goarch: amd64
pkg: processes (hyperfine)
BenchmarkProcess/engine=go/n=20000 1 200000000 ns/op
BenchmarkProcess/engine=go/n=20000 1 210000000 ns/op
BenchmarkProcess/engine=go/n=20000 1 205000000 ns/op
BenchmarkProcessStage/engine=go/stage=read_validate/n=20000 1 100000000 ns/op
BenchmarkProcessStage/engine=go/stage=compute/n=20000 1 50000000 ns/op
BenchmarkProcessStage/engine=go/stage=write/n=20000 1 1000000 ns/op
`), "process")
	require.NoError(t, err)
	b, err := Build(set, Options{})
	require.NoError(t, err)
	require.Len(t, b.Breakdowns, 1)
	bd := b.Breakdowns[0]
	assert.True(t, bd.Whole)
	assert.Equal(t, "go", bd.Engine)
	assert.InDelta(t, 0.205, bd.Pipeline, 1e-9)
	require.Len(t, bd.Parts, 4)
	assert.Equal(t, []string{"read+validate", "compute", "write", "start + exit"},
		[]string{bd.Parts[0].Stage, bd.Parts[1].Stage, bd.Parts[2].Stage, bd.Parts[3].Stage})
	assert.True(t, bd.Parts[3].Derived)
	assert.InDelta(t, 0.054, bd.Parts[3].Seconds, 1e-9)
}

// TestWriteBaselineCancelled: a report whose context has ended writes no
// BASELINE.md and says why.
func TestWriteBaselineCancelled(t *testing.T) {
	set, err := results.Load("testdata/go-only.txt")
	require.NoError(t, err)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = WriteBaseline(ctx, out, set, Options{})
	assert.ErrorIs(t, err, context.Canceled)
	left, _ := os.ReadDir(out)
	assert.Empty(t, left)
}
