// Package gobench has benchmarks named like the Go engine's, with no work
// in them: the bench runner's -bench patterns are checked against real go
// test matching with it.
package gobench

import (
	"strconv"
	"testing"
)

var sizes = []int{200, 2000, 20000}

func bySize(b *testing.B) {
	for _, n := range sizes {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
			}
		})
	}
}

func byEngine(b *testing.B, engines ...string) {
	for _, e := range engines {
		b.Run("engine="+e, bySize)
	}
}

func BenchmarkLoad(b *testing.B)           { bySize(b) }
func BenchmarkSerializePaths(b *testing.B) { bySize(b) }
func BenchmarkListFindings(b *testing.B)   { bySize(b) }
func BenchmarkGetFinding(b *testing.B)     { bySize(b) }
func BenchmarkAttackPaths(b *testing.B)    { byEngine(b, "go", "go-naive") }
func BenchmarkPipeline(b *testing.B)       { byEngine(b, "go", "rust-ffi", "rust-cli") }
func BenchmarkLoadAll(b *testing.B)        { bySize(b) }
