package profile_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
)

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.json")
	size, sum, err := datasets.GenerateFile(path, generators.Config{Findings: 500, Seed: 3}, nil)
	require.NoError(t, err)

	info, err := profile.Describe(path, withEngine())
	require.NoError(t, err)
	assert.Equal(t, path, info.Path)
	assert.Equal(t, "mine.json", info.Name)
	assert.Equal(t, 500, info.Findings)
	assert.Equal(t, size, info.Bytes)
	assert.Equal(t, sum, info.SHA256)
	assert.NotContains(t, info.ProfileSummary, "\n")
	assert.NotContains(t, info.ProfileSummary, "\t")
	assert.True(t, strings.HasPrefix(info.ProfileSummary, "500 findings, "), info.ProfileSummary)

	// The summary carries the engine's counts, as the engine computes them.
	e := goengine.New()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out, err := e.AttackPaths(t.Context(), raw, engines.DefaultOptions())
	require.NoError(t, err)
	edges := regexp.MustCompile(`"totals":\{[^}]*"edges":(\d+)`).FindSubmatch(out)
	require.NotNil(t, edges)
	assert.Contains(t, info.ProfileSummary, "edges "+string(edges[1])+" (")
	assert.Regexp(t, `, 5 accounts \(largest [34][0-9]\.[0-9]%\), `, info.ProfileSummary)

	// Without an engine: no engine counts.
	info, err = profile.Describe(path, profile.Options{})
	require.NoError(t, err)
	assert.NotContains(t, info.ProfileSummary, "edges ")
}

func TestDescribeRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, doc, want string }{
		{"not json", "not json at all", "not a valid findings document: byte 0: not a findings document"},
		{"bad engine field", `[{"id":"a","aws_account_id":"1","severity_normalized":500}]`, "finding 0: "},
		{"duplicate id", generatedPair(t), "finding 1: id: duplicate id (first at finding 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.doc), 0o644))
			info, err := profile.Describe(path, withEngine())
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+": "+"not a valid findings document: ")
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, int64(len(tc.doc)), info.Bytes)
			assert.Len(t, info.SHA256, 64)
		})
	}
	_, err := profile.Describe(filepath.Join(dir, "missing.json"), withEngine())
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// generatedPair returns a valid two-finding document whose second finding
// repeats the first one's id.
func generatedPair(t *testing.T) string {
	var b strings.Builder
	require.NoError(t, generators.Generate(&b, generators.Config{Findings: 1, Seed: 1}))
	one := strings.TrimSpace(b.String())
	one = strings.TrimSuffix(strings.TrimPrefix(one, "["), "]")
	return "[" + one + "," + one + "]"
}
