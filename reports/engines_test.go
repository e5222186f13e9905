package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/results"
)

// TestEnginesAsGiven: two builds of the port as ffi: engines (B 30%
// slower, interleaved samples) and an exec: engine; the report names each
// by what was given and its version, and the A/B table shows B slower.
func TestEnginesAsGiven(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("goos: linux\ngoarch: amd64\n")
	sb.WriteString("engine-ffi-a_lib.so: ffi:a/lib.so version: libaegispath 0.1.0 (rustc 1.95.0)\n")
	sb.WriteString("engine-ffi-b_lib.so: ffi:b/lib.so version: libaegispath 0.1.0 (rustc 1.95.0)\n")
	sb.WriteString("engine-exec-my_engine: exec:my-engine\n")
	for i := range 8 {
		fmt.Fprintf(&sb, "BenchmarkPipeline/engine=ffi-a_lib.so/n=2000 10 %d ns/op\n", 1000000+i*1000)
		fmt.Fprintf(&sb, "BenchmarkPipeline/engine=ffi-b_lib.so/n=2000 10 %d ns/op\n", 1300000+i*1000)
		fmt.Fprintf(&sb, "BenchmarkProcess/engine=exec-my_engine/n=2000 1 %d ns/op %d peak-RSS-B\n", 5000000+i*1000, 3<<20)
	}
	set, err := results.Read(strings.NewReader(sb.String()), "ab.txt")
	require.NoError(t, err)
	b, err := Build(set, Options{})
	require.NoError(t, err)

	require.Len(t, b.Engines, 3)
	assert.Equal(t, "ffi:a/lib.so", b.Engines[0].Given)
	assert.Equal(t, "libaegispath 0.1.0 (rustc 1.95.0)", b.Engines[0].Version)
	require.Len(t, b.EngineRows, 3)
	assert.NotNil(t, b.EngineRows[2].RSS)
	require.Len(t, b.ABRows, 1, "ffi:b against ffi:a; exec has no other of its kind")
	ab := b.ABRows[0]
	assert.Equal(t, "ffi:b/lib.so", ab.B.Given)
	assert.InDelta(t, 1.3, ab.Ratio.Center, 0.01)
	assert.True(t, ab.Changed)

	var md strings.Builder
	require.NoError(t, WriteMarkdown(&md, b, nil))
	out := md.String()
	assert.Contains(t, out, "## Engines as given")
	assert.Contains(t, out, "| `ffi:a/lib.so` (libaegispath 0.1.0 (rustc 1.95.0)) | `ffi:b/lib.so` (libaegispath 0.1.0 (rustc 1.95.0)) | in-process | 2,000 |")
	assert.Contains(t, out, "**B slower**")
	assert.Contains(t, out, "| `exec-my_engine` | 2,000 | not measured | 5ms | 3MiB |")
}
