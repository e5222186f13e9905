package gaterun

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/harness/gate"
)

// data is the gate package's stored results files.
func data(name string) string { return filepath.Join("..", "gate", "testdata", name) }

// TestFiles: each outcome of judging two files comes back with the gate's
// exit status, and the summary is written to Out only when it was judged.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	failed := filepath.Join(dir, "verdict.json")
	require.NoError(t, conform.WriteSummary(failed, conform.Verdict{Passed: 3, Failed: 1, Unexpected: []string{"x"}}.Summary()))
	tests := []struct {
		name, base, head, conformance string
		status                        int // 0: pass
		want                          string
	}{
		{"pass", data("base.txt"), data("head-aa.txt"), "", 0, "PASS"},
		{"regression", data("base.txt"), data("head-slow20.txt"), "", 1, "REGRESSION"},
		{"one side only", data("base.txt"), data("head-missing.txt"), "", 3, "CANNOT DECIDE"},
		{"failed conformance", data("base.txt"), data("head-aa.txt"), failed, 1, "onformance"},
		{"unreadable verdict", data("base.txt"), data("head-aa.txt"), filepath.Join(dir, "none.json"), 2, ""},
		{"unreadable head", data("base.txt"), filepath.Join(dir, "none.txt"), "", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "gate.md")
			s := Settings{Base: tt.base, Head: tt.head, Conformance: tt.conformance, Out: out, Thresholds: gate.DefaultThresholds()}
			var stdout bytes.Buffer
			err := Files(&stdout, s)
			var ge *Error
			if tt.status == 0 {
				require.NoError(t, err)
			} else {
				require.True(t, errors.As(err, &ge), "%v", err)
				assert.Equal(t, tt.status, ge.Status, "%v", err)
			}
			if tt.want == "" {
				assert.NoFileExists(t, out)
				return
			}
			md, rerr := os.ReadFile(out)
			require.NoError(t, rerr)
			assert.Equal(t, stdout.String(), string(md))
			assert.Contains(t, string(md), tt.want)
		})
	}
}
