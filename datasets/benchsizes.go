package datasets

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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
// DefaultBenchSizes when it is unset or empty. A malformed value is an error
// naming the variable, so a typo never silently benchmarks the wrong sizes.
func BenchSizes() ([]int, error) {
	v := strings.TrimSpace(os.Getenv(BenchSizesEnv))
	if v == "" {
		return append([]int(nil), DefaultBenchSizes...), nil
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%s=%q: %q is not a positive number of findings", BenchSizesEnv, v, f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
