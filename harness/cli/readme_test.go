package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-shellwords"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCommands returns the aegisbench command lines of the README block
// between the "readme-test: begin" and "readme-test: end" markers.
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(raw), "<!-- readme-test: begin -->")
	require.True(t, ok, "README.md has no readme-test block")
	block, _, ok = strings.Cut(block, "<!-- readme-test: end -->")
	require.True(t, ok, "README.md's readme-test block is not closed")
	var cmds [][]string
	for i, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "aegisbench ") {
			continue
		}
		args, err := shellwords.Parse(line)
		require.NoError(t, err, "README block line %d: %s", i+1, line)
		cmds = append(cmds, args[1:])
	}
	return cmds
}

// TestReadmeExamples runs the README's first session in an empty folder,
// as benchstat's doc test runs its examples: every line must succeed, and
// the claims the README makes about their outputs must hold.
func TestReadmeExamples(t *testing.T) {
	cmds := readmeCommands(t)
	require.GreaterOrEqual(t, len(cmds), 5, "README examples")
	t.Chdir(t.TempDir())
	for _, args := range cmds {
		var stdout, stderr bytes.Buffer
		err := Run(&stdout, &stderr, args)
		require.NoError(t, err, "aegisbench %s\nstderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	paths, err := os.ReadFile("paths.json")
	require.NoError(t, err)
	naive, err := os.ReadFile("naive.json")
	require.NoError(t, err)
	assert.Equal(t, paths, naive, "go and go-naive outputs differ")
	assert.Contains(t, string(paths), `"entry_id"`, "paths.json holds no path")
	report, err := os.ReadFile(filepath.Join(".", "conform.md"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "CONFORMANCE PASSED")
}
