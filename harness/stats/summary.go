// Package stats computes the statistics of the reports on top of the
// results model (harness/results reads and groups the files), with
// golang.org/x/perf/benchmath as a library: it summarizes samples (median
// and its confidence interval, or the exact value when the files declare
// the unit exact) and compares them (Mann-Whitney U). On top of those it
// computes ratios of medians with a confidence interval and fits power
// laws (time ∝ n^k) by least squares on log-log.
package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/results"
)

// Confidence is the confidence level of every interval in the reports.
const Confidence = 0.95

// Summary is a sample's center (the median, or the exact value) and its
// confidence interval, as benchmath computes them.
type Summary struct {
	Center, Lo, Hi float64
	Confidence     float64 // the interval's actual level (>= the one asked)
	N              int     // samples
	Exact          bool    // the unit is declared exact
	Warnings       []string
}

// Summarize summarizes values under assumption a at a confidence level.
// values is not modified.
func Summarize(values []float64, a benchmath.Assumption, confidence float64) Summary {
	if len(values) == 0 {
		return Summary{Center: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	sample := benchmath.NewSample(slices.Clone(values), &benchmath.DefaultThresholds)
	bs := a.Summary(sample, confidence)
	s := Summary{Center: bs.Center, Lo: bs.Lo, Hi: bs.Hi, Confidence: bs.Confidence, N: len(values), Exact: a == benchmath.AssumeExact}
	for _, w := range bs.Warnings {
		s.Warnings = append(s.Warnings, w.Error())
	}
	return s
}

// HasCI reports whether the interval is finite (benchmath needs at least
// 6 samples for a 95% interval of the median).
func (s Summary) HasCI() bool {
	return !s.Exact && !math.IsInf(s.Lo, 0) && !math.IsInf(s.Hi, 0) && !math.IsNaN(s.Lo)
}

// RelHalfWidth is the interval's largest distance from the center over
// the center (0.05: the median is known within ±5%), the figure behind
// PctRange and the stopping rule of sampling until a precision is
// reached; +Inf without an interval (too few samples) or a zero center.
func (s Summary) RelHalfWidth() float64 {
	if !s.HasCI() || s.Center == 0 {
		return math.Inf(1)
	}
	return math.Max(s.Hi-s.Center, s.Center-s.Lo) / math.Abs(s.Center)
}

// PctRange is benchstat's "± x%" figure: the interval's largest distance
// from the center, in percent ("∞" without an interval).
func (s Summary) PctRange() string {
	return benchmath.Summary{Center: s.Center, Lo: s.Lo, Hi: s.Hi}.PctRangeString()
}

// Comparison is a Mann-Whitney U test of two samples (benchmath's
// AssumeNothing.Compare): P is the probability of a difference at least
// this large if both came from one distribution.
type Comparison struct {
	P        float64
	N1, N2   int
	Alpha    float64
	Warnings []string
}

// Significant reports P < Alpha.
func (c Comparison) Significant() bool { return c.P < c.Alpha }

// Compare tests whether a and b differ, without distributional
// assumptions.
func Compare(a, b []float64) Comparison {
	sa := benchmath.NewSample(slices.Clone(a), &benchmath.DefaultThresholds)
	sb := benchmath.NewSample(slices.Clone(b), &benchmath.DefaultThresholds)
	bc := benchmath.AssumeNothing.Compare(sa, sb)
	c := Comparison{P: bc.P, N1: bc.N1, N2: bc.N2, Alpha: bc.Alpha}
	for _, w := range bc.Warnings {
		c.Warnings = append(c.Warnings, w.Error())
	}
	return c
}

// Ratio is the ratio of two medians and its confidence interval.
type Ratio struct {
	Center, Lo, Hi float64
	Confidence     float64
}

// HasCI reports whether the interval is finite.
func (r Ratio) HasCI() bool {
	return !math.IsInf(r.Lo, 0) && !math.IsInf(r.Hi, 0) && !math.IsNaN(r.Lo) && !math.IsNaN(r.Hi)
}

// RatioOfMedians returns median(num)/median(den) with an interval at the
// given confidence: each median's distribution-free interval is taken at
// level sqrt(confidence), and since the two samples are independent both
// intervals hold together with probability confidence, in which case the
// ratio lies in [num.Lo/den.Hi, num.Hi/den.Lo]. The interval is
// conservative; it is infinite when either sample is too small (7 samples
// each are needed at 95%).
func RatioOfMedians(num, den []float64, confidence float64) Ratio {
	level := math.Sqrt(confidence)
	a := Summarize(num, benchmath.AssumeNothing, level)
	b := Summarize(den, benchmath.AssumeNothing, level)
	r := Ratio{Center: a.Center / b.Center, Lo: math.Inf(-1), Hi: math.Inf(1), Confidence: a.Confidence * b.Confidence}
	if a.HasCI() && b.HasCI() && b.Lo > 0 && b.Hi > 0 {
		r.Lo, r.Hi = a.Lo/b.Hi, a.Hi/b.Lo
	}
	return r
}

// Fit is a power law y = C * x^Exponent fitted by least squares on
// log y = log C + Exponent * log x.
type Fit struct {
	Exponent float64
	Coef     float64 // C
	R2       float64 // coefficient of determination on the log scale
	Points   int
}

// FitPowerLaw fits y = C x^k to the points (all must be positive; at
// least two distinct x are needed).
func FitPowerLaw(xs, ys []float64) (Fit, error) {
	if len(xs) != len(ys) {
		return Fit{}, fmt.Errorf("fit: %d x values and %d y values", len(xs), len(ys))
	}
	if len(xs) < 2 {
		return Fit{}, errors.New("fit: needs at least two sizes")
	}
	var lx, ly []float64
	for i := range xs {
		if xs[i] <= 0 || ys[i] <= 0 || math.IsNaN(ys[i]) {
			return Fit{}, fmt.Errorf("fit: point (%g, %g) is not positive", xs[i], ys[i])
		}
		lx = append(lx, math.Log(xs[i]))
		ly = append(ly, math.Log(ys[i]))
	}
	n := float64(len(lx))
	var sx, sy float64
	for i := range lx {
		sx += lx[i]
		sy += ly[i]
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	for i := range lx {
		dx, dy := lx[i]-mx, ly[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Fit{}, errors.New("fit: needs at least two distinct sizes")
	}
	k := sxy / sxx
	f := Fit{Exponent: k, Coef: math.Exp(my - k*mx), R2: 1, Points: len(lx)}
	if syy > 0 {
		f.R2 = sxy * sxy / (sxx * syy)
	}
	return f, nil
}

// Of summarizes a series of set as benchstat would (set.Assumption: exact
// only when the files declare the unit exact).
func Of(set *results.Set, s *results.Series, confidence float64) Summary {
	return Summarize(s.Values, set.Assumption(s.Unit), confidence)
}
