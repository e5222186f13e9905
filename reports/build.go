package reports

// Build: the Baseline computed from a results.Set, table by table (the
// types are in model.go).

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
	"golang.org/x/perf/benchmath"
)

// Build computes the baseline of a set of results.
func Build(set *results.Set, opt Options) (*Baseline, error) {
	if err := set.Check(); err != nil {
		return nil, err
	}
	b := &Baseline{Title: opt.Title, Standing: opt.Standing, set: set}
	for _, f := range set.Files {
		b.Files = append(b.Files, filepath.Base(f.Path))
	}
	if b.Title == "" {
		b.Title = "Performance Baseline"
	}
	b.Source = set.ConfigString("source")
	b.Settings = set.ConfigString("bench")
	b.Platform = Platform{
		GOOS: set.ConfigString("goos"), GOARCH: set.ConfigString("goarch"), CPU: set.ConfigString("cpu"),
		Cores: set.ConfigString("cores"), Memory: set.ConfigString("memory"), Go: set.ConfigString("go"),
		Rustc: set.ConfigString("rustc"), Commit: set.ConfigString("commit"), Date: set.ConfigString("date"),
	}
	for _, c := range set.Config {
		switch {
		case strings.HasPrefix(c.Key, "dataset-"):
			for _, v := range c.Values {
				b.Datasets = append(b.Datasets, parseDataset(strings.TrimPrefix(c.Key, "dataset-"), v))
			}
		case strings.HasPrefix(c.Key, "note"):
			b.Notes = append(b.Notes, c.Values...)
		case c.Key == "failed":
			for _, v := range c.Values {
				b.NotMeasured = append(b.NotMeasured, "Failed during the run: "+v+".")
			}
		case c.Key == "interrupted":
			for _, v := range c.Values {
				b.NotMeasured = append(b.NotMeasured, "The run was interrupted ("+v+"): the later samples were not taken (bench --resume continues it).")
			}
		case c.Key == "skipped":
			for _, v := range c.Values {
				b.NotMeasured = append(b.NotMeasured, "Skipped by the run (program not installed): "+v+".")
			}
		}
	}
	if err := attachOutputs(set, b.Datasets); err != nil {
		return nil, err
	}
	b.Sizes = sizes(set)
	b.Samples = sampleRange(set)
	b.buildGo()
	b.buildCriterion()
	b.buildPairs()
	b.buildExponents()
	b.buildFFI()
	b.buildProcesses()
	b.buildEngines()
	b.buildBreakdowns()
	if opt.ProfileDir != "" {
		hp, err := LoadHotPath(opt.ProfileDir)
		switch {
		case errors.Is(err, ErrNoProfiles):
			b.noProfiles = err.Error()
		case err != nil:
			return nil, err
		}
		b.HotPath = hp
	}
	b.buildNotMeasured()
	return b, nil
}

// parseDataset reads "<sha256> findings=N bytes=B [note...]".
func parseDataset(name, v string) DatasetInfo {
	d := DatasetInfo{Name: name}
	var rest []string
	for i, f := range strings.Fields(v) {
		switch {
		case i == 0 && len(f) == 64 && isHex(f):
			d.SHA256 = f
		case strings.HasPrefix(f, "findings="):
			d.Findings, _ = strconv.Atoi(strings.TrimPrefix(f, "findings="))
		case strings.HasPrefix(f, "bytes="):
			d.Bytes, _ = strconv.ParseInt(strings.TrimPrefix(f, "bytes="), 10, 64)
		default:
			rest = append(rest, f)
		}
	}
	d.Note = strings.Join(rest, " ")
	return d
}

