//go:build cgo && rustffi

package ffiengine_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
	"github.com/aegisbench/aegisbench/engines/ffiengine"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// crateLibrary returns this repository's shared library built by `make
// build` (target/release/libaegispath.so). A rustffi build presumes make
// build, so a missing library fails the test.
func crateLibrary(t *testing.T) string {
	t.Helper()
	root, err := reporoot.Find()
	require.NoError(t, err)
	lib := filepath.Join(root, "target", "release", ffiengine.LibraryFile("aegispath"))
	if _, err := os.Stat(lib); err != nil {
		t.Fatalf("%v (run make build)", err)
	}
	return lib
}

// TestCrateLibraryPassesTheKit: the crate's shared library, loaded at run
// time, answers every vector and list vector as expected, and is the same
// build as the linked rust-ffi.
func TestCrateLibraryPassesTheKit(t *testing.T) {
	e, err := engines.Open("ffi:" + crateLibrary(t))
	require.NoError(t, err)
	assert.Equal(t, aegispath.Version(), engines.VersionOf(e))
	t.Run("vectors", func(t *testing.T) { enginetest.Vectors(t, e) })
	t.Run("list", func(t *testing.T) { enginetest.ListVectors(t, e) })
	t.Run("vectors-file", func(t *testing.T) { enginetest.Vectors(t, enginetest.ViaFile(e, t.TempDir())) })
	_, lists := e.(engines.Lister)
	assert.True(t, lists, "exports aegis_list_findings: a Lister")
	fe, files := e.(engines.FileEngine)
	require.True(t, files, "exports aegis_attack_paths_file: a FileEngine")
	missing := filepath.Join(t.TempDir(), "missing.json")
	_, err = fe.AttackPathsFile(context.Background(), missing, engines.DefaultOptions())
	assert.ErrorIs(t, err, aegispath.ErrIO, "the library opens the file itself")
	assert.ErrorContains(t, err, "reading the findings")

	// The stages come from aegis_attack_paths_file_timed.
	file := filepath.Join(t.TempDir(), "findings.json")
	finding := `{"id":"a","aws_account_id":"1","severity_normalized":40,"workflow_status":"NEW","resource_id":"r","vpc_id":"v","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"RESTRICTED","epss_e5":97,"mitre_tactic_id":"TA0001"}`
	require.NoError(t, os.WriteFile(file, []byte("["+finding+"]"), 0o644))
	var tm engines.Timings
	_, err = fe.AttackPathsFile(engines.WithTimings(context.Background(), &tm), file, engines.DefaultOptions())
	require.NoError(t, err)
	var stages []string
	for _, s := range tm.Stages {
		stages = append(stages, s.Name)
	}
	assert.Equal(t, []string{engines.StageReadValidate, engines.StageCompute, engines.StageEncode}, stages)

	lib := e.(interface{ Library() *ffiengine.Library }).Library()
	require.NoError(t, lib.Noop())
	in := bytes.Repeat([]byte("echo"), 1000)
	out, err := lib.Echo(in)
	require.NoError(t, err)
	assert.Equal(t, in, out)
}

// TestRustPanicIsContained: a Rust panic inside a loaded library (the
// test-hooks build of the crate, which exports aegis_panic_for_test)
// comes back as an error wrapping ErrInternal, and the library still
// works afterwards.
func TestRustPanicIsContained(t *testing.T) {
	root, err := reporoot.Find()
	require.NoError(t, err)
	cmd := exec.Command("cargo", "build", "--locked", "-p", "libaegispath", "--lib", "--features", "test-hooks")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cargo build --features test-hooks: %v\n%s", err, b)
	}
	lib, err := ffiengine.Load(filepath.Join(root, "target", "debug", ffiengine.LibraryFile("aegispath")))
	require.NoError(t, err)
	for range 3 {
		err := ffiengine.PanicForTest(lib)
		require.ErrorIs(t, err, aegispath.ErrInternal)
		assert.ErrorContains(t, err, "deliberate panic")
	}
	out, err := lib.AttackPaths([]byte("[]"), 4, 20)
	require.NoError(t, err)
	assert.Contains(t, string(out), "aegis.attackpaths.v1")
}
