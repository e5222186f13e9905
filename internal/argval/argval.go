// Package argval parses the values of the harness's flags and environment
// variables, one grammar each, so every command (and the benchmarks reading
// AEGISBENCH_BENCH_SIZES) accepts and refuses the same text: sizes, seed
// ranges, bounded counts and booleans. Every value has an upper bound
// checked here, at parse time, before anything is allocated for it.
package argval

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxFindings bounds a dataset size: ten million findings are about 21 GB
// of JSON, more than any engine here holds in memory.
const MaxFindings = 10_000_000

// MaxSeeds bounds how many seeds a range may name.
const MaxSeeds = 10_000

// Sizes parses a list of dataset sizes: comma-separated positive numbers
// of findings, each optionally suffixed k (thousands) or M (millions):
// "200,2000,20k,1M". Empty lists, duplicates and sizes over MaxFindings are
// errors.
func Sizes(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			if strings.TrimSpace(s) == "" {
				break
			}
			return nil, fmt.Errorf("%q: empty item", s)
		}
		num, mult := item, 1
		switch {
		case strings.HasSuffix(num, "k"), strings.HasSuffix(num, "K"):
			num, mult = num[:len(num)-1], 1000
		case strings.HasSuffix(num, "M"):
			num, mult = num[:len(num)-1], 1_000_000
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number of findings", item)
		}
		if n > MaxFindings/mult {
			return nil, fmt.Errorf("%q is more than %d findings", item, MaxFindings)
		}
		n *= mult
		if seen[n] {
			return nil, fmt.Errorf("size %d given twice", n)
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no sizes")
	}
	return out, nil
}

// Seeds parses seeds: a comma-separated list of numbers and ranges A..B,
// "1..5" or "1,3,7..9". Duplicates (also through overlapping ranges) and
// more than MaxSeeds seeds are errors.
func Seeds(s string) ([]uint64, error) {
	var out []uint64
	seen := map[uint64]bool{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(p, "..")
		a, err := strconv.ParseUint(lo, 10, 64)
		b := a
		if err == nil && isRange {
			b, err = strconv.ParseUint(hi, 10, 64)
		}
		if err != nil || b < a {
			return nil, fmt.Errorf("%q is not a seed or a range A..B", p)
		}
		if b-a >= MaxSeeds || len(out)+int(b-a) >= MaxSeeds {
			return nil, fmt.Errorf("%q: more than %d seeds", p, MaxSeeds)
		}
		for v := a; ; v++ {
			if seen[v] {
				return nil, fmt.Errorf("seed %d given twice", v)
			}
			seen[v] = true
			out = append(out, v)
			if v == b {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no seeds")
	}
	return out, nil
}

// Ints parses a comma-separated list of distinct integers in lo..hi.
func Ints(s string, lo, hi int) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < lo || v > hi {
			return nil, fmt.Errorf("%q is not an integer in %d..%d", p, lo, hi)
		}
		for _, x := range out {
			if x == v {
				return nil, fmt.Errorf("%d given twice", v)
			}
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

// SizesText writes sizes as Sizes reads them: "200,2000".
func SizesText(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// List splits a comma-separated list (--engines go,rust-ffi), trimming
// white space and dropping empty items.
func List(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Width parses a relative width: "5%" or "0.05", in (0, 1).
func Width(s string) (float64, error) {
	v, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	w, err := strconv.ParseFloat(v, 64)
	if pct {
		w /= 100
	}
	if err != nil || !(w > 0 && w < 1) {
		return 0, fmt.Errorf("%q is not a width such as 5%% or 0.05", s)
	}
	return w, nil
}

// Distinct returns an error naming the first item given twice in list.
func Distinct(list []string) error {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return fmt.Errorf("%q given twice", s)
		}
		seen[s] = true
	}
	return nil
}

// InRange checks an integer flag: "--count 0: must be in 1..10000".
func InRange(flag string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s %d: must be in %d..%d", flag, v, lo, hi)
	}
	return nil
}

// Bool parses a boolean environment variable with the usual spellings
// (1, t, true, yes, y, on and 0, f, false, no, n, off, in any case; unset
// or empty is def). Any other value is an error naming the variable, so a
// typo is never silently ignored.
func Bool(name, value string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "":
		return def, nil
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q: not a boolean (use true or false, 1 or 0, yes or no, on or off)", name, value)
}
