package datasets

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

func repoVectors(t *testing.T) (dir string, paths, list []Vector) {
	t.Helper()
	dir, err := VectorsDir()
	require.NoError(t, err)
	paths, err = LoadVectors(dir)
	require.NoError(t, err)
	list, err = LoadListVectors(dir)
	require.NoError(t, err)
	return dir, paths, list
}

// TestRepoVectorsWellFormed loads every committed vector (LoadVectors fails
// on a malformed directory) and checks what the loader cannot: a README per
// hand-written vector, expected outputs that canonicalise, schemas, and that
// every vector is named in datasets/vectors/README.md.
func TestRepoVectorsWellFormed(t *testing.T) {
	dir, paths, list := repoVectors(t)
	require.GreaterOrEqual(t, len(paths), 40)
	require.GreaterOrEqual(t, len(list), 5)
	index, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)

	seen := map[string]bool{}
	for _, v := range append(append([]Vector{}, paths...), list...) {
		t.Run(v.Name, func(t *testing.T) {
			require.False(t, seen[v.Name], "duplicate name")
			seen[v.Name] = true
			require.True(t, (v.Expected == nil) != (v.ExpectedError == nil))
			group, name, _ := strings.Cut(v.Name, "/")
			if group != GroupRegressions {
				assert.FileExists(t, filepath.Join(v.Dir, "README.md"))
				assert.Contains(t, string(index), "`"+name+"`", "vector missing from the README table")
			}
			if group == GroupList {
				assert.NotNil(t, v.Query)
				assert.Equal(t, engines.Options{}, v.Options)
			} else {
				assert.Nil(t, v.Query)
			}
			if v.Expected == nil {
				return
			}
			_, err := jcs.Transform(v.Expected)
			require.NoError(t, err, "expected.json does not canonicalise")
			var doc struct {
				Schema   string `json:"schema"`
				MaxDepth *int   `json:"max_depth"`
				TopK     *int   `json:"top_k"`
			}
			require.NoError(t, json.Unmarshal(v.Expected, &doc))
			if group == GroupList {
				assert.Equal(t, engines.SchemaFindings, doc.Schema)
				return
			}
			assert.Equal(t, engines.SchemaAttackPaths, doc.Schema)
			require.NotNil(t, doc.MaxDepth)
			require.NotNil(t, doc.TopK)
			assert.Equal(t, v.Options, engines.Options{MaxDepth: *doc.MaxDepth, TopK: *doc.TopK},
				"expected.json must echo options.json")
			assert.NoError(t, v.Options.Validate(), "a vector with an output needs valid options")
		})
	}
}

