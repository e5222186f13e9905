//go:build cgo

package ffiengine_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/ffiengine"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// buildFake compiles testdata/fake.c with extra cc flags into a shared
// library in dir.
func buildFake(t *testing.T, dir, name string, flags ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	args := append([]string{"-shared", "-fPIC", "-o", out, filepath.Join("testdata", "fake.c")}, flags...)
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "cc"
	}
	if b, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", cc, args, err, b)
	}
	return out
}

// TestLoadErrors: every way a library can be unusable is an error that
// names the file and what is wrong, through Load and through the
// registry (where it is an unavailable engine: exit 1 in the commands).
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.so")
	require.NoError(t, os.WriteFile(text, []byte("not a library\n"), 0o644))
	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing file", filepath.Join(dir, "nope.so"), []string{"no such file"}},
		{"directory", dir, []string{"not a regular file"}},
		{"not a library", text, []string{"not a shared library this system can load"}},
		{"missing symbol", buildFake(t, dir, "nofree.so", "-DOMIT_FREE"),
			[]string{"does not export aegis_free", "engines/SPEC.md section 9"}},
		{"wrong ABI version", buildFake(t, dir, "abi2.so", "-DABI=2"),
			[]string{"implements engine C ABI version 2, this harness speaks version 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ffiengine.Load(tt.path)
			require.Error(t, err)
			assert.ErrorIs(t, err, ffiengine.ErrLoad)
			assert.ErrorContains(t, err, "cannot load engine library "+tt.path+": ")
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			_, err = engines.Open("ffi:" + tt.path)
			require.Error(t, err)
			assert.ErrorIs(t, err, engines.ErrUnavailable)
			assert.ErrorContains(t, err, tt.path)
		})
	}
}

// TestCallsAndStatuses: a C library loaded at run time; every status maps
// to its result, and every buffer it returned went back to its free call.
func TestCallsAndStatuses(t *testing.T) {
	path := buildFake(t, t.TempDir(), "fake.so")
	e, err := engines.Open("ffi:" + path)
	require.NoError(t, err)
	assert.Equal(t, "ffi:"+path, e.Name())
	assert.Equal(t, "fake 1.0 frees=0", engines.VersionOf(e))
	_, lists := e.(engines.Lister)
	assert.False(t, lists, "no aegis_list_findings: not a Lister")
	_, files := e.(engines.FileEngine)
	assert.False(t, files, "no aegis_attack_paths_file: not a FileEngine")
	ctx := context.Background()

	out, err := e.AttackPaths(ctx, []byte("[]"), engines.Options{MaxDepth: 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"schema":"aegis.attackpaths.v1","accounts":[]}`, string(out))

	_, err = e.AttackPaths(ctx, nil, engines.Options{MaxDepth: 2})
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "code=invalid_json index=- field=-", ee.Key())

	_, err = e.AttackPaths(ctx, nil, engines.Options{MaxDepth: 3})
	assert.ErrorIs(t, err, aegispath.ErrInternal)
	assert.ErrorContains(t, err, "fake panicked")
	assert.False(t, errors.As(err, &ee), "an internal error is not bad input")

	_, err = e.AttackPaths(ctx, nil, engines.Options{MaxDepth: 4})
	assert.ErrorIs(t, err, aegispath.ErrInternal)
	assert.ErrorContains(t, err, "unknown status 42")

	assert.Equal(t, "fake 1.0 frees=3", engines.VersionOf(e), "each returned buffer freed once")

	// A call on bytes is one engine stage in --timings.
	var tm engines.Timings
	_, err = e.AttackPaths(engines.WithTimings(ctx, &tm), []byte("[]"), engines.Options{MaxDepth: 1})
	require.NoError(t, err)
	require.Len(t, tm.Stages, 1)
	assert.Equal(t, engines.StageEngine, tm.Stages[0].Name)

	lib := e.(*ffiengine.Engine).Library()
	_, err = lib.ListFindings(nil, nil)
	assert.ErrorIs(t, err, ffiengine.ErrNotExported)
	assert.ErrorIs(t, lib.Noop(), ffiengine.ErrNotExported)
	_, _, err = lib.AttackPathsFile("findings.json", 4, 20)
	assert.ErrorIs(t, err, ffiengine.ErrNotExported)
}
