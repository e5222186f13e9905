package atomicfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name    string
		write   func(path string, data []byte) error
		path    string // relative to a fresh temporary directory
		wantErr bool
	}{
		{name: "existing directory", write: WriteFile, path: "out.md"},
		{name: "missing directory", write: WriteFile, path: "missing/out.md", wantErr: true},
		{name: "mkdir existing directory", write: WriteFileMkdirAll, path: "out.md"},
		{name: "mkdir missing directories", write: WriteFileMkdirAll, path: "a/b/out.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.path)
			err := tt.write(path, []byte("one"))
			if tt.wantErr {
				require.Error(t, err)
				_, statErr := os.Stat(path)
				assert.ErrorIs(t, statErr, os.ErrNotExist)
				return
			}
			require.NoError(t, err)
			require.NoError(t, tt.write(path, []byte("two")))
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "two", string(got))
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
			entries, err := os.ReadDir(filepath.Dir(path))
			require.NoError(t, err)
			require.Len(t, entries, 1, "no temporary file left behind")
			assert.Equal(t, "out.md", entries[0].Name())
		})
	}
}

func TestWriteFileKeepsTargetOnError(t *testing.T) {
	dir := t.TempDir()
	// A file cannot be renamed over a non-empty directory: the rename fails
	// after the temporary file was written and closed.
	target := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(target, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(target, "keep"), []byte("old"), 0o644))
	require.Error(t, WriteFile(target, []byte("new")))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary file removed")
	assert.Equal(t, "sub", entries[0].Name())
	assert.True(t, entries[0].IsDir())
	got, err := os.ReadFile(filepath.Join(target, "keep"))
	require.NoError(t, err)
	assert.Equal(t, "old", string(got))
}

// TestWriteOutput: stdout for "" and "-", straight into a device, else a
// whole file replacing the old one (no temporary file left).
func TestWriteOutput(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(existing, []byte("old contents, longer than the new"), 0o644))
	tests := []struct {
		name, path string
		stdout     bool
	}{
		{"empty is stdout", "", true},
		{"dash is stdout", "-", true},
		{"device", os.DevNull, false},
		{"new file", filepath.Join(dir, "new.json"), false},
		{"replaced file", existing, false},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		require.NoError(t, WriteOutput(&out, tt.path, []byte("{}\n")), tt.name)
		if tt.stdout {
			assert.Equal(t, "{}\n", out.String(), tt.name)
			continue
		}
		assert.Empty(t, out.String(), tt.name)
		if tt.path != os.DevNull {
			got, err := os.ReadFile(tt.path)
			require.NoError(t, err)
			assert.Equal(t, "{}\n", string(got), tt.name)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	assert.Empty(t, left)
	assert.Error(t, WriteOutput(&bytes.Buffer{}, filepath.Join(dir, "missing", "x.json"), nil))
}

// TestWriteFilePerm: a private file is private.
func TestWriteFilePerm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mapping.tsv")
	require.NoError(t, WriteFilePerm(path, []byte("a\tb\n"), 0o600))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
