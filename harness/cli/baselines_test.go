package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBaselinesImport runs `baselines import` on fabricated artifacts:
// two platforms plus a third's file are written with COMPARISON.md; two
// files for one platform, or an expected platform missing, write nothing.
func TestBaselinesImport(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "..", "reports", "baselines", "linux-amd64", "results.txt"))
	require.NoError(t, err)
	arm := strings.NewReplacer("goarch: amd64", "goarch: arm64", "goos: linux", "goos: darwin").Replace(string(base))
	win := strings.Replace(string(base), "goos: linux", "goos: windows", 1)
	write := func(dir string, files map[string]string) {
		for name, text := range files {
			p := filepath.Join(dir, name)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		}
	}
	art, out := t.TempDir(), t.TempDir()
	write(art, map[string]string{"baseline-linux-amd64/results.txt": string(base), "baseline-darwin-arm64/results.txt": arm, "other/win.txt": win})
	_, stderr, code := runGateCLI("baselines", "import", art, "-o", out, "--expect", "linux-amd64,darwin-arm64")
	require.Equal(t, 0, code, stderr)
	for _, p := range []string{"linux-amd64", "darwin-arm64", "windows-amd64"} {
		assert.FileExists(t, filepath.Join(out, p, "results.txt"))
		assert.FileExists(t, filepath.Join(out, p, "BASELINE.md"))
	}
	cmp, err := os.ReadFile(filepath.Join(out, "COMPARISON.md"))
	require.NoError(t, err)
	assert.Contains(t, string(cmp), "# Cross-platform comparison: darwin-arm64 vs linux-amd64")
	assert.Contains(t, string(cmp), "# Cross-platform comparison: linux-amd64 vs windows-amd64")

	for name, files := range map[string]map[string]string{
		"two results files for linux-amd64": {"a/results.txt": string(base), "b/results.txt": string(base)},
		"no results file for darwin-arm64":  {"a/results.txt": string(base), "baseline-darwin-arm64/BASELINE.md": "# nothing\n"},
	} {
		art, out := t.TempDir(), t.TempDir()
		write(art, files)
		_, stderr, code := runGateCLI("baselines", "import", art, "-o", out, "--expect", "linux-amd64,darwin-arm64")
		assert.Equal(t, 1, code, name)
		assert.Contains(t, stderr, name)
		entries, err := os.ReadDir(out)
		require.NoError(t, err)
		assert.Empty(t, entries, "%s: nothing written", name)
	}
	_, stderr, code = runGateCLI("baselines", "export", art)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "baselines import DIR")
}
