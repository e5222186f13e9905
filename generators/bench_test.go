package generators_test

import (
	"io"
	"strconv"
	"testing"

	. "github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/internal/benchsizes"
)

// byteCounter discards its input and counts it.
type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkGenerate measures the realistic shape written to io.Discard at
// every size of benchsizes.FromEnv; MB/s is output throughput.
func BenchmarkGenerate(b *testing.B) {
	sizes, err := benchsizes.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			var cw byteCounter
			cfg := Config{Findings: n, Seed: 1, Shape: DefaultShape}
			if err := Generate(&cw, cfg); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(cw.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := Generate(io.Discard, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
