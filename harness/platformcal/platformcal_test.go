package platformcal

import "testing"

func TestChecksum(t *testing.T) {
	if got := Run(Iterations); got != Checksum {
		t.Fatalf("Run(%d) = %#x, want %#x", Iterations, got, Checksum)
	}
	if Run(0) != 0 {
		t.Fatal("Run(0) must be 0")
	}
}

// BenchmarkCalibration is the platform calibration benchmark (engine=go;
// the Rust copy is Criterion's calibration_bench).
func BenchmarkCalibration(b *testing.B) {
	b.Run("engine=go", func(b *testing.B) {
		for b.Loop() {
			if Run(Iterations) != Checksum {
				b.Fatal("wrong checksum")
			}
		}
	})
}
