package conform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummaryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []Verdict{
		{Passed: 11, Expected: 1},
		{Passed: 10, Failed: 2, Unexpected: []string{"realistic/n=200/seed=1"}, Stale: []string{"old"}},
	} {
		p := filepath.Join(dir, "verdict.json")
		require.NoError(t, WriteSummary(p, v.Summary()))
		got, err := ReadSummary(p)
		require.NoError(t, err)
		assert.Equal(t, v.Summary(), got)
		assert.Equal(t, v.OK(), got.Passed)
		assert.Equal(t, v.SummaryLine(), got.Line)
	}
}

func TestReadSummaryErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, text, msg string }{
		{"log text", "CONFORMANCE PASSED: 1 passed\n", "invalid character"},
		{"unknown field", `{"schema":"aegisbench.conformance.v1","passed":true,"extra":1}`, `unknown field "extra"`},
		{"other schema", `{"schema":"x","passed":true}`, `schema "x"`},
		{"contradiction", `{"schema":"aegisbench.conformance.v1","passed":true,"failed_cases":2}`, "passed is true with 2 failed cases"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "v.json")
			require.NoError(t, os.WriteFile(p, []byte(tc.text), 0o644))
			_, err := ReadSummary(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), p)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	_, err := ReadSummary(filepath.Join(dir, "absent.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
