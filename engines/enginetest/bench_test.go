package enginetest_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
	"github.com/aegisbench/aegisbench/engines/ffiengine"
	"github.com/aegisbench/aegisbench/internal/benchsizes"

	_ "github.com/aegisbench/aegisbench/engines/goengine" // "go", "go-naive"
	_ "github.com/aegisbench/aegisbench/engines/process"  // "exec:COMMAND"
)

// benchEngine opens the engine of engines.BenchEngineEnv, skipping the
// benchmark when the variable is unset.
func benchEngine(b *testing.B) (engines.Spec, engines.Engine) {
	text := os.Getenv(engines.BenchEngineEnv)
	if text == "" {
		b.Skipf("set %s=[LABEL=]ENGINE to benchmark an engine given on the command line", engines.BenchEngineEnv)
	}
	sp, err := engines.ParseSpec(text)
	if err != nil {
		b.Fatal(err)
	}
	e, err := engines.OpenSpec(sp)
	if err != nil {
		b.Fatal(err)
	}
	return sp, e
}

// BenchmarkPipeline measures one attack-path call of the engine of
// $AEGISBENCH_BENCH_ENGINE (any engine a command accepts: ffi:PATH is
// called in-process over cgo), findings bytes in to output bytes out, on
// the realistic datasets (seed 1) with the default options, as
// Pipeline/engine=LABEL/n=N. SetBytes is the input size.
func BenchmarkPipeline(b *testing.B) {
	sp, e := benchEngine(b)
	sizes, err := benchsizes.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("engine="+sp.Label, func(b *testing.B) {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { enginetest.Pipeline(b, e, n) })
		}
	})
}

// BenchmarkFFI measures the boundary of an ffi:PATH engine per call, as
// FFI/engine=LABEL/call=...: the version call (every library has it), and
// when exported the no-op call and 1 KB and 64 KB echo round trips.
func BenchmarkFFI(b *testing.B) {
	sp, e := benchEngine(b)
	fe, ok := e.(interface{ Library() *ffiengine.Library })
	if !ok {
		b.Skipf("%s is not an ffi:PATH engine", sp.Text)
	}
	lib := fe.Library()
	b.Run("engine="+sp.Label, func(b *testing.B) {
		b.Run("call=version", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if lib.Version() == "" {
					b.Fatal("empty version")
				}
			}
		})
		if lib.Has("aegis_noop") {
			b.Run("call=noop", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := lib.Noop(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		if !lib.Has("aegis_echo") {
			return
		}
		for _, size := range []struct {
			name string
			n    int
		}{{"1KB", 1 << 10}, {"64KB", 64 << 10}} {
			b.Run("echo="+size.name, func(b *testing.B) {
				in := bytes.Repeat([]byte{'x'}, size.n)
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					if out, err := lib.Echo(in); err != nil || len(out) != size.n {
						b.Fatalf("echo: %d bytes, %v", len(out), err)
					}
				}
			})
		}
	})
}
