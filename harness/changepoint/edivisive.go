// Package changepoint finds the points where a performance history
// changes: E-Divisive with means (Matteson and James, "A Nonparametric
// Approach for Multiple Change Point Analysis of Multivariate Data",
// JASA 2014), the detector MongoDB (Daly et al., ICPE 2020) and Apache
// Otava run over their benchmark histories.
//
// The series is split where the energy-distance statistic
//
//	Q(τ) = (n·m/(n+m)) · (2/(n·m) Σ|x-y| − Σ|x-x'|/C(n,2) − Σ|y-y'|/C(m,2))
//
// (exponent α = 1; x before τ, y from τ on, sums over pairs within the
// segment) is largest; the split is kept when a permutation test finds
// it significant (observations shuffled within each current segment,
// p = (1 + #{permuted max ≥ observed}) / (1 + permutations)); then the
// segments are split again, until a split is not significant. The
// shuffles come from a generator with a fixed seed, so one history always
// gives the same change points.
//
// Q(τ) for every τ of a segment of length n costs O(n log n): the sums of
// distances within the left and right parts grow one element at a time,
// each new element's distances to the others found with two Fenwick trees
// (counts and sums of values by rank).
package changepoint

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Options are the detector's settings. The zero value is not useful; start
// from DefaultOptions.
type Options struct {
	// Alpha is the significance level: a split is kept when its
	// permutation p-value is at most Alpha.
	Alpha float64
	// Permutations is the number of shuffles of the permutation test.
	Permutations int
	// MinSize is the fewest points a segment may have (at least 2).
	MinSize int
	// Seed seeds the shuffles; every series is analysed with the same seed.
	Seed uint64
}

// DefaultOptions: p ≤ 0.01 over 199 permutations, segments of 3 runs or
// more, seed 1. (MongoDB's defaults are p ≤ 0.05 over 100 permutations;
// a stricter level keeps pure noise free of change points in 99 of 100
// histories rather than 95.)
func DefaultOptions() Options {
	return Options{Alpha: 0.01, Permutations: 199, MinSize: 3, Seed: 1}
}

// Point is one change point of a series.
type Point struct {
	// Index is the first point after the change (its commit is the first
	// commit of the new level).
	Index int
	// Q is the E-Divisive statistic of the split.
	Q float64
	// P is the permutation test's p-value.
	P float64
}

// Detect returns the significant change points of values, in index order.
// values is not modified; NaN values are not allowed (the caller drops
// them).
func Detect(values []float64, o Options) []Point {
	d := newDetector(values, o)
	return d.run()
}

// DetectAll runs Detect on every series, on up to workers goroutines (at
// least one); the answer does not depend on workers.
func DetectAll(series [][]float64, o Options, workers int) [][]Point {
	out, _ := DetectAllContext(context.Background(), series, o, workers)
	return out
}

// DetectAllContext is DetectAll stopping when ctx ends: no series starts
// after that, the running ones finish, and ctx's error is returned.
func DetectAllContext(ctx context.Context, series [][]float64, o Options, workers int) ([][]Point, error) {
	out := make([][]Point, len(series))
	next := make(chan int)
	done := make(chan struct{})
	workers = max(1, min(workers, len(series)))
	for range workers {
		go func() {
			for i := range next {
				out[i] = Detect(series[i], o)
			}
			done <- struct{}{}
		}()
	}
feed:
	for i := range series {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	for range workers {
		<-done
	}
	return out, ctx.Err()
}

// segment is a half-open range of positions and its best split.
type segment struct {
	lo, hi int
	tau    int // best split (absolute position), -1 when too short
	q      float64
}

type detector struct {
	o      Options
	vals   []float64 // centred values, current order
	ranks  []int     // rank of vals[i] in the whole series (unique)
	fen    fenwick
	wl, wr []float64
	rng    *rand.Rand
}

func newDetector(values []float64, o Options) *detector {
	o.MinSize = max(o.MinSize, 2)
	n := len(values)
	vals := slices.Clone(values)
	if n > 0 {
		sorted := slices.Clone(values)
		slices.Sort(sorted)
		med := sorted[n/2]
		for i := range vals {
			vals[i] -= med
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] < vals[order[b]] })
	ranks := make([]int, n)
	for r, i := range order {
		ranks[i] = r
	}
	return &detector{
		o: o, vals: vals, ranks: ranks,
		fen: newFenwick(n),
		wl:  make([]float64, n+1), wr: make([]float64, n+1),
		rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)),
	}
}

