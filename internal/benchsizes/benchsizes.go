// Package benchsizes is the benchmark sizes setting shared by the
// size-parameterised benchmarks (Go and, through the environment, Criterion)
// and the harness that runs them: the variable Env and its default.
package benchsizes

import (
	"fmt"
	"os"
	"strings"

	"github.com/aegisbench/aegisbench/internal/argval"
)

// Env names the environment variable that sets the sizes of the
// size-parameterised benchmarks (Go and Criterion): a comma-separated list of
// finding counts. `aegisbench bench` sets it to the sizes it was asked for,
// so the scale ladder (200000, 1000000) runs the same benchmark code.
const Env = "AEGISBENCH_BENCH_SIZES"

// Default are the sizes benchmarks run when Env is unset:
// the reference report's fixture (200), its full dataset (20000) and the step between.
var Default = []int{200, 2000, 20000}

// FromEnv returns the benchmark sizes from Env, or Default when it is
// unset or empty, in the grammar of every --sizes flag (argval.Sizes:
// "200,20k,1M", no duplicates). A malformed value is an error naming the
// variable, so a typo never silently benchmarks the wrong sizes.
func FromEnv() ([]int, error) {
	v := strings.TrimSpace(os.Getenv(Env))
	if v == "" {
		return append([]int(nil), Default...), nil
	}
	sizes, err := argval.Sizes(v)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", Env, v, err)
	}
	return sizes, nil
}
