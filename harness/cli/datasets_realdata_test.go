package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/generators"
)

// realdataFile writes a generated dataset and returns its path.
func realdataFile(t *testing.T, dir, name string, cfg generators.Config) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, generatedBytes(t, cfg), 0o644))
	return path
}

func TestDatasetsProfileCommand(t *testing.T) {
	dir := t.TempDir()
	in := realdataFile(t, dir, "mine.json", generators.Config{Findings: 300, Seed: 1})

	stdout, stderr, code := genRunCLI("datasets", "profile", in)
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "# Profile of mine.json\n"), stdout)
	assert.Contains(t, stdout, "**Valid**")
	assert.Contains(t, stdout, "## Engine (go, max_depth 4)")

	// Flags after the file; JSON to a file, markdown to another.
	jsonOut, mdOut := filepath.Join(dir, "p.json"), filepath.Join(dir, "p.md")
	stdout, stderr, code = genRunCLI("datasets", "profile", in, "--json", jsonOut, "--md", mdOut, "--max-depth", "3")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	p, err := profile.Load(jsonOut)
	require.NoError(t, err)
	assert.Equal(t, 300, p.Findings)
	assert.Equal(t, 3, p.Engine.MaxDepth)
	md, err := os.ReadFile(mdOut)
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Reachable sets (max_depth 3)")

	stdout, _, code = genRunCLI("datasets", "profile", "--json", "-", "--engine", "none", in)
	require.Equal(t, 0, code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, "no engine given", doc["engine"].(map[string]any)["skipped"])
}

func TestDatasetsProfileBadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"id":"a","epss_e5":"high"}]`), 0o644))
	stdout, stderr, code := genRunCLI("datasets", "profile", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "**INVALID**", "the report is written first")
	assert.Contains(t, stdout, "| epss_e5 | 1 | type: wrong type: want an integer, got a string x 1 | 0: `\"high\"` |")
	assert.Contains(t, stderr, bad+": not a valid findings document: finding 0: aws_account_id: missing")

	notJSON := filepath.Join(dir, "notjson.json")
	require.NoError(t, os.WriteFile(notJSON, []byte("hello"), 0o644))
	stdout, stderr, code = genRunCLI("datasets", "profile", notJSON)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "**NOT A FINDINGS DOCUMENT**")
	assert.Contains(t, stderr, "not a valid findings document: byte 0: not a findings document: it starts with 'h'")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"datasets", "profile"}, "want one FILE, got 0 arguments"},
		{[]string{"datasets", "profile", bad, bad}, "want one FILE, got 2 arguments"},
		{[]string{"datasets", "profile", bad, "--json", "-", "--md", "-"}, "--json and --md cannot both be stdout"},
		{[]string{"datasets", "profile", bad, "--max-depth", "0"}, "--max-depth must be in 1..16, got 0"},
		{[]string{"datasets", "profile", bad, "--engine", "nope"}, "--engine: "},
	} {
		_, stderr, code := genRunCLI(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
	_, stderr, code = genRunCLI("datasets", "profile", filepath.Join(dir, "missing.json"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no such file")
}

func TestGenerateLikeAndCompare(t *testing.T) {
	dir := t.TempDir()
	in := realdataFile(t, dir, "mine.json", generators.Config{Findings: 1500, Seed: 1})
	prof := filepath.Join(dir, "mine.profile.json")
	_, stderr, code := genRunCLI("datasets", "profile", in, "--json", prof)
	require.Equal(t, 0, code, stderr)

	out := filepath.Join(dir, "like.json")
	_, stderr, code = genRunCLI("generate", "--like", prof, "--findings", "3000", "--seed", "2", "-o", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "wrote "+out+": 3000 findings (like "+prof+", seed 2)")
	p, err := profile.Load(prof)
	require.NoError(t, err)
	fit, err := p.Fit()
	require.NoError(t, err)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, generatedBytes(t, generators.Config{Findings: 3000, Seed: 2, Like: &fit}), raw)

	// A profile against a dataset file, and two dataset files.
	stdout, stderr, code := genRunCLI("datasets", "compare", prof, out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "- A: mine.json (1,500 findings")
	assert.Contains(t, stdout, "- B: like.json (3,000 findings")
	assert.Contains(t, stdout, "| engine | edges per finding * |")
	assert.Regexp(t, `cost metric\(s\) differ by more than 10%\.\n$`, stdout)
	stdout, _, code = genRunCLI("datasets", "compare", in, in, "--threshold", "0.5")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "\n0 cost metric(s) differ by more than 50%.\n")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"generate", "--like", prof, "--shape", "dense"}, "--like and --shape are exclusive"},
		{[]string{"generate", "--like", filepath.Join(dir, "none.json")}, "--like: "},
		{[]string{"generate", "--like", in}, "not a profile document"},
		{[]string{"datasets", "compare", prof}, "want two files A B, got 1 arguments"},
		{[]string{"datasets", "compare", prof, out, "--threshold", "0"}, "--threshold must be > 0"},
	} {
		_, stderr, code := genRunCLI(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
	notJSON := filepath.Join(dir, "x.txt")
	require.NoError(t, os.WriteFile(notJSON, []byte("x"), 0o644))
	_, stderr, code = genRunCLI("datasets", "compare", prof, notJSON)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, notJSON+": neither a profile nor a findings document")
}

func TestDatasetsAnonymizeCommand(t *testing.T) {
	dir := t.TempDir()
	in := realdataFile(t, dir, "mine.json", generators.Config{Findings: 200, Seed: 1, Version: 1})
	out := filepath.Join(dir, "anon.json")
	mapping := filepath.Join(dir, "map.tsv")
	_, stderr, code := genRunCLI("datasets", "anonymize", in, "-o", out, "--key", "s3cret", "--keep-order", "--mapping", mapping)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "wrote "+out+": 200 findings, order kept; pseudonyms: 200 id, 5 account, ")
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, json.Valid(raw))
	fi, err := os.Stat(mapping)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the mapping is private")

	keyFile := filepath.Join(dir, "key")
	require.NoError(t, os.WriteFile(keyFile, []byte("s3cret\n"), 0o600))
	out2 := filepath.Join(dir, "anon2.json")
	_, stderr, code = genRunCLI("datasets", "anonymize", "--key-file", keyFile, "--keep-order", in, "-o", out2)
	require.Equal(t, 0, code, stderr)
	raw2, err := os.ReadFile(out2)
	require.NoError(t, err)
	assert.Equal(t, raw, raw2, "--key-file K and --key K are the same key")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"id":"a"},`), 0o644))
	_, stderr, code = genRunCLI("datasets", "anonymize", bad, "-o", filepath.Join(dir, "o.json"), "--key", "k")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, bad+": byte 12: unexpected end of file after ','")
	_, err = os.Stat(filepath.Join(dir, "o.json"))
	assert.True(t, os.IsNotExist(err), "no output for a bad file")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"datasets", "anonymize", in, "--key", "k"}, "-o OUT is required"},
		{[]string{"datasets", "anonymize", in, "-o", out}, "give exactly one of --key and --key-file"},
		{[]string{"datasets", "anonymize", in, "-o", out, "--key", "k", "--key-file", keyFile}, "give exactly one of --key and --key-file"},
		{[]string{"datasets", "anonymize", in, "-o", in, "--key", "k"}, "is the same file as the input FILE"},
		{[]string{"datasets", "anonymize", "-o", out, "--key", "k"}, "want one FILE, got 0 arguments"},
	} {
		_, stderr, code := genRunCLI(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
}