func (d *detector) run() []Point {
	var found []Point
	segs := []segment{d.best(0, len(d.vals))}
	for {
		k := -1
		for i, s := range segs {
			if s.tau >= 0 && (k < 0 || s.q > segs[k].q) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		p := d.pValue(segs, segs[k].q)
		if p > d.o.Alpha {
			break
		}
		s := segs[k]
		found = append(found, Point{Index: s.tau, Q: s.q, P: p})
		segs = slices.Replace(segs, k, k+1, d.best(s.lo, s.tau), d.best(s.tau, s.hi))
	}
	slices.SortFunc(found, func(a, b Point) int { return a.Index - b.Index })
	return found
}

// pValue is the permutation test of the largest split q among segs: each
// shuffle permutes the points within every segment and takes the largest
// best split. It stops as soon as the p-value cannot reach Alpha. The
// values are restored afterwards.
func (d *detector) pValue(segs []segment, q float64) float64 {
	saveV, saveR := slices.Clone(d.vals), slices.Clone(d.ranks)
	defer func() { copy(d.vals, saveV); copy(d.ranks, saveR) }()
	r := d.o.Permutations
	limit := int(math.Floor(d.o.Alpha * float64(r+1))) // largest 1+count with p ≤ Alpha
	count := 0
	for range r {
		maxQ := math.Inf(-1)
		for _, s := range segs {
			d.shuffle(s.lo, s.hi)
			if b := d.best(s.lo, s.hi); b.tau >= 0 && b.q > maxQ {
				maxQ = b.q
			}
		}
		if maxQ >= q {
			count++
			if count+1 > limit {
				return float64(count+1) / float64(r+1)
			}
		}
	}
	return float64(count+1) / float64(r+1)
}

func (d *detector) shuffle(lo, hi int) {
	d.rng.Shuffle(hi-lo, func(i, j int) {
		d.vals[lo+i], d.vals[lo+j] = d.vals[lo+j], d.vals[lo+i]
		d.ranks[lo+i], d.ranks[lo+j] = d.ranks[lo+j], d.ranks[lo+i]
	})
}

// best finds the split of [lo, hi) with the largest Q.
func (d *detector) best(lo, hi int) segment {
	seg := segment{lo: lo, hi: hi, tau: -1}
	n, m := hi-lo, d.o.MinSize
	if n < 2*m {
		return seg
	}
	// wl[i]: sum of distances within [lo, lo+i); wr[i]: within [lo+i, hi).
	w := 0.0
	for i := range n {
		d.wl[i] = w
		w += d.fen.distances(d.vals[lo+i], d.ranks[lo+i])
		d.fen.add(d.ranks[lo+i], d.vals[lo+i], 1)
	}
	total := w
	d.wl[n] = w
	d.fen.clear(d.ranks[lo:hi])
	w = 0
	d.wr[n] = 0
	for i := n - 1; i >= 0; i-- {
		w += d.fen.distances(d.vals[lo+i], d.ranks[lo+i])
		d.fen.add(d.ranks[lo+i], d.vals[lo+i], 1)
		d.wr[i] = w
	}
	d.fen.clear(d.ranks[lo:hi])
	fn := float64(n)
	for t := m; t <= n-m; t++ {
		nl, nr := float64(t), float64(n-t)
		between := total - d.wl[t] - d.wr[t]
		e := 2*between/(nl*nr) - d.wl[t]/(nl*(nl-1)/2) - d.wr[t]/(nr*(nr-1)/2)
		q := nl * nr / fn * e
		if seg.tau < 0 || q > seg.q {
			seg.tau, seg.q = lo+t, q
		}
	}
	return seg
}

// fenwick holds counts and sums of the values inserted, indexed by rank.
type fenwick struct {
	cnt      []int
	sum      []float64
	n        int
	totalCnt int
	totalSum float64
}

func newFenwick(n int) fenwick {
	return fenwick{cnt: make([]int, n+1), sum: make([]float64, n+1), n: n}
}

func (f *fenwick) add(rank int, v float64, c int) {
	f.totalCnt += c
	f.totalSum += v
	for i := rank + 1; i <= f.n; i += i & -i {
		f.cnt[i] += c
		f.sum[i] += v
	}
}

// clear empties the tree, in which exactly the values of ranks were
// inserted, by zeroing the nodes their insertions touched (exact, unlike
// subtracting them again).
func (f *fenwick) clear(ranks []int) {
	for _, r := range ranks {
		for i := r + 1; i <= f.n; i += i & -i {
			f.cnt[i], f.sum[i] = 0, 0
		}
	}
	f.totalCnt, f.totalSum = 0, 0
}

// below returns the count and sum of the values of rank < rank.
func (f *fenwick) below(rank int) (int, float64) {
	c, s := 0, 0.0
	for i := rank; i > 0; i -= i & -i {
		c += f.cnt[i]
		s += f.sum[i]
	}
	return c, s
}

// distances returns Σ|x - y| over the values y inserted.
func (f *fenwick) distances(x float64, rank int) float64 {
	c, s := f.below(rank)
	cAbove, sAbove := f.totalCnt-c, f.totalSum-s
	return x*float64(c) - s + sAbove - x*float64(cAbove)
}
