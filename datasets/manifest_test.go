package datasets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// digestOf generates a dataset in memory and returns its size and SHA-256.
func digestOf(t testing.TB, cfg generators.Config) (int64, string) {
	t.Helper()
	h := sha256.New()
	var n countingWriter
	n.w = h
	require.NoError(t, generators.Generate(&n, cfg))
	return n.n, hex.EncodeToString(h.Sum(nil))
}

// entryFor returns a manifest entry (generator version 2) with the real
// size and digest.
func entryFor(t testing.TB, shape string, n int, seed uint64) Entry {
	e := NewEntry(shape, n, seed, 2)
	e.Bytes, e.SHA256 = digestOf(t, e.Config())
	return e
}

func TestCacheDir(t *testing.T) {
	t.Setenv(CacheEnv, "/some/where")
	d, err := CacheDir()
	require.NoError(t, err)
	assert.Equal(t, "/some/where", d)

	t.Setenv(CacheEnv, "")
	d, err = CacheDir()
	require.NoError(t, err)
	root, _ := reporoot.Find()
	assert.Equal(t, filepath.Join(root, "datasets", "cache"), d)
}

func TestStandardLadder(t *testing.T) {
	var names []string
	for _, e := range StandardLadder(1) {
		names = append(names, e.Name)
		assert.Equal(t, 1, e.Config().Version)
	}
	assert.Equal(t, []string{
		"realistic-200-s1", "realistic-2000-s1", "realistic-20000-s1", "realistic-200000-s1", "realistic-1000000-s1",
		"dense-2000-s1", "chain-2000-s1", "ties-2000-s1", "sparse-2000-s1", "many-accounts-2000-s1", "adversarial-2000-s1",
	}, names)
	e := StandardLadder(2)[1]
	assert.Equal(t, "realistic-2000-s1-g2", e.Name)
	assert.Equal(t, 2, e.Config().Version)
	assert.Equal(t, "realistic-2000-s1-g2.json", e.FileName())
}

