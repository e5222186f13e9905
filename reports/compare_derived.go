package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// DerivedRow is a dimensionless figure computed on each side (a ratio of
// two medians of that side, or a scaling exponent) and compared across
// platforms. Caveats are the reasons that would make its absolute inputs
// not comparable (figures reported, code or datasets not known to be the
// same); Reasons, when any, make it not comparable (different packages:
// different code measured).
type DerivedRow struct {
	Figure   string
	N        int // dataset size; 0 for exponents
	A, B     float64
	Caveats  []string
	Reasons  []string
	Exponent bool
}

// Comparable reports whether nothing but caveats stands in the way.
func (r DerivedRow) Comparable() bool { return len(r.Reasons) == 0 }

// ratioFigures are the dimensionless ratios: name, numerator and
// denominator series (sec/op) at n=%d.
var ratioFigures = []struct{ figure, num, den string }{
	{"Rust full pipeline / compute (Criterion)", "Criterion/stage=pipeline/engine=rust/n=%d", "Criterion/stage=compute/engine=rust/n=%d"},
	{"Rust decode share of the pipeline (Criterion)", "Criterion/stage=decode/engine=rust/n=%d", "Criterion/stage=pipeline/engine=rust/n=%d"},
	{"FFI overhead ratio: rust-ffi pipeline / native", "Pipeline/engine=rust-ffi/n=%d", "Criterion/stage=pipeline/engine=rust/n=%d"},
	{"Go / Rust pipeline (speedup of Rust)", "Pipeline/engine=go/n=%d", "Criterion/stage=pipeline/engine=rust/n=%d"},
	{"Go / Rust process (speedup of rust-cli)", "Process/engine=go/n=%d", "Process/engine=rust-cli/n=%d"},
}

// derive computes the dimensionless figures both sides allow.
func derive(a, b Side) []DerivedRow {
	side := sideCaveats(a, b)
	var out []DerivedRow
	for _, n := range sizes(a.Set, b.Set) {
		for _, f := range ratioFigures {
			num, den := fmt.Sprintf(f.num, n), fmt.Sprintf(f.den, n)
			ra, rb := ratio(a.Set, num, den), ratio(b.Set, num, den)
			if math.IsNaN(ra) || math.IsNaN(rb) {
				continue
			}
			row := DerivedRow{Figure: f.figure, N: n, A: ra, B: rb, Caveats: slices.Clone(side)}
			row.Caveats = append(row.Caveats, datasetReasons(n, a.Label, b.Label, datasetsByN(a.Set)[n], datasetsByN(b.Set)[n])...)
			for _, name := range []string{num, den} {
				if pa, pb := a.Set.Lookup(name, unitTime).Pkg, b.Set.Lookup(name, unitTime).Pkg; pa != pb {
					row.Reasons = append(row.Reasons, fmt.Sprintf("%s: different packages (%q, %q)", name, pa, pb))
				}
			}
			out = append(out, row)
		}
	}
	return append(out, exponents(a, b, side)...)
}

// exponents compares the scaling exponent (time ∝ n^k) of every family
// fitted on both sides.
func exponents(a, b Side, caveats []string) []DerivedRow {
	fa, fb := fitFamilies(a.Set), fitFamilies(b.Set)
	var out []DerivedRow
	for _, f := range fa {
		g, ok := findFit(fb, f.family)
		if !ok {
			continue
		}
		row := DerivedRow{Figure: "scaling exponent of " + f.family, A: f.k, B: g.k, Exponent: true, Caveats: slices.Clone(caveats)}
		if !slices.Equal(f.sizes, g.sizes) {
			row.Caveats = append(row.Caveats, fmt.Sprintf("fitted on different sizes (%v, %v)", f.sizes, g.sizes))
		}
		if f.pkg != g.pkg {
			row.Reasons = append(row.Reasons, fmt.Sprintf("different packages (%q, %q)", f.pkg, g.pkg))
		}
		out = append(out, row)
	}
	return out
}

type familyFit struct {
	family, pkg string
	sizes       []int
	k           float64
}

func findFit(fits []familyFit, family string) (familyFit, bool) {
	for _, f := range fits {
		if f.family == family {
			return f, true
		}
	}
	return familyFit{}, false
}

// fitFamilies fits time ∝ n^k to every sec/op family measured at two
// sizes or more.
func fitFamilies(set *results.Set) []familyFit {
	var order []string
	byFam := map[string]*familyFit{}
	xs, ys := map[string][]float64{}, map[string][]float64{}
	for _, s := range set.Series {
		if s.Unit != unitTime || s.N() == 0 || len(s.Values) == 0 {
			continue
		}
		fam := familyName(s.Name)
		if byFam[fam] == nil {
			byFam[fam] = &familyFit{family: fam, pkg: s.Pkg}
			order = append(order, fam)
		}
		byFam[fam].sizes = append(byFam[fam].sizes, s.N())
		xs[fam] = append(xs[fam], float64(s.N()))
		ys[fam] = append(ys[fam], stats.Of(set, s, stats.Confidence).Center)
	}
	var out []familyFit
	for _, fam := range order {
		fit, err := stats.FitPowerLaw(xs[fam], ys[fam])
		if err != nil {
			continue
		}
		f := byFam[fam]
		f.k = fit.Exponent
		slices.Sort(f.sizes)
		out = append(out, *f)
	}
	return out
}

// ratio is median(num)/median(den) of one side, NaN when either is absent.
func ratio(set *results.Set, num, den string) float64 {
	return seriesMedian(set, num) / seriesMedian(set, den)
}

// sizes lists the dataset sizes of both sets, ascending.
func sizes(sets ...*results.Set) []int {
	var out []int
	for _, set := range sets {
		for _, s := range set.Series {
			if n := s.N(); n > 0 && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// sideCaveats are the comparison's side reasons, as caveats.
func sideCaveats(a, b Side) []string {
	c := &PlatformComparison{A: a, B: b}
	c.sideReasons()
	return c.SideReasons
}

func joinOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, "; ")
}
