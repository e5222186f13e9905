package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/generators"
)

// smallManifest writes a manifest of three small datasets with their real
// digests and returns its path and a fresh cache directory.
func smallManifest(t *testing.T) (manifest, cache string, m *datasets.Manifest) {
	t.Helper()
	dir := t.TempDir()
	cache = filepath.Join(dir, "cache")
	ladder := []datasets.Entry{datasets.NewEntry("realistic", 30, 1, 1), datasets.NewEntry("sparse", 20, 1, 1), datasets.NewEntry("realistic", 60, 1, 1)}
	m, err := datasets.UpdateManifest(context.Background(), ladder, 1, filepath.Join(dir, "scratch"), nil)
	require.NoError(t, err)
	manifest = filepath.Join(dir, "manifest.json")
	require.NoError(t, m.Save(manifest))
	return manifest, cache, m
}

func TestDatasetsEnsureVerifyList(t *testing.T) {
	manifest, cache, m := smallManifest(t)
	flags := []string{"--manifest", manifest, "--cache", cache}

	stdout, _, code := genRunCLI(append([]string{"datasets", "verify"}, flags...)...)
	require.Equal(t, 0, code, "missing datasets are reported, not an error")
	assert.Equal(t, "MISSING  realistic-30-s1\nMISSING  sparse-20-s1\nMISSING  realistic-60-s1\n", stdout)

	stdout, stderr, code := genRunCLI(append([]string{"datasets", "ensure", "--max-findings", "30"}, flags...)...)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "OK  realistic-30-s1  "+filepath.Join(cache, "realistic-30-s1.json")+"\nOK  sparse-20-s1  "+filepath.Join(cache, "sparse-20-s1.json")+"\n", stdout)
	raw, err := os.ReadFile(filepath.Join(cache, "sparse-20-s1.json"))
	require.NoError(t, err)
	assert.Equal(t, generatedBytes(t, generators.Config{Findings: 20, Seed: 1, Shape: "sparse", Version: 1}), raw)

	stdout, _, code = genRunCLI(append([]string{"datasets", "list"}, flags...)...)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, []string{"NAME", "SHAPE", "FINDINGS", "SEED", "BYTES", "SHA256", "CACHED"}, strings.Fields(lines[0]))
	assert.Equal(t, []string{"sparse-20-s1", "sparse", "20", "1", strconv.FormatInt(m.Datasets[1].Bytes, 10), m.Datasets[1].SHA256[:12], "yes"}, strings.Fields(lines[2]))
	assert.Equal(t, "no", strings.Fields(lines[3])[6])

	stdout, _, code = genRunCLI(append([]string{"datasets", "ensure", "--names", "realistic-60-s1"}, flags...)...)
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "OK  realistic-60-s1")

	// Corrupt one file: verify reports it and exits 1.
	path := filepath.Join(cache, "realistic-30-s1.json")
	require.NoError(t, os.WriteFile(path, []byte("[]\n"), 0o644))
	stdout, stderr, code = genRunCLI(append([]string{"datasets", "verify"}, flags...)...)
	assert.Equal(t, 1, code)
	assert.Equal(t, "MISMATCH realistic-30-s1\nOK       sparse-20-s1\nOK       realistic-60-s1\n", stdout)
	assert.Contains(t, stderr, "1 dataset(s) do not match the manifest")

	// ensure repairs it.
	_, _, code = genRunCLI(append([]string{"datasets", "ensure"}, flags...)...)
	require.Equal(t, 0, code)
	stdout, _, code = genRunCLI(append([]string{"datasets", "verify", "--names", "realistic-30-s1"}, flags...)...)
	assert.Equal(t, 0, code)
	assert.Equal(t, "OK       realistic-30-s1\n", stdout)
}

func TestDatasetsUsageErrors(t *testing.T) {
	manifest, cache, _ := smallManifest(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"datasets"}, "datasets: missing subcommand"},
		{"unknown subcommand", []string{"datasets", "fetch"}, `datasets: unknown subcommand "fetch"`},
		{"unknown name", []string{"datasets", "ensure", "--manifest", manifest, "--cache", cache, "--names", "nope-1-s1"}, `datasets: --names: "nope-1-s1" is not in the manifest`},
		{"negative max", []string{"datasets", "verify", "--max-findings", "-1"}, "--max-findings must be >= 0, got -1"},
		{"extra argument", []string{"datasets", "list", "x"}, `datasets list: unexpected argument "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := genRunCLI(tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

func TestDatasetsBadManifest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"datasets": 3}`), 0o644))
	_, stderr, code := genRunCLI("datasets", "list", "--manifest", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, path)
}
