// Package reports turns benchmark results into the per-platform baseline
// (BASELINE.md and its plots) and the cross-platform comparison. As in
// criterion.rs, analysis and rendering are kept apart: Build reads a
// results.Set into a Baseline (tables of summaries, ratios, fits; what was
// not measured), and each exporter (markdown, one file per plot) renders
// a Baseline without computing statistics of its own.
package reports

import (
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// Base names of the non-Go result families written by the bench runner.
const (
	baseCriterion = "Criterion"
	baseProcess   = "Process"
	baseFFI       = "FFI"
)

// Tidied units.
const (
	unitTime   = "sec/op"
	unitBytes  = "B/op"
	unitAllocs = "allocs/op"
	unitRSS    = "peak-RSS-B"
)

// Config keys of a results file read by the report besides the platform:
// "source" (who produced figures not measured by aegisbench bench),
// "bench" (run settings), "dataset-NAME" ("<sha256> findings=N bytes=B
// note"), "alias-BASE" (another name of a benchmark, lower-case base
// name), "note..." (shown as notes), "failed" and "skipped".

// Options are the settings of a report.
type Options struct {
	Title      string // default "Performance Baseline"
	ProfileDir string // pprof profiles of the Go engine (cpu.pprof, mem.pprof)
	// Standing is where the run stands against the previous runs of this
	// machine in the history store (nil: not asked).
	Standing *history.Standing
}

// Platform is the machine and toolchains, from the results' config lines.
type Platform struct {
	GOOS, GOARCH, CPU, Cores, Memory, Go, Rustc, Commit, Date string
}

// DatasetInfo is a "dataset-NAME" config line.
type DatasetInfo struct {
	Name     string
	SHA256   string // "" when not recorded
	Findings int    // 0 when not recorded
	Bytes    int64  // 0 when not recorded
	Note     string // anything else on the line
	// Output is what the engines answered on it (an "output-NAME" line);
	// no Answers when not recorded.
	Output bench.OutputDigest
}

// Stat is a series and its summary; nil means not measured.
type Stat struct {
	Series  *results.Series
	Summary stats.Summary
}

// GoRow is one Go benchmark: time, bytes and allocations per op.
type GoRow struct {
	Name  string // full name without "Benchmark"
	Alias string // the reference report's name for it, if any
	Base  string
	N     int
	Time  *Stat
	Bytes *Stat
	Alloc *Stat
}

// CriterionRow is one Criterion group at one size.
type CriterionRow struct {
	Stage string
	Group string
	N     int
	Time  *Stat
}

// PairRow compares Go with a Rust engine at one stage and size.
type PairRow struct {
	Stage   string // "compute", "validate", "encode", "pipeline", "pipeline-ffi"
	Label   string
	N       int
	Go      *Stat
	Rust    *Stat
	Speedup stats.Ratio      // Go median / Rust median
	P       stats.Comparison // Mann-Whitney U
}

// Both reports whether both sides were measured.
func (r PairRow) Both() bool { return r.Go != nil && r.Rust != nil }

// ExponentRow is a power law fitted to one family's medians across sizes.
type ExponentRow struct {
	Family string // name without the /n= part
	Sizes  []int
	Fit    stats.Fit
	// Lo and Hi bound the exponent at stats.Confidence (bootstrap over the
	// samples, stats.ExponentCI), when HasCI.
	Lo, Hi float64
	HasCI  bool
}

// largeFrom is the smallest size of the second fit of a family measured
// at two sizes or more from it and at a smaller size too: the growth at
// scale, without the fixed costs that dominate small inputs.
const largeFrom = 20000

// FFIRow compares the Rust engine over cgo with Criterion's native run.
type FFIRow struct {
	N        int
	FFI      *Stat
	Native   *Stat
	Overhead float64 // seconds: median(FFI) - median(native)
	Ratio    stats.Ratio
	P        stats.Comparison
}

// ProcessRow compares the two engines as whole processes.
type ProcessRow struct {
	Dataset string // "" for the standard ladder
	N       int
	Go      *Stat
	Rust    *Stat
	GoRSS   *Stat
	RustRSS *Stat
	Speedup stats.Ratio
	P       stats.Comparison
}

// Part is one stage of a breakdown.
type Part struct {
	Stage   string
	Seconds float64
	Derived bool // computed by subtraction, not measured on its own
}

// Breakdown splits one engine's pipeline time at one size into stages.
type Breakdown struct {
	Engine   string
	N        int
	Pipeline float64 // seconds
	Parts    []Part
	Clamped  bool // a derived part came out negative and was set to 0
	// Whole marks a whole process: Pipeline is its wall time (hyperfine)
	// and the parts are the stages its --timings reported.
	Whole bool
}

// Baseline is everything BASELINE.md and its plots show.
type Baseline struct {
	Title         string
	Standing      *history.Standing
	Source        string // "source" config: who produced the figures ("" when measured by aegisbench bench)
	Settings      string // "bench" config: how aegisbench bench took the samples
	Platform      Platform
	Datasets      []DatasetInfo
	Sizes         []int
	Samples       string // e.g. "5" or "1-5"
	Files         []string
	GoRows        []GoRow
	CriterionRows []CriterionRow
	Pairs         []PairRow
	Exponents     []ExponentRow
	FFIRows       []FFIRow
	FFICalls      []GoRow
	Processes     []ProcessRow
	Engines       []bench.EngineInfo // engine-LABEL config lines, in order
	EngineRows    []EngineRow
	ABRows        []ABRow
	Breakdowns    []Breakdown
	HotPath       *HotPath
	NotMeasured   []string
	Notes         []string
	Warnings      []string

	set        *results.Set
	noProfiles string // why --profile-dir gave no profiles
}

// pairDefs are the Go-vs-Rust comparisons of the scaling table, with the
// series names of each side (%d is n). The first Go name found is used.
var pairDefs = []struct {
	Stage, Label string
	Go           []string
	Rust         string
}{
	{"compute", "Attack-path computation", []string{"AttackPaths/engine=go/n=%d"}, "Criterion/stage=compute/engine=rust/n=%d"},
	{"validate", "JSON deserialization", []string{"Decode/engine=go/n=%d", "Decode/n=%d"}, "Criterion/stage=decode/engine=rust/n=%d"},
	{"encode", "Serialization of the paths", []string{"SerializePaths/n=%d"}, "Criterion/stage=encode/engine=rust/n=%d"},
	{"pipeline", "Full pipeline (JSON in, compute, JSON out)", []string{"Pipeline/engine=go/n=%d"}, "Criterion/stage=pipeline/engine=rust/n=%d"},
	{"pipeline-ffi", "Full pipeline, Rust called over cgo (rust-ffi)", []string{"Pipeline/engine=go/n=%d"}, "Pipeline/engine=rust-ffi/n=%d"},
}
