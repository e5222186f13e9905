package rustengine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

func TestRegistered(t *testing.T) {
	names := engines.Names()
	assert.Contains(t, names, "rust-ffi")
	assert.Contains(t, names, "rust-cli")
	assert.NotEmpty(t, engines.Doc("rust-ffi"))
	assert.NotEmpty(t, engines.Doc("rust-cli"))
}

func TestFFIAvailabilityFollowsBuild(t *testing.T) {
	err := engines.Available("rust-ffi")
	if aegispath.Available() == nil {
		require.NoError(t, err)
		e, err := engines.Open("rust-ffi")
		require.NoError(t, err)
		assert.Equal(t, "rust-ffi", e.Name())
		assert.Implements(t, (*engines.Lister)(nil), e)
		return
	}
	require.ErrorIs(t, err, engines.ErrUnavailable)
	assert.ErrorContains(t, err, "built without cgo and the rustffi tag (make build)")
	_, err = engines.Open("rust-ffi")
	assert.ErrorContains(t, err, `engine "rust-ffi" unavailable: libaegispath not linked`)
}

func TestBinaryPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "aegispath")
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755))
	plain := filepath.Join(dir, "plain")
	require.NoError(t, os.WriteFile(plain, []byte("x"), 0o644))

	tests := []struct {
		name    string
		bin     string
		wantErr string
	}{
		{"executable", exe, ""},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"not executable", plain, "is not executable"},
		{"directory", dir, "is not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(BinaryEnv, tt.bin)
			got, err := BinaryPath()
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.bin, got)
				require.NoError(t, engines.Available("rust-cli"))
				e, err := engines.Open("rust-cli")
				require.NoError(t, err)
				assert.Equal(t, "rust-cli", e.Name())
				return
			}
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.ErrorContains(t, err, "make build")
			assert.ErrorIs(t, engines.Available("rust-cli"), engines.ErrUnavailable)
		})
	}
}

// TestFFIFileStages: rust-ffi on a file records the library's own stages
// (read+validate, compute, encode, as aegispath reports them), and only
// read+validate for a document refused while reading.
func TestFFIFileStages(t *testing.T) {
	e := requireFFI(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`[{"id":"a","aws_account_id":"111111111111","severity_normalized":40,"workflow_status":"NEW","resource_id":"r-a","vpc_id":"vpc-1","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"RESTRICTED","epss_e5":97,"mitre_tactic_id":"TA0001"}]`), 0o644))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[1]`), 0o644))

	tests := []struct {
		path   string
		stages []string
	}{
		{good, []string{engines.StageReadValidate, engines.StageCompute, engines.StageEncode}},
		{bad, []string{engines.StageReadValidate}},
	}
	for _, tt := range tests {
		var tm engines.Timings
		ctx := engines.WithTimings(context.Background(), &tm)
		_, err := e.(engines.FileEngine).AttackPathsFile(ctx, tt.path, engines.DefaultOptions())
		if tt.path == bad {
			var ee *engines.Error
			require.ErrorAs(t, err, &ee)
		} else {
			require.NoError(t, err)
		}
		var names []string
		for _, s := range tm.Stages {
			names = append(names, s.Name)
			assert.Positive(t, s.D, "%s %s", tt.path, s.Name)
		}
		assert.Equal(t, tt.stages, names, tt.path)
	}
}
