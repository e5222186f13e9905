// Package enginetest is the one conformance kit every engine's tests use:
// Vectors and ListVectors run every vector of datasets/vectors through an
// engine and compare its answers with the expected documents (RFC 8785
// canonical forms) or error keys (code, index, field). The Go engines,
// rust-ffi, rust-cli, exec:COMMAND and ffi:PATH engines are all checked by
// the same two functions; Check compares one answer.
package enginetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
)

// Vectors runs every attack-path vector of datasets/vectors (paths and
// regressions) through e, one subtest per vector.
func Vectors(t *testing.T, e engines.Engine) {
	t.Helper()
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vs, err := datasets.LoadVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vs, "no vectors under %s", dir)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			out, err := e.AttackPaths(context.Background(), v.Input, v.Options)
			Check(t, v, out, err)
		})
	}
}

// ListVectors runs every list vector through e, which must implement
// engines.Lister.
func ListVectors(t *testing.T, e engines.Engine) {
	t.Helper()
	lister, ok := e.(engines.Lister)
	require.True(t, ok, "%s does not implement engines.Lister", e.Name())
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vs, err := datasets.LoadListVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vs, "no list vectors under %s", dir)
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			out, err := lister.List(context.Background(), v.Input, v.Query)
			Check(t, v, out, err)
		})
	}
}

// Check compares an engine's answer with the vector's: errors on code,
// index and field (and no partial output); outputs on their JCS canonical
// form, shown indented as a line diff when they differ.
func Check(t *testing.T, v datasets.Vector, out []byte, err error) {
	t.Helper()
	if v.ExpectedError != nil {
		want := (&engines.Error{Doc: *v.ExpectedError}).Key()
		var engErr *engines.Error
		require.True(t, errors.As(err, &engErr), "%s: want error %s, got output %.300s (err %v)", v.Dir, want, out, err)
		assert.Equal(t, want, engErr.Key(), "%s: message %s", v.Dir, engErr.Doc.Message)
		assert.Nil(t, out, "no partial output with an error")
		return
	}
	require.NoError(t, err, v.Dir)
	want, err := jcs.Transform(v.Expected)
	require.NoError(t, err, "%s: canonicalizing expected.json", v.Dir)
	got, err := jcs.Transform(out)
	require.NoError(t, err, "%s: the engine's output is not canonicalisable JSON: %.300s", v.Dir, out)
	if !bytes.Equal(want, got) {
		assert.Equal(t, indent(t, want), indent(t, got), "output differs from %s/expected.json", v.Dir)
	}
}

// Pipeline is the body of every engine's pipeline benchmark: one
// attack-path call of e, findings bytes in to output bytes out, on the
// realistic dataset of n findings (seed 1, generated into the cache when
// missing) with the default options. SetBytes is the input size, so MB/s
// is input throughput.
func Pipeline(b *testing.B, e engines.Engine, n int) {
	path, err := datasets.EnsureStandard("realistic", n, datasets.StandardSeed)
	if err != nil {
		b.Fatal(err)
	}
	input, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	opt := engines.DefaultOptions()
	ctx := context.Background()
	// Two untimed warm-up calls (b.Loop starts the clock at its first
	// call, and every sample is a fresh process): a process's first calls
	// pay for thread pools, allocator arenas and page faults that later
	// calls do not, and Criterion's warm-up keeps them out of the native
	// Rust figures; rust-ffi tunes malloc after its first call, so its
	// second is the first tuned one.
	for range 2 {
		if _, err := e.AttackPaths(ctx, input, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.AttackPaths(ctx, input, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func indent(t *testing.T, canonical []byte) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, canonical, "", "  "))
	return b.String()
}

// ViaFile returns e (an engines.FileEngine) as an engine that runs on
// bytes the way `paths --in` runs it on a file: the bytes are written to a
// file in dir, whose path e gets (engines.AttackPathsFile), so Vectors
// checks e's file path. An engine that does not read files itself answers
// os.ErrInvalid, which fails every vector.
func ViaFile(e engines.Engine, dir string) engines.Engine {
	return viaFile{e, dir}
}

type viaFile struct {
	engines.Engine
	dir string
}

func (v viaFile) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if _, ok := v.Engine.(engines.FileEngine); !ok {
		return nil, os.ErrInvalid // the test would not test the file path
	}
	path := filepath.Join(v.dir, "findings.json")
	if err := os.WriteFile(path, findings, 0o644); err != nil {
		return nil, err
	}
	return engines.AttackPathsFile(ctx, v.Engine, path, opt, func(string) ([]byte, error) {
		return nil, os.ErrInvalid // a regular file never takes this path
	})
}
