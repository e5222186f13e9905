package datasets

import (
	"fmt"
	"os"
	"strings"

	"github.com/aegisbench/aegisbench/internal/argval"
)

// BenchSizesEnv names the environment variable that sets the sizes of the
// size-parameterised benchmarks (Go and Criterion): a comma-separated list of
// finding counts. `aegisbench bench` sets it to the sizes it was asked for,
// so the scale ladder (200000, 1000000) runs the same benchmark code.
const BenchSizesEnv = "AEGISBENCH_BENCH_SIZES"

// DefaultBenchSizes are the sizes benchmarks run when BenchSizesEnv is unset:
// the seed's fixture (200), its full dataset (20000) and the step between.
var DefaultBenchSizes = []int{200, 2000, 20000}

// BenchSizes returns the benchmark sizes from BenchSizesEnv, or
// DefaultBenchSizes when it is unset or empty, in the grammar of every
// --sizes flag (argval.Sizes: "200,20k,1M", no duplicates). A malformed
// value is an error naming the variable, so a typo never silently
// benchmarks the wrong sizes.
func BenchSizes() ([]int, error) {
	v := strings.TrimSpace(os.Getenv(BenchSizesEnv))
	if v == "" {
		return append([]int(nil), DefaultBenchSizes...), nil
	}
	sizes, err := argval.Sizes(v)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", BenchSizesEnv, v, err)
	}
	return sizes, nil
}