func TestLoadManifestRejects(t *testing.T) {
	good := `{"name": "realistic-200-s1", "shape": "realistic", "findings": 200, "seed": 1, "bytes": 10, "sha256": "` + strings.Repeat("ab", 32) + `"}`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unknown member", `{"datasets": [], "extra": 1}`, `unknown field "extra"`},
		{"bad name", `{"datasets": [` + strings.Replace(good, `"realistic-200-s1"`, `"r200"`, 1) + `]}`, `datasets[0]: name "r200" should be "realistic-200-s1"`},
		{"bad digest", `{"datasets": [` + strings.Replace(good, "abab", "ABAB", 1) + `]}`, "sha256 must be 64 lower-case hex digits"},
		{"zero bytes", `{"datasets": [` + strings.Replace(good, `"bytes": 10`, `"bytes": 0`, 1) + `]}`, "bytes must be > 0"},
		{"unknown shape", `{"datasets": [` + strings.ReplaceAll(good, "realistic", "fancy") + `]}`, `unknown shape "fancy"`},
		{"duplicate", `{"datasets": [` + good + `, ` + good + `]}`, `datasets[1]: duplicate name "realistic-200-s1"`},
		{"not json", `{"datasets": [`, "unexpected EOF"},
		{"unknown version", `{"generator_version": 9, "datasets": []}`, "generator_version must be 1..2, got 9"},
		{"version 1 spelled out", `{"datasets": [` + strings.Replace(good, `"seed": 1,`, `"seed": 1, "generator_version": 1,`, 1) + `]}`, "generator_version 1 is written by omitting it"},
		{"version 2 without suffix", `{"datasets": [` + strings.Replace(good, `"seed": 1,`, `"seed": 1, "generator_version": 2,`, 1) + `]}`, `name "realistic-200-s1" should be "realistic-200-s1-g2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "manifest.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.doc), 0o644))
			_, err := LoadManifest(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), path)
		})
	}
	_, err := LoadManifest(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestManifestSaveLoadLookup(t *testing.T) {
	v1 := NewEntry("chain", 30, 3, 1)
	v1.Bytes, v1.SHA256 = digestOf(t, v1.Config())
	m := &Manifest{Generator: 2, Datasets: []Entry{entryFor(t, "realistic", 20, 3), entryFor(t, "chain", 30, 3), v1}}
	path := filepath.Join(t.TempDir(), "manifest.json")
	require.NoError(t, m.Save(path))
	got, err := LoadManifest(path)
	require.NoError(t, err)
	assert.Equal(t, m, got)
	e, ok := got.Lookup("chain", 30, 3)
	assert.True(t, ok)
	assert.Equal(t, "chain-30-s3-g2", e.Name, "Lookup gives the selected version's entry")
	assert.NotEqual(t, v1.SHA256, e.SHA256, "versions 1 and 2 generate different data")
	assert.Len(t, got.Selected(), 2)
	got.Generator = 0
	e, ok = got.Lookup("chain", 30, 3)
	assert.True(t, ok)
	assert.Equal(t, "chain-30-s3", e.Name)
	_, ok = got.Lookup("chain", 30, 4)
	assert.False(t, ok)
	e, ok = got.ByName("realistic-20-s3-g2")
	assert.True(t, ok)
	assert.Equal(t, 20, e.Findings)
}

func repoManifest(t *testing.T) *Manifest {
	t.Helper()
	path, err := DefaultManifestPath()
	require.NoError(t, err)
	m, err := LoadManifest(path)
	require.NoError(t, err)
	return m
}

// TestRepoManifestIsTheStandardLadder pins that datasets/manifest.json lists
// the standard ladder (run `aegisbench datasets update-manifest` when it
// changes).
func TestRepoManifestIsTheStandardLadder(t *testing.T) {
	m := repoManifest(t)
	assert.Equal(t, generators.LatestVersion, m.Version(), "the manifest selects the latest generator version")
	var got, want []string
	for _, e := range m.Datasets {
		got = append(got, e.Name)
	}
	want = append(want, names(StandardLadder(m.Version()))...)
	want = append(want, names(OnDemandLadder(m.Version()))...)
	for v := generators.MinVersion; v <= generators.LatestVersion; v++ {
		if v != m.Version() {
			want = append(want, names(StandardLadder(v))...) // kept for old results files
		}
	}
	assert.Equal(t, want, got)
	assert.Equal(t, append(names(StandardLadder(m.Version())), names(OnDemandLadder(m.Version()))...), names(m.Selected()))
	for _, e := range m.Datasets {
		assert.Equal(t, e.Findings >= 10_000_000, e.OnDemand, "%s: on demand exactly when 10M or more", e.Name)
	}
}

func names(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

// TestRepoManifestDigests regenerates every manifest dataset of up to 20000
// findings and compares size and SHA-256 with the manifest. The manifest was
// computed on one platform, so this is the test that pins the generator's
// cross-platform determinism; it also fails when the generator's output
// changes without `aegisbench datasets update-manifest`.
func TestRepoManifestDigests(t *testing.T) {
	for _, e := range repoManifest(t).Datasets {
		if e.Findings > 20000 {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			if testing.Short() && e.Findings > 2000 {
				t.Skip("large dataset skipped in -short mode")
			}
			size, sum := digestOf(t, e.Config())
			assert.Equal(t, e.Bytes, size, "size")
			assert.Equal(t, e.SHA256, sum, "sha256")
		})
	}
}

func TestManifestFileIsCanonical(t *testing.T) {
	// The committed file is exactly what Save writes, so update-manifest
	// produces no spurious diff.
	path, err := DefaultManifestPath()
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "m.json")
	require.NoError(t, repoManifest(t).Save(out))
	saved, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(raw, saved), "datasets/manifest.json is not in Save's format")
}

// TestKeepOthers: regenerating a version's ladder keeps that version's
// on-demand entries (after the ladder) and every other version's entries,
// and drops nothing it regenerated twice.
func TestKeepOthers(t *testing.T) {
	entry := func(n int, version int, onDemand bool) Entry {
		e := NewEntry(generators.DefaultShape, n, StandardSeed, version)
		e.OnDemand = onDemand
		return e
	}
	old := &Manifest{Generator: 2, Datasets: []Entry{entry(200, 2, false), entry(10_000_000, 2, true), entry(200, 1, false), entry(300, 2, false)}}
	m := &Manifest{Generator: 2, Datasets: []Entry{entry(200, 2, false)}}
	m.KeepOthers(old)
	assert.Equal(t, []string{"realistic-200-s1-g2", "realistic-10000000-s1-g2", "realistic-200-s1"}, names(m.Datasets),
		"a ladder entry no longer generated (300) is dropped")
	m.KeepOthers(nil)
	assert.Len(t, m.Datasets, 3)
}

// TestManifestSelect: by name (any generator version, on demand or not),
// else the manifest's version only, not on demand; --max-findings bounds both; an unknown name is
// an error naming it.
func TestManifestSelect(t *testing.T) {
	onDemand := NewEntry("realistic", 10_000_000, 1, 2)
	onDemand.OnDemand = true
	m := &Manifest{Generator: 2, Datasets: []Entry{
		NewEntry("realistic", 200, 1, 2), NewEntry("realistic", 2000, 1, 2),
		NewEntry("realistic", 200, 1, 1), NewEntry("dense", 2000, 1, 2), onDemand,
	}}
	tests := []struct {
		names []string
		max   int
		want  []string
		err   string
	}{
		{nil, 0, []string{"realistic-200-s1-g2", "realistic-2000-s1-g2", "dense-2000-s1-g2"}, ""},
		{nil, 200, []string{"realistic-200-s1-g2"}, ""},
		{[]string{"realistic-200-s1", "dense-2000-s1-g2"}, 0, []string{"realistic-200-s1", "dense-2000-s1-g2"}, ""},
		{[]string{"dense-2000-s1-g2"}, 200, nil, ""},
		{[]string{"nope"}, 0, nil, `"nope" is not in the manifest`},
		{[]string{"realistic-10000000-s1-g2"}, 0, []string{"realistic-10000000-s1-g2"}, ""},
	}
	for _, tt := range tests {
		got, err := m.Select(tt.names, tt.max)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, names(got), "%v max %d", tt.names, tt.max)
	}
}
