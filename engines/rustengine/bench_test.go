//go:build cgo && rustffi

package rustengine

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
	"github.com/aegisbench/aegisbench/internal/benchsizes"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// BenchmarkPipeline measures one attack-path call, findings bytes in to
// output bytes out, on the realistic datasets (seed 1) with the default
// options. SetBytes is the input size, so MB/s is input throughput.
func BenchmarkPipeline(b *testing.B) {
	engs := []struct {
		name string
		open func() (engines.Engine, error)
	}{
		{"rust-ffi", func() (engines.Engine, error) { return NewFFI(), nil }},
		{"rust-cli", NewCLI},
	}
	sizes, err := benchsizes.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	for _, eng := range engs {
		b.Run("engine="+eng.name, func(b *testing.B) {
			e, err := eng.open()
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range sizes {
				b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { enginetest.Pipeline(b, e, n) })
			}
		})
	}
}

// BenchmarkFFI measures the boundary itself: a call that does nothing, and
// bytes copied to Rust and back (SetBytes: one direction).
func BenchmarkFFI(b *testing.B) {
	b.Run("call=noop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := aegispath.Noop(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, size := range []struct {
		name string
		n    int
	}{{"1KB", 1 << 10}, {"64KB", 64 << 10}, {"1MB", 1 << 20}} {
		b.Run("echo="+size.name, func(b *testing.B) {
			in := make([]byte, size.n)
			for i := range in {
				in[i] = byte(i)
			}
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			for b.Loop() {
				out, err := aegispath.Echo(in)
				if err != nil {
					b.Fatal(err)
				}
				if len(out) != size.n {
					b.Fatalf("echo returned %d bytes, want %d", len(out), size.n)
				}
			}
		})
	}
}

// BenchmarkPipelineFaults is rust-ffi's pipeline on the 20K realistic
// dataset reporting, beside the time, the minor page faults and the
// system time per call (from getrusage): the cost of memory the C
// allocator gives back to the kernel between calls and faults in again
// (see the bridge's malloc settings).
func BenchmarkPipelineFaults(b *testing.B) {
	path, err := datasets.EnsureStandard("realistic", 20000, datasets.StandardSeed)
	if err != nil {
		b.Fatal(err)
	}
	input, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	// Warm: first-call costs excluded. Two calls, as the bridge tunes
	// malloc after the first, so the second is the first tuned one.
	for range 2 {
		if _, err := aegispath.AttackPaths(input, 4, 20); err != nil {
			b.Fatal(err)
		}
	}
	var r0, r1 syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r0); err != nil {
		b.Fatal(err)
	}
	calls := 0
	for b.Loop() {
		if _, err := aegispath.AttackPaths(input, 4, 20); err != nil {
			b.Fatal(err)
		}
		calls++
	}
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r1); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(r1.Minflt-r0.Minflt)/float64(calls), "minflt/op")
	b.ReportMetric(float64(r1.Stime.Nano()-r0.Stime.Nano())/1e6/float64(calls), "sys-ms/op")
}
