//go:build cgo && rustffi

package rustengine

import (
	"fmt"
	"testing"

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
