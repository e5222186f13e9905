package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

// aegispaths exists to be small: the packages of the harness's other
// commands (plots, profiles, the history store, statistics) and the test
// framework must not be linked into it, since their package inits and
// pages are paid at every start a whole-process timing measures.
func TestLinksNoHarness(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/aegisbench/aegisbench/harness/pathscmd")
	for _, forbidden := range []string{
		"github.com/aegisbench/aegisbench/harness/cli",
		"gonum.org/v1/plot",
		"github.com/google/pprof/profile",
		"modernc.org/sqlite",
		"golang.org/x/perf/benchmath",
		"testing",
		"github.com/stretchr/testify/assert",
	} {
		assert.NotContains(t, deps, forbidden)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "findings.json")
	var doc bytes.Buffer
	require.NoError(t, generators.Generate(&doc, generators.Config{Findings: 60, Seed: 1}))
	require.NoError(t, os.WriteFile(in, doc.Bytes(), 0o644))
	want, err := engines.Open("go")
	require.NoError(t, err)
	wantOut, err := want.AttackPaths(t.Context(), doc.Bytes(), engines.Options{MaxDepth: 4, TopK: 20})
	require.NoError(t, err)

	t.Run("writes the go engine's document", func(t *testing.T) {
		out := filepath.Join(dir, "paths.json")
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, []string{"--engine", "go", "--in", in, "--out", out, "--max-depth", "4", "--top-k", "20"})
		require.NoError(t, err, stderr.String())
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, string(wantOut)+"\n", string(got))
		assert.Empty(t, stdout.String())
	})
	t.Run("usage names aegispaths", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, []string{"--help"})
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Equal(t, 0, cmdline.ExitCode(err))
		assert.True(t, strings.HasPrefix(stderr.String(), "Usage: aegispaths --in FILE"), stderr.String())
	})
	t.Run("a missing --in is a usage error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, []string{"--engine", "go"})
		assert.Equal(t, 2, cmdline.ExitCode(err))
		assert.ErrorContains(t, err, "--in is required")
	})
	t.Run("bad input writes the error document and exits 1", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.json")
		require.NoError(t, os.WriteFile(bad, []byte(`[{"id": 1}]`), 0o644))
		var stdout, stderr bytes.Buffer
		err := run(&stdout, &stderr, []string{"--engine", "go", "--in", bad})
		assert.Equal(t, 1, cmdline.ExitCode(err))
		var e struct {
			Schema string `json:"schema"`
		}
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &e), stdout.String())
		assert.Equal(t, "aegis.error.v1", e.Schema)
	})
}
