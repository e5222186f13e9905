package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

// genRunCLI runs the command line in-process.
func genRunCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	err := Run(&out, &errb, args)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), cmdline.ExitCode(err)
}

func generatedBytes(t *testing.T, cfg generators.Config) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, generators.Generate(&b, cfg))
	return b.Bytes()
}

func TestGenerateToStdoutAndFile(t *testing.T) {
	want := generatedBytes(t, generators.Config{Findings: 25, Seed: 3, Shape: "chain"})

	stdout, _, code := genRunCLI("generate", "--findings", "25", "--seed", "3", "--shape", "chain")
	require.Equal(t, 0, code)
	assert.Equal(t, string(want), stdout)

	stdout, _, code = genRunCLI("generate", "--findings", "25", "--seed", "3", "--shape", "chain", "-o", "-")
	require.Equal(t, 0, code)
	assert.Equal(t, string(want), stdout)

	dir := t.TempDir()
	out := filepath.Join(dir, "d.json")
	stdout, stderr, code := genRunCLI("generate", "--findings", "25", "--seed", "3", "--shape", "chain", "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "wrote "+out+": 25 findings (chain, generator version 2, seed 3)")
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, want, raw)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary file left behind")
}

func TestGenerateDefaults(t *testing.T) {
	stdout, _, code := genRunCLI("generate")
	require.Equal(t, 0, code)
	assert.Equal(t, string(generatedBytes(t, generators.Config{Findings: 200, Seed: 1, Shape: "realistic"})), stdout)
}

func TestGenerateUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad shape", []string{"--shape", "round"}, `generate: --shape: unknown shape "round" (known: realistic, dense, chain, ties, sparse, many-accounts, adversarial)`},
		{"negative findings", []string{"--findings", "-3"}, "generate: --findings must be in 0..10000000, got -3"},
		{"not a number", []string{"--findings", "many"}, `invalid value "many" for flag -findings`},
		{"negative seed", []string{"--seed", "-1"}, `invalid value "-1" for flag -seed`},
		{"extra argument", []string{"out.json"}, `generate: unexpected argument "out.json"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := genRunCLI(append([]string{"generate"}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout, "no data on a usage error")
			assert.Contains(t, stderr, tc.want)
		})
	}
}

func TestGenerateListShapes(t *testing.T) {
	stdout, _, code := genRunCLI("generate", "--list-shapes")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, len(generators.Shapes()))
	for i, s := range generators.Shapes() {
		assert.True(t, strings.HasPrefix(lines[i], s.Name+" "), lines[i])
		assert.Contains(t, lines[i], s.Doc)
	}
}

func TestGenerateNoProgressWhenNotATerminal(t *testing.T) {
	var stderr bytes.Buffer
	assert.Nil(t, findingsProgressBar(cmdline.Env{Stdout: &bytes.Buffer{}, Stderr: &stderr}, 1000, "x", false))
}