// TestRepoVectorsCoverSpec checks that the hand-written vectors exercise
// every error code, every engine field's error, every edge reason and the
// option extremes, so a deleted vector cannot silently drop a rule.
func TestRepoVectorsCoverSpec(t *testing.T) {
	_, paths, list := repoVectors(t)
	codes := map[string]int{}
	fieldErrors := map[string]int{}
	reasons := map[string]int{}
	maxDepths := map[int]bool{}
	topKs := map[int]bool{}
	for _, v := range paths {
		if e := v.ExpectedError; e != nil {
			codes[e.Code]++
			if e.Code == engines.CodeInvalidField {
				fieldErrors[*e.Field]++
			}
			continue
		}
		maxDepths[v.Options.MaxDepth] = true
		topKs[v.Options.TopK] = true
		var doc struct {
			Accounts []struct {
				Paths []struct {
					Reasons []string `json:"reasons"`
				} `json:"paths"`
			} `json:"accounts"`
		}
		require.NoError(t, json.Unmarshal(v.Expected, &doc), v.Name)
		for _, a := range doc.Accounts {
			for _, p := range a.Paths {
				for _, r := range p.Reasons {
					reasons[r]++
				}
			}
		}
	}
	for _, c := range []string{engines.CodeInvalidOptions, engines.CodeInvalidJSON, engines.CodeInvalidField, engines.CodeDuplicateID} {
		assert.Positive(t, codes[c], "no vector for code %s", c)
	}
	fields := []string{"id", "aws_account_id", "severity_normalized", "workflow_status", "resource_id",
		"vpc_id", "network_exposure", "iam_role_arn", "data_classification", "epss_e5", "mitre_tactic_id"}
	for _, f := range fields {
		// missing, null and wrong type at least
		assert.GreaterOrEqual(t, fieldErrors[f], 3, "field %s", f)
	}
	assert.Positive(t, fieldErrors[""], "no vector for a non-object element")
	for _, r := range []string{"SAME_RESOURCE", "SHARED_ROLE", "VPC_REACH"} {
		assert.Positive(t, reasons[r], "no path with reason %s", r)
	}
	for _, d := range []int{1, 16} {
		assert.True(t, maxDepths[d], "no valid vector with max_depth %d", d)
	}
	for _, k := range []int{0, 1000000} {
		assert.True(t, topKs[k], "no valid vector with top_k %d", k)
	}
	listCodes := map[string]int{}
	for _, v := range list {
		if v.ExpectedError != nil {
			listCodes[v.ExpectedError.Code]++
		} else {
			listCodes["ok"]++
		}
	}
	for _, c := range []string{"ok", engines.CodeInvalidOptions, engines.CodeInvalidJSON, engines.CodeInvalidField, engines.CodeDuplicateID} {
		assert.Positive(t, listCodes[c], "no list vector for %s", c)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

func TestLoadVectors(t *testing.T) {
	const (
		input    = "[]\n"
		options  = `{"max_depth": 4, "top_k": 20}`
		expected = `{"schema": "aegis.attackpaths.v1"}`
		errDoc   = `{"schema": "aegis.error.v1", "code": "invalid_field", "index": 3, "field": "", "message": "m"}`
	)
	t.Run("reads paths and regressions in name order", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"paths/b/input.json": "[", "paths/b/options.json": `{"top_k": -1, "max_depth": 0}`, "paths/b/error.json": errDoc,
			"paths/a/input.json": input, "paths/a/options.json": options, "paths/a/expected.json": expected, "paths/a/README.md": "# a",
			"regressions/r1/input.json": input, "regressions/r1/options.json": options, "regressions/r1/expected.json": expected,
			"paths/NOTES.txt": "files beside the vector directories are ignored",
		})
		vs, err := LoadVectors(dir)
		require.NoError(t, err)
		require.Len(t, vs, 3)
		assert.Equal(t, "paths/a", vs[0].Name)
		assert.Equal(t, filepath.Join(dir, "paths", "a"), vs[0].Dir)
		assert.Equal(t, []byte(input), vs[0].Input)
		assert.Equal(t, engines.Options{MaxDepth: 4, TopK: 20}, vs[0].Options)
		assert.Equal(t, []byte(expected), vs[0].Expected)
		assert.Nil(t, vs[0].ExpectedError)
		assert.Nil(t, vs[0].Query)

		assert.Equal(t, "paths/b", vs[1].Name)
		assert.Equal(t, []byte("["), vs[1].Input)
		assert.Equal(t, engines.Options{MaxDepth: 0, TopK: -1}, vs[1].Options)
		assert.Nil(t, vs[1].Expected)
		require.NotNil(t, vs[1].ExpectedError)
		assert.Equal(t, "invalid_field", vs[1].ExpectedError.Code)
		assert.Equal(t, 3, *vs[1].ExpectedError.Index)
		assert.Equal(t, "", *vs[1].ExpectedError.Field)

		assert.Equal(t, "regressions/r1", vs[2].Name)
	})
	t.Run("absent groups are empty", func(t *testing.T) {
		dir := t.TempDir()
		vs, err := LoadVectors(dir)
		require.NoError(t, err)
		assert.Empty(t, vs)
		vs, err = LoadListVectors(dir)
		require.NoError(t, err)
		assert.Empty(t, vs)
	})
	t.Run("list vectors carry the raw query", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"list/q/input.json": input, "list/q/query.json": "\n", "list/q/expected.json": `{"schema": "aegis.findings.v1"}`,
		})
		vs, err := LoadListVectors(dir)
		require.NoError(t, err)
		require.Len(t, vs, 1)
		assert.Equal(t, "list/q", vs[0].Name)
		assert.Equal(t, []byte("\n"), vs[0].Query)
		assert.Equal(t, engines.Options{}, vs[0].Options)
	})

	bad := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"both expected and error", map[string]string{"input.json": input, "options.json": options, "expected.json": expected, "error.json": errDoc}, "both"},
		{"neither expected nor error", map[string]string{"input.json": input, "options.json": options}, "neither"},
		{"no input", map[string]string{"options.json": options, "expected.json": expected}, "input.json is missing"},
		{"no options", map[string]string{"input.json": input, "expected.json": expected}, "options.json is missing"},
		{"options missing a member", map[string]string{"input.json": input, "options.json": `{"max_depth": 4}`, "expected.json": expected}, "both members"},
		{"options not integers", map[string]string{"input.json": input, "options.json": `{"max_depth": 4.5, "top_k": 20}`, "expected.json": expected}, "options.json"},
		{"options unknown member", map[string]string{"input.json": input, "options.json": `{"max_depth": 4, "top_k": 20, "depth": 1}`, "expected.json": expected}, "unknown field"},
		{"options trailing data", map[string]string{"input.json": input, "options.json": options + " {}", "expected.json": expected}, "trailing"},
		{"expected not JSON", map[string]string{"input.json": input, "options.json": options, "expected.json": "{"}, "not valid JSON"},
		{"error unknown code", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "aegis.error.v1", "code": "bad_input", "message": ""}`}, "unknown code"},
		{"error wrong schema", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "x", "code": "invalid_json", "message": ""}`}, "schema"},
		{"invalid_json with an index", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "aegis.error.v1", "code": "invalid_json", "index": 0, "message": ""}`}, "index present true"},
		{"invalid_options without field", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "aegis.error.v1", "code": "invalid_options", "message": ""}`}, "field present false"},
		{"invalid_field without index", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "aegis.error.v1", "code": "invalid_field", "field": "id", "message": ""}`}, "index present false"},
		{"duplicate_id on another field", map[string]string{"input.json": input, "options.json": options, "error.json": `{"schema": "aegis.error.v1", "code": "duplicate_id", "index": 1, "field": "resource_id", "message": ""}`}, `want "id"`},
		{"unexpected file", map[string]string{"input.json": input, "options.json": options, "expected.json": expected, "expect.json": expected}, `unexpected entry "expect.json"`},
		{"query in an attack-path vector", map[string]string{"input.json": input, "options.json": options, "expected.json": expected, "query.json": "{}"}, `unexpected entry "query.json"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for name, content := range tc.files {
				files["paths/v/"+name] = content
			}
			writeFiles(t, dir, files)
			_, err := LoadVectors(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), filepath.Join(dir, "paths", "v"), "the error names the vector")
		})
	}
	t.Run("list vector without query", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"list/q/input.json": input, "list/q/expected.json": expected})
		_, err := LoadListVectors(dir)
		require.ErrorContains(t, err, "query.json is missing")
	})
}
