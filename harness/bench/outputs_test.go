package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	_ "github.com/aegisbench/aegisbench/engines/goengine"
	_ "github.com/aegisbench/aegisbench/engines/process"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/conform"
)

// writeDataset generates n realistic findings with seed into dir.
func writeDataset(t *testing.T, dir string, n int, seed uint64) Dataset {
	var b bytes.Buffer
	require.NoError(t, generators.Generate(&b, generators.Config{Findings: n, Seed: seed, Shape: "realistic"}))
	name := fmt.Sprintf("realistic-%d-s%d", n, seed)
	path := filepath.Join(dir, name+".json")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return Dataset{Name: name, Path: path, Findings: n}
}

// TestOutputDigests: the Go engine and its oracle give the same document,
// so one answer names both; its digest is conform's digest of the
// canonical output; another dataset gives another digest; an engine that
// fails is an error naming it and the dataset.
func TestOutputDigests(t *testing.T) {
	dir := t.TempDir()
	d1, d2 := writeDataset(t, dir, 60, 1), writeDataset(t, dir, 60, 2)
	opt := engines.DefaultOptions()
	got, err := OutputDigests(context.Background(), []string{"go", "go-naive"}, []Dataset{d1, d2}, opt, 1<<30)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i, d := range []Dataset{d1, d2} {
		assert.Equal(t, d.Name, got[i].Dataset)
		require.True(t, got[i].Agree(), "%+v", got[i])
		assert.Equal(t, []string{"go", "go-naive"}, got[i].Answers[0].Engines)
		data, err := os.ReadFile(d.Path)
		require.NoError(t, err)
		e, err := engines.Open("go")
		require.NoError(t, err)
		want := conform.Execute(context.Background(), e, data, opt)
		require.Equal(t, conform.KindOutput, want.Kind)
		assert.Equal(t, want.Digest, got[i].DigestOf("go"))
	}
	assert.NotEqual(t, got[0].DigestOf("go"), got[1].DigestOf("go"))
	assert.Empty(t, got[0].DigestOf("rust-cli"), "an engine not run has no digest")

	_, err = OutputDigests(context.Background(), []string{"go", "exec:false"}, []Dataset{d1}, opt, 1<<30)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output digests of "+d1.Path+": engine exec-false failed: ")
	assert.Equal(t, 1, strings.Count(err.Error(), "engine "), err.Error())
}

// TestOutputConfigRoundTrip: an output config line reads back to the same
// answers; malformed values are refused with the key.
func TestOutputConfigRoundTrip(t *testing.T) {
	tests := []OutputDigest{
		{Dataset: "realistic-200-s1-g2", Options: engines.DefaultOptions(), Answers: []Answer{{Digest: "sha256:aa", Engines: []string{"go", "rust-ffi", "rust-cli"}}}},
		{Dataset: "mine", Options: engines.Options{MaxDepth: 6, TopK: 1}, Answers: []Answer{{Digest: "sha256:aa", Engines: []string{"go"}}, {Digest: "sha256:bb", Engines: []string{"rust-cli", "base"}}}},
	}
	for _, o := range tests {
		c := o.Config()
		back, ok, err := ParseOutputConfig(c.Key, string(c.Value))
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, o, back)
		assert.Equal(t, len(o.Answers) == 1, back.Agree())
	}
	_, ok, err := ParseOutputConfig("engine-go", "go")
	assert.False(t, ok)
	assert.NoError(t, err)
	for _, bad := range []string{"", "sha256:aa", "md5:aa engines=go", "sha256:aa engines="} {
		_, ok, err := ParseOutputConfig("output-x/d=4/k=20", bad)
		assert.True(t, ok)
		assert.ErrorContains(t, err, "config output-x/d=4/k=20", bad)
	}
	for _, bad := range []string{"output-x", "output-x/d=four/k=20"} {
		_, ok, err := ParseOutputConfig(bad, "sha256:aa engines=go")
		assert.True(t, ok)
		assert.ErrorContains(t, err, "config "+bad)
	}
}

// bytesOnly is the Go engine without its file path: an engine that only
// takes the document in memory (as rust-ffi does).
type bytesOnly struct{ engines.Engine }

func init() {
	engines.Register("test-bytes-only", "the go engine on bytes only (tests)", func(string) (engines.Engine, error) {
		e, err := engines.Open("go")
		return bytesOnly{e}, err
	}, nil)
}

// TestOutputDigestsLargeFiles: on a dataset larger than maxInput, an
// engine that streams files answers and one on bytes in memory is left
// out (not an error, not a read of the whole file).
func TestOutputDigestsLargeFiles(t *testing.T) {
	d := writeDataset(t, t.TempDir(), 40, 3)
	got, err := OutputDigests(context.Background(), []string{"go", "test-bytes-only"}, []Dataset{d}, engines.DefaultOptions(), 1000)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []Answer{{Digest: got[0].DigestOf("go"), Engines: []string{"go"}}}, got[0].Answers)

	got, err = OutputDigests(context.Background(), []string{"go", "test-bytes-only"}, []Dataset{d}, engines.DefaultOptions(), 1<<30)
	require.NoError(t, err)
	assert.Equal(t, []string{"go", "test-bytes-only"}, got[0].Answers[0].Engines, "within the limit both answer, alike")
}