// attachOutputs gives each dataset its "output-NAME" line, if any.
func attachOutputs(set *results.Set, ds []DatasetInfo) error {
	for _, c := range set.Config {
		for _, v := range c.Values {
			o, ok, err := bench.ParseOutputConfig(c.Key, v)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			for i := range ds {
				if bench.ConfigKey(ds[i].Name) == o.Dataset {
					ds[i].Output = o
				}
			}
		}
	}
	return nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func sampleRange(set *results.Set) string {
	lo, hi := math.MaxInt, 0
	for _, s := range set.Series {
		lo, hi = min(lo, len(s.Values)), max(hi, len(s.Values))
	}
	if hi == 0 {
		return "0"
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// stat returns the summary of a series, or nil when it is absent.
func (b *Baseline) stat(name, unit string) *Stat {
	s := b.set.Lookup(name, unit)
	if s == nil || len(s.Values) == 0 {
		return nil
	}
	return &Stat{Series: s, Summary: stats.Of(b.set, s, stats.Confidence)}
}

func isGoSeries(s *results.Series) bool {
	return s.Base != baseCriterion && s.Base != baseProcess && s.Base != baseFFI && !strings.HasPrefix(s.Part("engine"), "rust")
}

// goBaseOrder is the order of the Go table: the seed's benchmarks first,
// then any other in order of first appearance.
var goBaseOrder = []string{"Load", "Decode", "AttackPaths", "SerializePaths", "Pipeline", "ListFindings", "GetFinding", "Generate"}

// buildGo lists the Go benchmarks, grouped by base name and by size.
func (b *Baseline) buildGo() {
	baseOrder := map[string]int{}
	for i, base := range goBaseOrder {
		baseOrder[base] = i
	}
	var names []string
	nameSeen := map[string]bool{}
	for _, s := range b.set.Series {
		if !isGoSeries(s) {
			continue
		}
		if _, ok := baseOrder[s.Base]; !ok {
			baseOrder[s.Base] = len(baseOrder)
		}
		if !nameSeen[s.Name] {
			nameSeen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	rows := b.goRows(names)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Base != rows[j].Base {
			return baseOrder[rows[i].Base] < baseOrder[rows[j].Base]
		}
		return rows[i].N < rows[j].N
	})
	b.GoRows = rows
}

func (b *Baseline) goRows(names []string) []GoRow {
	var rows []GoRow
	for _, name := range names {
		s := b.set.Lookup(name, unitTime)
		row := GoRow{Name: name, Time: b.stat(name, unitTime), Bytes: b.stat(name, unitBytes), Alloc: b.stat(name, unitAllocs)}
		for _, u := range []string{unitTime, unitBytes, unitAllocs} {
			if s = b.set.Lookup(name, u); s != nil {
				row.Base, row.N = s.Base, s.N()
				break
			}
		}
		row.Alias = b.set.ConfigString("alias-" + strings.ToLower(row.Base))
		rows = append(rows, row)
	}
	return rows
}

func (b *Baseline) buildCriterion() {
	for _, g := range bench.CriterionGroups {
		for _, n := range b.Sizes {
			if st := b.stat(fmt.Sprintf("Criterion/stage=%s/engine=rust/n=%d", g.Stage, n), unitTime); st != nil {
				b.CriterionRows = append(b.CriterionRows, CriterionRow{Stage: g.Stage, Group: g.Group, N: n, Time: st})
			}
		}
	}
}

func (b *Baseline) firstStat(names []string, n int) *Stat {
	for _, f := range names {
		if st := b.stat(fmt.Sprintf(f, n), unitTime); st != nil {
			return st
		}
	}
	return nil
}

func (b *Baseline) buildPairs() {
	for _, d := range pairDefs {
		for _, n := range b.Sizes {
			row := PairRow{Stage: d.Stage, Label: d.Label, N: n, Go: b.firstStat(d.Go, n), Rust: b.stat(fmt.Sprintf(d.Rust, n), unitTime)}
			if row.Go == nil && row.Rust == nil {
				continue
			}
			if d.Stage == "pipeline-ffi" && row.Rust == nil {
				continue // reported in the FFI section as not measured
			}
			if row.Both() {
				row.Speedup = stats.RatioOfMedians(row.Go.Series.Values, row.Rust.Series.Values, stats.Confidence)
				row.P = stats.Compare(row.Go.Series.Values, row.Rust.Series.Values)
			}
			b.Pairs = append(b.Pairs, row)
		}
	}
}

// buildExponents fits time ∝ n^k to every family of time series measured
// at two sizes or more.
func (b *Baseline) buildExponents() {
	type fam struct {
		xs, ys  []float64
		samples [][]float64
		sizes   []int
	}
	var order []string
	fams := map[string]*fam{}
	for _, s := range b.set.Series {
		n := s.N()
		if s.Unit != unitTime || n == 0 || len(s.Values) == 0 {
			continue
		}
		key := familyName(s.Name)
		f, ok := fams[key]
		if !ok {
			f = &fam{}
			fams[key] = f
			order = append(order, key)
		}
		f.xs = append(f.xs, float64(n))
		f.ys = append(f.ys, stats.Of(b.set, s, stats.Confidence).Center)
		f.samples = append(f.samples, s.Values)
		f.sizes = append(f.sizes, n)
	}
	for _, key := range order {
		f := fams[key]
		b.addExponent(key, f.xs, f.ys, f.samples, f.sizes)
		var large []int
		for i, n := range f.sizes {
			if n >= largeFrom {
				large = append(large, i)
			}
		}
		if len(large) >= 2 && len(large) < len(f.sizes) {
			pick := func(i int) int { return large[i] }
			xs, ys, ss, sz := make([]float64, len(large)), make([]float64, len(large)), make([][]float64, len(large)), make([]int, len(large))
			for i := range large {
				xs[i], ys[i], ss[i], sz[i] = f.xs[pick(i)], f.ys[pick(i)], f.samples[pick(i)], f.sizes[pick(i)]
			}
			b.addExponent(key+" (n ≥ "+Grouped(largeFrom)+")", xs, ys, ss, sz)
		}
	}
}

// addExponent fits one family's medians (no row with fewer than two sizes).
func (b *Baseline) addExponent(family string, xs, ys []float64, samples [][]float64, sizes []int) {
	fit, err := stats.FitPowerLaw(xs, ys)
	if err != nil {
		return // one size: no exponent
	}
	sz := slices.Clone(sizes)
	slices.Sort(sz)
	row := ExponentRow{Family: family, Sizes: sz, Fit: fit}
	row.Lo, row.Hi, row.HasCI = stats.ExponentCI(xs, samples, stats.Confidence)
	b.Exponents = append(b.Exponents, row)
}

// familyName removes the "/n=N" part of a name.
func familyName(name string) string {
	var parts []string
	for _, p := range strings.Split(name, "/") {
		if !strings.HasPrefix(p, "n=") {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}

func (b *Baseline) buildFFI() {
	for _, n := range b.Sizes {
		ffi := b.stat(fmt.Sprintf("Pipeline/engine=rust-ffi/n=%d", n), unitTime)
		native := b.stat(fmt.Sprintf("Criterion/stage=pipeline/engine=rust/n=%d", n), unitTime)
		if ffi == nil {
			continue
		}
		row := FFIRow{N: n, FFI: ffi, Native: native}
		if native != nil {
			row.Overhead = ffi.Summary.Center - native.Summary.Center
			row.Ratio = stats.RatioOfMedians(ffi.Series.Values, native.Series.Values, stats.Confidence)
			row.P = stats.Compare(ffi.Series.Values, native.Series.Values)
		}
		b.FFIRows = append(b.FFIRows, row)
	}
	var names []string
	for _, s := range b.set.Series {
		if s.Base == baseFFI && !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	b.FFICalls = b.goRows(names)
}

func (b *Baseline) buildProcesses() {
	var datasets []string
	seen := map[string]bool{}
	for _, s := range b.set.Series {
		if s.Base == baseProcess && !seen[s.Part("dataset")] {
			seen[s.Part("dataset")] = true
			datasets = append(datasets, s.Part("dataset"))
		}
	}
	for _, ds := range datasets {
		prefix := "Process/"
		if ds != "" {
			prefix += "dataset=" + ds + "/"
		}
		for _, n := range b.Sizes {
			name := func(engine string) string { return fmt.Sprintf("%sengine=%s/n=%d", prefix, engine, n) }
			row := ProcessRow{Dataset: ds, N: n,
				Go: b.stat(name("go"), unitTime), Rust: b.stat(name("rust-cli"), unitTime),
				GoRSS: b.stat(name("go"), unitRSS), RustRSS: b.stat(name("rust-cli"), unitRSS)}
			if row.Go == nil && row.Rust == nil {
				continue
			}
			if row.Go != nil && row.Rust != nil {
				row.Speedup = stats.RatioOfMedians(row.Go.Series.Values, row.Rust.Series.Values, stats.Confidence)
				row.P = stats.Compare(row.Go.Series.Values, row.Rust.Series.Values)
			}
			b.Processes = append(b.Processes, row)
		}
	}
}

func (b *Baseline) buildNotMeasured() {
	nm := func(format string, args ...any) { b.NotMeasured = append(b.NotMeasured, fmt.Sprintf(format, args...)) }
	if len(b.GoRows) == 0 {
		nm("Go benchmarks (go test): not measured.")
	}
	if len(b.CriterionRows) == 0 {
		nm("Rust Criterion benchmarks: not measured.")
	}
	haveGoDecode := false
	for _, p := range b.Pairs {
		if p.Stage == "validate" && p.Go != nil {
			haveGoDecode = true
		}
	}
	if !haveGoDecode {
		nm("Go decode-only time: not measured. The Go suite has no decode-only benchmark; BenchmarkLoad reads, hashes and decodes all 56 fields, so it is not comparable with deserialize_findings (11 engine fields). The decode rows show Rust alone.")
	}
	// Pairs measured on one side only, by stage.
	for _, d := range pairDefs {
		var goOnly, rustOnly []string
		for _, p := range b.Pairs {
			if p.Stage != d.Stage {
				continue
			}
			switch {
			case p.Go == nil && p.Rust != nil && d.Stage != "validate":
				rustOnly = append(rustOnly, strconv.Itoa(p.N))
			case p.Go != nil && p.Rust == nil:
				goOnly = append(goOnly, strconv.Itoa(p.N))
			}
		}
		if len(goOnly) > 0 {
			nm("%s, Rust side at n=%s: not measured (Go only).", d.Label, strings.Join(goOnly, ", "))
		}
		if len(rustOnly) > 0 {
			nm("%s, Go side at n=%s: not measured (Rust only).", d.Label, strings.Join(rustOnly, ", "))
		}
	}
	if len(b.FFIRows) == 0 {
		nm("Rust over FFI (BenchmarkPipeline/engine=rust-ffi): not measured.")
	}
	if len(b.FFICalls) == 0 {
		nm("FFI call costs (BenchmarkFFI): not measured.")
	}
	if len(b.Processes) == 0 {
		nm("Whole-process timings (hyperfine): not measured.")
	} else {
		rss := false
		for _, p := range b.Processes {
			rss = rss || p.GoRSS != nil || p.RustRSS != nil
		}
		if !rss {
			nm("Peak RSS of the processes: not measured (it needs hyperfine %s or later, whose JSON export has each run's memory usage: `make tools`).", bench.MinHyperfine)
		}
	}
	switch {
	case b.HotPath == nil && b.noProfiles != "":
		nm("Hot paths: %s (the run made no profiles: it profiles BenchmarkAttackPaths/engine=go only when the Go engine and go test are selected).", b.noProfiles)
	case b.HotPath == nil:
		nm("Hot paths: no pprof profiles given (bench --profile-dir DIR, then report --profile-dir DIR).")
	}
	noCI := false
	for _, s := range b.set.Series {
		if len(s.Values) < 6 && b.set.Assumption(s.Unit) != benchmath.AssumeExact {
			noCI = true
		}
	}
	if noCI {
		nm("Confidence intervals: some benchmarks have fewer than 6 samples (speedup intervals need 7 per side); their intervals show n/a.")
	}
}
