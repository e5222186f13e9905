package datasets

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/generators"
)

func generated(t *testing.T, e Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, generators.Generate(&b, e.Config()))
	return b.Bytes()
}

// dirNames lists the file names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	return out
}

func TestEnsureGeneratesVerifiesAndReuses(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache") // created by Ensure
	e := entryFor(t, "realistic", 40, 5)
	path, err := Ensure(e, cache)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(cache, "realistic-40-s5-g2.json"), path)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, generated(t, e), raw)
	assert.Equal(t, []string{"realistic-40-s5-g2.json", "realistic-40-s5-g2.json.stamp"}, dirNames(t, cache))

	// A second call trusts the stamp and leaves the file alone.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, old, old))
	require.NoError(t, writeStamp(path, e.SHA256))
	_, err = Ensure(e, cache)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(old), "cached file was rewritten")
}

func TestEnsureRepairsCorruptCache(t *testing.T) {
	cache := t.TempDir()
	e := entryFor(t, "sparse", 30, 2)
	path := filepath.Join(cache, e.FileName())
	require.NoError(t, os.WriteFile(path, []byte("[]\n"), 0o644))
	got, err := Ensure(e, cache)
	require.NoError(t, err)
	raw, err := os.ReadFile(got)
	require.NoError(t, err)
	assert.Equal(t, generated(t, e), raw)
}

// TestEnsureCatchesSameSizeSameMtimeCorruption: a cached file changed in
// place, its size and modification time put back, is caught (by its
// change time and sampled blocks) and regenerated.
func TestEnsureCatchesSameSizeSameMtimeCorruption(t *testing.T) {
	for _, where := range []string{"middle", "first", "last"} {
		t.Run(where, func(t *testing.T) {
			cache := t.TempDir()
			e := entryFor(t, "realistic", 40, 5)
			path, err := Ensure(e, cache)
			require.NoError(t, err)
			want := generated(t, e)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			corrupt := bytes.Clone(want)
			i := map[string]int{"middle": len(want) / 2, "first": 1, "last": len(want) - 2}[where]
			corrupt[i] ^= 0x01
			require.NoError(t, os.WriteFile(path, corrupt, 0o644))
			require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
			fi2, err := os.Stat(path)
			require.NoError(t, err)
			require.Equal(t, fi.Size(), fi2.Size())
			require.True(t, fi.ModTime().Equal(fi2.ModTime()))

			_, err = Ensure(e, cache)
			require.NoError(t, err)
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, want, raw, "the corrupted cache was trusted")
		})
	}
}

func TestEnsureMismatchLeavesNoFile(t *testing.T) {
	cache := t.TempDir()
	e := entryFor(t, "chain", 30, 2)
	e.SHA256 = "00" + e.SHA256[2:]
	_, err := Ensure(e, cache)
	require.ErrorIs(t, err, ErrMismatch)
	assert.Contains(t, err.Error(), "chain-30-s2-g2: generated")
	assert.Contains(t, err.Error(), "update-manifest")
	assert.Empty(t, dirNames(t, cache), "no partial or temporary file may remain")

	_, err = Ensure(NewEntry("chain", 30, 2, 2), cache)
	assert.ErrorContains(t, err, "no sha256 in the manifest entry")
}

func TestVerify(t *testing.T) {
	cache := t.TempDir()
	e := entryFor(t, "ties", 25, 9)
	st, err := Verify(e, cache)
	require.NoError(t, err)
	assert.Equal(t, StatusMissing, st)

	_, err = Ensure(e, cache)
	require.NoError(t, err)
	st, err = Verify(e, cache)
	require.NoError(t, err)
	assert.Equal(t, StatusOK, st)

	// Same size, one byte changed: only a re-hash notices.
	path := filepath.Join(cache, e.FileName())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	raw[len(raw)/2] ^= 1
	fi, _ := os.Stat(path)
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
	st, err = Verify(e, cache)
	require.NoError(t, err)
	assert.Equal(t, StatusMismatch, st)
}

func TestEnsureStandard(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(CacheEnv, cache)

	// Not in the manifest: generated, cached, reused.
	path, err := EnsureStandard("many-accounts", 30, 7)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(cache, "many-accounts-30-s7-g2.json"), path, "the manifest's generator version")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, generated(t, NewEntry("many-accounts", 30, 7, 2)), raw)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, old, old))
	_, sum, err := HashFile(path)
	require.NoError(t, err)
	require.NoError(t, writeStamp(path, sum))
	_, err = EnsureStandard("many-accounts", 30, 7)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(old), "unlisted dataset regenerated although cached")

	// In the manifest: verified against it.
	path, err = EnsureStandard("", 200, 1)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(cache, "realistic-200-s1-g2.json"), path)
	e, _ := repoManifest(t).ByName("realistic-200-s1-g2")
	size, sum, err := HashFile(path)
	require.NoError(t, err)
	assert.Equal(t, e.Bytes, size)
	assert.Equal(t, e.SHA256, sum)

	_, err = EnsureStandard("nope", 10, 1)
	assert.ErrorIs(t, err, generators.ErrUnknownShape)
}

func TestUpdateManifest(t *testing.T) {
	cache := t.TempDir()
	ladder := []Entry{NewEntry("realistic", 20, 1, 2), NewEntry("dense", 20, 1, 2)}
	var calls []string
	m, err := UpdateManifest(context.Background(), ladder, 2, cache, func(e Entry, done int) {
		if done == 0 {
			calls = append(calls, e.Name)
		}
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"realistic-20-s1-g2", "dense-20-s1-g2"}, calls)
	assert.Equal(t, 2, m.Version())
	assert.Equal(t, []Entry{entryFor(t, "realistic", 20, 1), entryFor(t, "dense", 20, 1)}, m.Datasets)
	for _, e := range m.Datasets {
		st, err := Verify(e, cache)
		require.NoError(t, err)
		assert.Equal(t, StatusOK, st, e.Name)
	}
}

func TestGenerateFileRefusesNonRegularTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(target, 0o755))
	_, _, err := GenerateFile(target, generators.Config{Findings: 1, Seed: 1}, nil)
	assert.ErrorContains(t, err, "not a regular file")
	fi, err := os.Stat(target)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.Equal(t, []string{"sub"}, dirNames(t, dir))
}

// TestStopsWhenCancelled: verifying and regenerating stop when their
// context has ended, with ctx's error and no partial file in the cache.
func TestStopsWhenCancelled(t *testing.T) {
	cache := t.TempDir()
	e := entryFor(t, "ties", 25, 9)
	_, err := Ensure(e, cache)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = VerifyContext(ctx, e, cache)
	assert.ErrorIs(t, err, context.Canceled)

	fresh := t.TempDir()
	m, err := UpdateManifest(ctx, []Entry{NewEntry("realistic", 20, 1, 2)}, 2, fresh, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, m)
	assert.Empty(t, dirNames(t, fresh), "no partial or temporary file may remain")
}
