package results

import (
	"slices"
	"strconv"
)

// ConfigDiff is one configuration key whose values differ between two
// sets: A and B are the values on each side (nil when absent).
type ConfigDiff struct {
	Key  string
	A, B []string
}

// ProcsKey is the key under which Diff reports differing GOMAXPROCS
// suffixes (the core counts the benchmarks ran with).
const ProcsKey = "gomaxprocs"

// Diff returns the configuration lines whose values differ between a and
// b, GOMAXPROCS first (as ProcsKey), then a's keys in order, then keys
// only b has. Values compare as sets.
func Diff(a, b *Set) []ConfigDiff {
	var out []ConfigDiff
	pa, pb := procStrings(a), procStrings(b)
	if !sameSet(pa, pb) {
		out = append(out, ConfigDiff{Key: ProcsKey, A: pa, B: pb})
	}
	for _, c := range a.Config {
		if vb := b.ConfigValues(c.Key); !sameSet(c.Values, vb) {
			out = append(out, ConfigDiff{Key: c.Key, A: c.Values, B: vb})
		}
	}
	for _, c := range b.Config {
		if a.ConfigValues(c.Key) == nil {
			out = append(out, ConfigDiff{Key: c.Key, B: c.Values})
		}
	}
	return out
}

func procStrings(s *Set) []string {
	var out []string
	for _, p := range s.Procs() {
		out = append(out, strconv.Itoa(p))
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}
