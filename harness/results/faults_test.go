package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMalformedFiles: an empty or non-benchmark file holds no results; a
// malformed line and a file cut short in a result line are refused with
// the file and line, never read as a new unit.
func TestMalformedFiles(t *testing.T) {
	dir := t.TempDir()
	good := "goos: linux\ncores: 2\npkg: p\nBenchmarkX-2 10 100 ns/op\nBenchmarkX-2 10 110 ns/op\n"
	for _, tt := range []struct {
		name, content, want string
	}{
		{"empty", "", "holds no benchmark results"},
		{"prose", "hello\nworld\n", "holds no benchmark results"},
		{"truncated", good + "BenchmarkX-2 10 120 n", ":6: the last line has no newline"},
		{"malformed", good + "BenchmarkX-2 ten 120 ns/op\n", ":6:"},
	} {
		path := filepath.Join(dir, tt.name+".txt")
		require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o644))
		_, err := Load(path)
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), path, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
	// A good file, and one whose last line is not a result, still read.
	path := filepath.Join(dir, "good.txt")
	require.NoError(t, os.WriteFile(path, []byte(good+"PASS"), 0o644))
	set, err := Load(path)
	require.NoError(t, err)
	require.Len(t, set.Series, 1)
	assert.Len(t, set.Series[0].Values, 2)
	assert.False(t, strings.Contains(set.Series[0].Unit, "sec") && len(set.Series) > 1)
}
