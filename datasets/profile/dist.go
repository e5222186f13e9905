package profile

import "slices"

// rank returns the 1-based nearest rank of percentile p (0..100) among n
// sorted values: ceil(p*n/100), at least 1.
func rank(p int, n int64) int64 {
	r := (int64(p)*n + 99) / 100
	return max(r, 1)
}

// distOf summarises xs (not modified).
func distOf(xs []int64) Dist {
	if len(xs) == 0 {
		return Dist{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := int64(len(s))
	d := Dist{N: n, Max: s[n-1], Percentiles: make([]int64, 101)}
	var sum float64
	for _, x := range s {
		sum += float64(x)
	}
	d.Mean = sum / float64(n)
	for p := range 101 {
		d.Percentiles[p] = s[rank(p, n)-1]
	}
	d.P50, d.P90, d.P99 = d.Percentiles[50], d.Percentiles[90], d.Percentiles[99]
	return d
}

// distFromHist summarises a histogram: hist[i] values equal to i*scale.
func distFromHist(hist []int64, scale int64) Dist {
	var n int64
	var sum float64
	last := -1
	for i, c := range hist {
		if c > 0 {
			n += c
			sum += float64(c) * float64(int64(i)*scale)
			last = i
		}
	}
	if n == 0 {
		return Dist{}
	}
	d := Dist{N: n, Mean: sum / float64(n), Max: int64(last) * scale, Percentiles: make([]int64, 101)}
	i, cum := 0, hist[0]
	for p := range 101 {
		r := rank(p, n)
		for cum < r {
			i++
			cum += hist[i]
		}
		d.Percentiles[p] = int64(i) * scale
	}
	d.P50, d.P90, d.P99 = d.Percentiles[50], d.Percentiles[90], d.Percentiles[99]
	return d
}
