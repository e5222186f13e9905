// Package platformcal is the platform calibration workload: a fixed,
// CPU-bound integer loop (a 64-bit LCG whose output drives a rotate or
// an add, so branches depend on data) that every results file measures
// as BenchmarkCalibration/engine=go, and the Criterion bench
// calibration_bench as Criterion/stage=calibration/engine=rust, with the
// same constants and the same checksum. compare-platforms divides
// absolute times of the same code by the ratio of the two platforms'
// calibration times ("comparable after normalizing").
package platformcal

import "math/bits"

// The result names of the calibration benchmark in results files (without
// "Benchmark"): the Go benchmark and the Criterion bench.
const (
	GoName   = "Calibration/engine=go"
	RustName = "Criterion/stage=calibration/engine=rust"
)

// Iterations is the loop length of one operation (about a millisecond on an idle 2 GHz core).
const Iterations = 1 << 18

// Checksum is Run(Iterations): the same on every platform and in the
// Rust copy (rust/libaegispath/benches/calibration_bench.rs).
const Checksum uint64 = 0xf3dd573ca467ecf0

// Run runs the workload for n iterations and returns its checksum.
func Run(n int) uint64 {
	x, acc := uint64(0x2545f4914f6cdd1d), uint64(0)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		acc ^= x >> 33
		if acc&1 == 1 {
			acc = bits.RotateLeft64(acc, 5)
		} else {
			acc += x >> 17
		}
	}
	return acc
}
