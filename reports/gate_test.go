package reports

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
)

// TestWriteGate pins the gate's markdown summary of the stored results of
// harness/gate's tests.
func TestWriteGate(t *testing.T) {
	for _, tc := range []struct{ golden, base, head string }{
		{"aa", "base.txt", "head-aa.txt"},
		{"slow20", "base.txt", "head-slow20.txt"},
		{"alloc", "base.txt", "head-alloc.txt"},
		{"three-samples", "base-3.txt", "head-3.txt"},
		{"missing", "base.txt", "head-missing.txt"},
		{"missing-base", "head-missing.txt", "base.txt"},
		{"slow20-vs-missing", "head-missing.txt", "head-slow20.txt"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			data := filepath.Join("..", "harness", "gate", "testdata")
			base, err := results.Load(filepath.Join(data, tc.base))
			require.NoError(t, err)
			head, err := results.Load(filepath.Join(data, tc.head))
			require.NoError(t, err)
			var md bytes.Buffer
			require.NoError(t, WriteGate(&md, gate.Judge(base, head, gate.DefaultThresholds())))
			golden(t, filepath.Join("gate", tc.golden+".md"), md.Bytes())
		})
	}
}
