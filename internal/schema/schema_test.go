package schema

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	engine := 0
	for i, f := range Fields {
		assert.False(t, seen[f.Name], "duplicate %s", f.Name)
		seen[f.Name] = true
		k, ok := Index(f.Name)
		assert.True(t, ok)
		assert.Equal(t, i, k)
		assert.NotEqual(t, "an unknown type", f.Type.Rule(), f.Name)
		if f.Engine {
			engine++
		}
	}
	assert.Equal(t, 11, engine, "section 1 has 11 engine fields")
	assert.Equal(t, "epss_e5", Fields[EPSSE5].Name)
	assert.Equal(t, "related_finding_ids", Fields[RelatedFindingIDs].Name)
	assert.Equal(t, Names()[ResourceType], "resource_type")
	_, ok := Index("nope")
	assert.False(t, ok)
}

// TestSpecListsTheFields pins the table to engines/SPEC.md section 6: the
// same names in the same order, ★ on the engine fields, and the types it
// marks ([] arrays of strings, "(int)", "(ints)", "(number)", "(bool)";
// engine fields have their types in section 1).
func TestSpecListsTheFields(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "engines", "SPEC.md"))
	require.NoError(t, err)
	spec := string(raw)
	start := strings.Index(spec, "schema_version, ★id,")
	require.GreaterOrEqual(t, start, 0, "the field list of section 6")
	end := strings.Index(spec[start:], "related_finding_ids[]")
	require.Positive(t, end)
	list := spec[start : start+end+len("related_finding_ids[]")]
	marks := map[string]Type{"": String, "[]": StringArray, "[] (ints)": IntegerArray, " (int)": Integer, " (number)": Number, " (bool)": Bool}
	var names []string
	for k, m := range regexp.MustCompile(`(★?)([a-z0-9_]+)((?:\[\])?(?: \((?:ints?|number|bool)\))?)`).FindAllStringSubmatch(list, -1) {
		names = append(names, m[2])
		require.Less(t, k, NumFields, "more fields in SPEC.md than in the table")
		f := Fields[k]
		assert.Equal(t, f.Engine, m[1] == "★", "%s: engine field", m[2])
		if !f.Engine {
			assert.Equal(t, marks[m[3]], f.Type, "%s: type", m[2])
		}
	}
	assert.Equal(t, Names(), names)
}

// TestRustLoaderTableMatches checks the Rust loader's copy of the table
// (Rust cannot import this one): FULL_FIELDS in
// rust/libaegispath/src/load.rs must list the same names and types in the
// same order.
func TestRustLoaderTableMatches(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "rust", "libaegispath", "src", "load.rs"))
	require.NoError(t, err)
	src := string(raw)
	start := strings.Index(src, "pub const FULL_FIELDS")
	require.GreaterOrEqual(t, start, 0, "FULL_FIELDS not found in load.rs")
	end := strings.Index(src[start:], "];")
	require.Positive(t, end)
	rust := map[string]Type{"Str": String, "StrArray": StringArray, "Int": Integer, "Num": Number, "Bool": Bool, "IntArray": IntegerArray}
	var got []Field
	for _, m := range regexp.MustCompile(`\("([a-z0-9_]+)",\s*(\w+)\)`).FindAllStringSubmatch(src[start:start+end], -1) {
		typ, ok := rust[m[2]]
		require.True(t, ok, "unknown Rust field type %s", m[2])
		got = append(got, Field{Name: m[1], Type: typ})
	}
	var want []Field
	for _, f := range Fields {
		want = append(want, Field{Name: f.Name, Type: f.Type})
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 1, strings.Count(src, `"related_finding_ids"`), "load.rs names the fields once (FULL_FIELDS)")
}
