package baselines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeResults fabricates a small results file of one platform.
func fakeResults(goos, goarch string, scale float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\ncpu: Fake %s CPU\ncores: 2\ncommit: abc123\n", goos, goarch, goarch)
	b.WriteString("dataset-realistic-200-s1: " + strings.Repeat("a", 64) + " findings=200 bytes=1000\n")
	b.WriteString("pkg: github.com/aegisbench/aegisbench/engines/goengine\n")
	for i := 0; i < 7; i++ {
		fmt.Fprintf(&b, "BenchmarkPipeline/engine=go/n=200-2 10 %g ns/op 100 B/op 3 allocs/op\n", scale*float64(1000+i))
	}
	b.WriteString("pkg: github.com/aegisbench/aegisbench/harness/platformcal\n")
	for i := 0; i < 7; i++ {
		fmt.Fprintf(&b, "BenchmarkCalibration/engine=go-2 10 %g ns/op\n", scale*float64(500+i))
	}
	return b.String()
}

// artifacts writes files (path relative to a new directory -> content).
func artifacts(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return dir
}

func TestImportTwoPlatformsAndAThird(t *testing.T) {
	dir := artifacts(t, map[string]string{
		"baseline-linux-amd64/results.txt":  fakeResults("linux", "amd64", 1),
		"baseline-linux-amd64/BASELINE.md":  "# old report, not a results file\n",
		"baseline-darwin-arm64/results.txt": fakeResults("darwin", "arm64", 0.5),
		"stray/windows.txt":                 fakeResults("windows", "amd64", 2), // a third platform's file
		"baseline-linux-amd64/notes.txt":    "a log, no benchmark results\n",
	})
	found, err := Scan(dir, []string{"linux-amd64", "darwin-arm64"})
	require.NoError(t, err)
	var names []string
	for _, p := range found.Platforms {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"darwin-arm64", "linux-amd64", "windows-amd64"}, names)
	assert.Equal(t, []string{filepath.Join(dir, "baseline-linux-amd64", "notes.txt")}, found.Skipped)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	stopped := t.TempDir()
	written, err := Import(cancelled, found, stopped)
	assert.ErrorIs(t, err, context.Canceled, "an interrupted import stops")
	assert.Empty(t, written)
	left, _ := os.ReadDir(stopped)
	assert.Empty(t, left, "an interrupted import writes nothing more")

	out := t.TempDir()
	written, err = Import(context.Background(), found, out)
	require.NoError(t, err)
	assert.Len(t, written, 3)
	for _, p := range names {
		got, err := os.ReadFile(filepath.Join(out, p, ResultsFile))
		require.NoError(t, err)
		assert.Contains(t, string(got), "goarch: "+strings.Split(p, "-")[1])
		md, err := os.ReadFile(filepath.Join(out, p, "BASELINE.md"))
		require.NoError(t, err)
		assert.Contains(t, string(md), "Performance Baseline: "+p)
	}
	cmp, err := os.ReadFile(filepath.Join(out, ComparisonFile))
	require.NoError(t, err)
	for _, pair := range []string{"darwin-arm64 vs linux-amd64", "darwin-arm64 vs windows-amd64", "linux-amd64 vs windows-amd64"} {
		assert.Contains(t, string(cmp), "# Cross-platform comparison: "+pair)
	}
	// Same code, same data, calibration on both sides: times are
	// comparable after normalizing (linux is 2x slower on both).
	assert.Contains(t, string(cmp), "| Pipeline/engine=go/n=200 | sec/op | 502ns | 7 | 1µs | 7 | 2× | after normalizing | 1× |")
	assert.Contains(t, string(cmp), "| Pipeline/engine=go/n=200 | allocs/op | 3 | 7 | 3 | 7 | 1× | comparable | - |")
}

func TestScanRejects(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		expect []string
		want   []string
	}{
		{"missing file", map[string]string{
			"baseline-linux-amd64/results.txt":  fakeResults("linux", "amd64", 1),
			"baseline-darwin-arm64/BASELINE.md": "no results here\n",
		}, []string{"linux-amd64", "darwin-arm64"}, []string{"no results file for darwin-arm64"}},
		{"two files for one platform", map[string]string{
			"a/results.txt": fakeResults("linux", "amd64", 1),
			"b/results.txt": fakeResults("linux", "amd64", 1.1),
		}, nil, []string{"two results files for linux-amd64", "a/results.txt", "b/results.txt"}},
		{"no platform lines", map[string]string{
			"a/results.txt": "BenchmarkX 1 1 ns/op\n",
		}, nil, []string{"a/results.txt: no goos or goarch"}},
		{"malformed", map[string]string{
			"a/results.txt": "goos: linux\ngoarch: amd64\nBenchmarkX 1 fast ns/op\n",
		}, nil, []string{"a/results.txt:3:"}},
		{"nothing", map[string]string{"a/readme.txt": "hello\n"}, nil, []string{"no results files in"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := artifacts(t, tc.files)
			_, err := Scan(dir, tc.expect)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestWriteComparisonOnePlatform(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(out, "linux-amd64"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "linux-amd64", ResultsFile), []byte(fakeResults("linux", "amd64", 1)), 0o644))
	require.NoError(t, WriteComparison(out))
	got, err := os.ReadFile(filepath.Join(out, ComparisonFile))
	require.NoError(t, err)
	assert.Contains(t, string(got), "nothing to compare")
}

// TestCompare: a baseline is a directory (labelled with its name) or a
// results file (its name without extension); equal labels are told apart
// as A and B; a directory without a results file is refused by name.
func TestCompare(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string) string {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	write("a/linux/"+ResultsFile, fakeResults("linux", "amd64", 1))
	write("b/linux/"+ResultsFile, fakeResults("linux", "amd64", 2))
	file := write("darwin.txt", fakeResults("darwin", "arm64", 1))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "empty"), 0o755))
	tests := []struct {
		name, a, b, want, err string
	}{
		{"directory and file", filepath.Join(root, "a", "linux"), file, "# Cross-platform comparison: linux vs darwin", ""},
		{"same labels", filepath.Join(root, "a", "linux"), filepath.Join(root, "b", "linux"), "# Cross-platform comparison: A (linux) vs B (linux)", ""},
		{"no results file", filepath.Join(root, "empty"), file, "", "no " + ResultsFile + " in the baseline directory"},
		{"missing", filepath.Join(root, "none"), file, "", "none"},
	}
	for _, tt := range tests {
		md, err := Compare(tt.a, tt.b)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Contains(t, string(md), tt.want, tt.name)
	}
}
