package reports

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// PlotRef is a plot as the markdown references it.
type PlotRef struct {
	Name  string // file name without extension, under plots/
	Title string
	Drawn bool
	Why   string // why it was not drawn
}

// WriteMarkdown renders BASELINE.md. plots says which plots exist.
func WriteMarkdown(w io.Writer, b *Baseline, plots []PlotRef) error {
	m := &mdWriter{w: w}
	b.mdHeader(m)
	b.mdStanding(m)
	b.mdGo(m)
	b.mdCriterion(m)
	b.mdScaling(m, plots)
	b.mdFFI(m)
	b.mdProcesses(m)
	b.mdEngines(m)
	b.mdBreakdown(m, plots)
	b.mdMemory(m, plots)
	b.mdHotPath(m)
	b.mdNotMeasured(m)
	b.mdMethod(m)
	return m.err
}

type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) p(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format+"\n", args...)
	}
}

func (m *mdWriter) table(header []string, rows [][]string) {
	m.p("| %s |", strings.Join(header, " | "))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
		if i > 0 {
			seps[i] = "--:"
		}
	}
	m.p("|%s|", strings.Join(seps, "|"))
	for _, r := range rows {
		m.p("| %s |", strings.Join(r, " | "))
	}
	m.p("")
}

func (m *mdWriter) plot(plots []PlotRef, name string) {
	for _, p := range plots {
		if p.Name != name {
			continue
		}
		if p.Drawn {
			m.p("![%s](plots/%s.png)", p.Title, p.Name)
			m.p("")
			m.p("_%s_ ([SVG](plots/%s.svg))", p.Title, p.Name)
		} else {
			m.p("_Plot not drawn (%s): %s._", p.Title, p.Why)
		}
		m.p("")
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

func (b *Baseline) mdHeader(m *mdWriter) {
	m.p("# %s", b.Title)
	m.p("")
	if b.Source != "" {
		m.p("> **Source: %s.**", b.Source)
		m.p("")
	}
	pl := b.Platform
	machine := orUnknown(pl.CPU)
	if pl.Cores != "" {
		machine += ", " + pl.Cores + " cores"
	}
	if pl.Memory != "" {
		machine += ", " + pl.Memory
	}
	m.p("- **Platform:** %s (%s/%s)", machine, orUnknown(pl.GOOS), orUnknown(pl.GOARCH))
	m.p("- **Date:** %s", orUnknown(pl.Date))
	m.p("- **Go:** %s; **Rust:** %s", orUnknown(pl.Go), orUnknown(pl.Rustc))
	m.p("- **Commit:** %s", orUnknown(pl.Commit))
	if b.Source == "" {
		m.p("- **Samples per benchmark:** %s (each one a separate process)", b.Samples)
	} else {
		m.p("- **Values per benchmark:** %s (as reported: no confidence intervals)", b.Samples)
	}
	if b.Settings != "" {
		m.p("- **Run settings:** %s", b.Settings)
	}
	m.p("- **Results:** %s", strings.Join(b.Files, ", "))
	m.p("")
	if len(b.Datasets) > 0 {
		m.p("**Datasets**")
		m.p("")
		var rows [][]string
		for _, d := range b.Datasets {
			findings, size := "not recorded", "not recorded"
			if d.Findings > 0 {
				findings = Grouped(float64(d.Findings))
			}
			if d.Bytes > 0 {
				size = Bytes(float64(d.Bytes))
			}
			digest := "not recorded"
			if d.SHA256 != "" {
				digest = "`" + d.SHA256 + "`"
			}
			rows = append(rows, []string{d.Name, findings, size, digest, outputCell(d.Output), d.Note})
		}
		m.table([]string{"Dataset", "Findings", "Size", "sha256", "Output (sha256 of the canonical document)", "Note"}, rows)
	}
	for _, n := range b.Notes {
		m.p("> Note: %s", n)
		m.p("")
	}
}

func humanRow(r GoRow) string {
	var parts []string
	if r.Time != nil {
		parts = append(parts, Duration(r.Time.Summary.Center))
	}
	if r.Bytes != nil && r.Bytes.Summary.Center > 0 {
		parts = append(parts, Bytes(r.Bytes.Summary.Center))
	}
	if r.Alloc != nil && r.Alloc.Summary.Center >= 1 {
		a := r.Alloc.Summary.Center
		parts = append(parts, Count(a)+" alloc"+plural(int(a)))
	}
	return strings.Join(parts, ", ")
}

func statCell(s *Stat, f func(float64) string) string {
	if s == nil {
		return "not measured"
	}
	return f(s.Summary.Center)
}

func ciCell(s *Stat) string {
	if s == nil {
		return ""
	}
	return pctCI(s.Summary)
}

func nsCell(v float64) string { return Grouped(v * 1e9) }

func goTableRows(rows []GoRow) [][]string {
	var out [][]string
	for _, r := range rows {
		name := r.Name
		if r.Alias != "" {
			name += " (seed: " + r.Alias + ")"
		}
		out = append(out, []string{name, statCell(r.Time, nsCell), ciCell(r.Time),
			statCell(r.Bytes, Grouped), statCell(r.Alloc, Grouped), humanRow(r)})
	}
	return out
}

func (b *Baseline) mdGo(m *mdWriter) {
	m.p("## Go Benchmarks")
	m.p("")
	if len(b.GoRows) == 0 {
		m.p("Not measured.")
		m.p("")
		return
	}
	if b.Source == "" {
		m.p("`go test -bench -benchmem`, one process per sample. Median per benchmark; ± is the 95%% confidence interval of the median (benchstat's figure).")
	} else {
		m.p("As reported by the source: one value per benchmark.")
	}
	m.p("")
	m.table([]string{"Benchmark", "ns/op (median)", "95% CI", "B/op", "allocs/op", "Human-readable"}, goTableRows(b.GoRows))
}

func (b *Baseline) mdCriterion(m *mdWriter) {
	m.p("## Rust Benchmarks (Criterion)")
	m.p("")
	if len(b.CriterionRows) == 0 {
		m.p("Not measured.")
		m.p("")
		return
	}
	if b.Source == "" {
		m.p("`cargo bench` (release profile: LTO, codegen-units = 1), one process per sample; each sample is the median of one Criterion run.")
	} else {
		m.p("As reported by the source: one Criterion median per benchmark.")
	}
	m.p("")
	var rows [][]string
	for _, r := range b.CriterionRows {
		rows = append(rows, []string{r.Group, Grouped(float64(r.N)), Duration(r.Time.Summary.Center),
			durationCI(r.Time.Summary), strconv.Itoa(r.Time.Summary.N)})
	}
	m.table([]string{"Benchmark", "Findings", "Median", "95% CI", "Samples"}, rows)
}

func (b *Baseline) mdScaling(m *mdWriter, plots []PlotRef) {
	if b.Source == "" {
		m.p("## Scaling: Go vs Rust, measured")
	} else {
		m.p("## Scaling: Go vs Rust")
	}
	m.p("")
	if len(b.Pairs) == 0 {
		m.p("Not measured.")
		m.p("")
	} else {
		m.p("Speedup is Go's median over Rust's (above 1: Rust is faster), with its 95%% confidence interval; p is the Mann-Whitney U test of the two samples. Go compute is `AttackPaths/engine=go` (on decoded input), Go pipeline is `Pipeline/engine=go` (bytes in, bytes out); Rust is Criterion natively, or the Go benchmark over cgo for rust-ffi.")
		m.p("")
		var rows [][]string
		for _, r := range b.Pairs {
			speed, ci, p := "n/a", "", ""
			if r.Both() {
				speed, ci, p = Factor(r.Speedup.Center), ratioCI(r.Speedup), pValue(r.P)
			}
			rows = append(rows, []string{r.Label, Grouped(float64(r.N)), statCell(r.Go, Duration), statCell(r.Rust, Duration), speed, ci, p})
		}
		m.table([]string{"Stage", "Findings", "Go (median)", "Rust (median)", "Speedup", "95% CI", "Mann-Whitney"}, rows)
	}
	m.plot(plots, plotTime)
	m.plot(plots, plotSpeedup)
	m.p("### Fitted scaling exponent")
	m.p("")
	if len(b.Exponents) == 0 {
		m.p("Not measured: no benchmark was run at two sizes or more.")
		m.p("")
		return
	}
	m.p("Least squares on log(median time) = log C + k·log(n): time grows as n^k. The 95%% CI is a bootstrap over the samples (each size's samples resampled, the medians refitted; not computed with fewer than 3 samples per size). Rows marked n ≥ 20,000 fit only those sizes.")
	m.p("")
	var rows [][]string
	for _, e := range b.Exponents {
		var sz []string
		for _, n := range e.Sizes {
			sz = append(sz, Grouped(float64(n)))
		}
		r2 := strconv.FormatFloat(e.Fit.R2, 'f', 3, 64)
		if e.Fit.Points == 2 {
			r2 = "n/a (2 sizes: an exact line)"
		}
		ci := "-"
		if e.HasCI {
			ci = "[" + strconv.FormatFloat(e.Lo, 'f', 2, 64) + ", " + strconv.FormatFloat(e.Hi, 'f', 2, 64) + "]"
		}
		rows = append(rows, []string{e.Family, strconv.FormatFloat(e.Fit.Exponent, 'f', 2, 64), ci, r2, strings.Join(sz, ", ")})
	}
	m.table([]string{"Benchmark family", "Exponent k", "95% CI", "R²", "Sizes"}, rows)
}

func (b *Baseline) mdFFI(m *mdWriter) {
	m.p("## FFI overhead")
	m.p("")
	if len(b.FFIRows) == 0 {
		m.p("Rust over FFI: not measured.")
		m.p("")
	} else {
		m.p("`Pipeline/engine=rust-ffi` (Go benchmark calling the Rust engine over cgo) against Criterion's `full_pipeline` (the same Rust code called natively). The difference also includes the two harnesses' own differences. B/op and allocs/op of rust-ffi count Go-side allocations only: Rust's heap is invisible to Go's allocator.")
		m.p("")
		var rows [][]string
		for _, r := range b.FFIRows {
			over, ratio, ci, p := "n/a", "n/a", "", ""
			if r.Native != nil {
				over = Duration(r.Overhead)
				ratio, ci, p = Factor(r.Ratio.Center), ratioCI(r.Ratio), pValue(r.P)
			}
			rows = append(rows, []string{Grouped(float64(r.N)), Duration(r.FFI.Summary.Center), statCell(r.Native, Duration), over, ratio, ci, p})
		}
		m.table([]string{"Findings", "rust-ffi (median)", "Rust native (median)", "Overhead", "Ratio", "95% CI", "Mann-Whitney"}, rows)
	}
	m.p("**FFI call cost**")
	m.p("")
	if len(b.FFICalls) == 0 {
		m.p("Not measured.")
		m.p("")
		return
	}
	m.table([]string{"Benchmark", "ns/op (median)", "95% CI", "B/op", "allocs/op", "Human-readable"}, goTableRows(b.FFICalls))
}

func (b *Baseline) mdProcesses(m *mdWriter) {
	m.p("## Whole processes (hyperfine)")
	m.p("")
	if len(b.Processes) == 0 {
		m.p("Not measured.")
		m.p("")
		return
	}
	m.p("`aegispaths --engine go --in F` (the paths command of aegisbench built alone) against `aegispath --in F` (both with --max-depth 4 --top-k 20), each timed run a separate process after warm-up; read, compute and write included, and process start-up. Peak RSS is hyperfine's memory usage of the run: the largest resident set of the processes hyperfine ran (warm-up included), measured by hyperfine, not by this harness, whose own size would leak into a child it forks.")
	m.p("")
	var rows [][]string
	for _, r := range b.Processes {
		ds := "standard"
		if r.Dataset != "" {
			ds = r.Dataset
		}
		speed, ci, p := "n/a", "", ""
		if r.Go != nil && r.Rust != nil {
			speed, ci, p = Factor(r.Speedup.Center), ratioCI(r.Speedup), pValue(r.P)
		}
		rows = append(rows, []string{ds, Grouped(float64(r.N)), statCell(r.Go, Duration), statCell(r.Rust, Duration), speed, ci, p,
			statCell(r.GoRSS, Bytes), statCell(r.RustRSS, Bytes)})
	}
	m.table([]string{"Dataset", "Findings", "go (median)", "rust-cli (median)", "Speedup", "95% CI", "Mann-Whitney", "Peak RSS go", "Peak RSS rust-cli"}, rows)
}

func (b *Baseline) mdBreakdown(m *mdWriter, plots []PlotRef) {
	m.p("## Where the time goes")
	m.p("")
	if len(b.Breakdowns) == 0 {
		m.p("Not measured: no engine has both a pipeline and a stage benchmark.")
		m.p("")
		return
	}
	var rows [][]string
	for _, bd := range b.Breakdowns {
		engine, total := bd.Engine, "**pipeline**"
		if bd.Whole {
			engine, total = bd.Engine+" (process)", "**whole process**"
		}
		for _, p := range bd.Parts {
			how := "measured"
			if bd.Whole && !p.Derived {
				how = "measured: --timings"
			}
			if p.Derived {
				how = "derived: pipeline − the measured stages"
				if bd.Clamped {
					how += " (negative, shown as 0)"
				}
			}
			share := "n/a"
			if bd.Pipeline > 0 {
				share = pct(p.Seconds / bd.Pipeline)
			}
			rows = append(rows, []string{engine, Grouped(float64(bd.N)), p.Stage, Duration(p.Seconds), share, how})
		}
		rows = append(rows, []string{engine, Grouped(float64(bd.N)), total, Duration(bd.Pipeline), "100%", "measured"})
	}
	m.table([]string{"Engine", "Findings", "Stage", "Median", "Share", "How"}, rows)
	m.plot(plots, plotStages)
}

func (b *Baseline) mdMemory(m *mdWriter, plots []PlotRef) {
	m.p("## Memory")
	m.p("")
	m.p("B/op and allocs/op of the Go benchmarks (Go heap only) and the peak RSS of whole processes, by dataset size.")
	m.p("")
	m.plot(plots, plotMemory)
}

func (b *Baseline) mdHotPath(m *mdWriter) {
	m.p("## Hot paths (Go engine, pprof)")
	m.p("")
	hp := b.HotPath
	if hp == nil {
		m.p("Not measured: no profiles given.")
		m.p("")
		return
	}
	if hp.Benchmark != "" {
		m.p("Profiled run: `%s` (one extra run, not part of the samples above; the profile covers the whole test process, dataset loading included).", hp.Benchmark)
		m.p("")
	}
	tables := []struct {
		title string
		t     *ProfileTable
		cum   bool
	}{
		{"CPU, by flat time (the function itself)", hp.CPU, false},
		{"CPU, by cumulative time (the function and its callees)", hp.CPU, true},
		{"Allocated bytes, by allocating function", hp.Alloc, false},
		{"Allocated objects, by allocating function", hp.AllocObj, false},
	}
	for _, tb := range tables {
		m.p("**%s**", tb.title)
		m.p("")
		if tb.t == nil {
			m.p("Not measured (profile missing).")
			m.p("")
			continue
		}
		list := tb.t.ByFlat
		if tb.cum {
			list = tb.t.ByCum
		}
		var rows [][]string
		for _, f := range list {
			rows = append(rows, []string{"`" + f.Name + "`", profileValue(tb.t, f.Flat), pct(f.FlatShare), profileValue(tb.t, f.Cum), pct(f.CumShare)})
		}
		m.p("Total: %s.", profileValue(tb.t, tb.t.Total))
		m.p("")
		m.table([]string{"Function", "Flat", "Flat %", "Cum", "Cum %"}, rows)
	}
}

func profileValue(t *ProfileTable, v int64) string {
	switch t.Unit {
	case "nanoseconds":
		return Duration(float64(v) / 1e9)
	case "bytes":
		return Bytes(float64(v))
	}
	return Count(float64(v))
}

func (b *Baseline) mdNotMeasured(m *mdWriter) {
	m.p("## Not measured")
	m.p("")
	if len(b.NotMeasured) == 0 {
		m.p("Everything above was measured.")
		m.p("")
		return
	}
	for _, s := range b.NotMeasured {
		m.p("- %s", s)
	}
	m.p("")
}

func (b *Baseline) mdMethod(m *mdWriter) {
	m.p("## Method")
	m.p("")
	if b.Source != "" {
		m.p("- The figures are %s; this report only arranges them and derives what the tables mark as derived.", b.Source)
	} else {
		m.p("- Every sample is a separate process; engines and tools alternate within each round (A B A B ...) rather than running in blocks.")
	}
	m.p("- Statistics are golang.org/x/perf's (benchfmt, benchproc, benchmath), as benchstat computes them: the median and its distribution-free 95%% confidence interval; units declared `assume=exact` are shown as exact values.")
	m.p("- Speedup intervals: each median's interval at √0.95 ≈ 97.5%%, so both hold together with 95%% probability; the ratio's interval is [lo₁/hi₂, hi₁/lo₂] (conservative).")
	m.p("- Scaling exponents: least squares on the log of the medians against the log of n.")
	m.p("- Times are medians; human-readable sizes use binary prefixes (1 KiB = 1024 B).")
	if sizes := b.Sizes; len(sizes) > 0 {
		var s []string
		for _, n := range slices.Clone(sizes) {
			s = append(s, Grouped(float64(n)))
		}
		m.p("- Sizes measured: %s findings.", strings.Join(s, ", "))
	}
	m.p("")
}
