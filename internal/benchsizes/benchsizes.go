// Package benchsizes is the benchmark sizes setting shared by the
// size-parameterised benchmarks (Go and, through the environment, Criterion)
// and the harness that runs them: the variable Env and its default.
package benchsizes

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Env names the environment variable that sets the sizes of the
// size-parameterised benchmarks (Go and Criterion): a comma-separated list of
// finding counts. `aegisbench bench` sets it to the sizes it was asked for,
// so the scale ladder (200000, 1000000) runs the same benchmark code.
const Env = "AEGISBENCH_BENCH_SIZES"

// Default are the sizes benchmarks run when Env is unset:
// the seed's fixture (200), its full dataset (20000) and the step between.
var Default = []int{200, 2000, 20000}

// FromEnv returns the benchmark sizes from Env, or Default when it is
// unset or empty. A malformed value is an error
// naming the variable, so a typo never silently benchmarks the wrong sizes.
func FromEnv() ([]int, error) {
	v := strings.TrimSpace(os.Getenv(Env))
	if v == "" {
		return append([]int(nil), Default...), nil
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s=%q: %q is not a positive number of findings", Env, v, f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
