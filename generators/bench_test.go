package generators

import (
	"io"
	"strconv"
	"testing"
)

// countWriter discards its input and counts it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{200, 2000, 20000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			var cw countWriter
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
