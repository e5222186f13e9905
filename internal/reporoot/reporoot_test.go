package reporoot

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFind(t *testing.T) {
	root, err := Find()
	require.NoError(t, err)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	assert.True(t, isModule(gomod))
	assert.FileExists(t, filepath.Join(root, "internal", "reporoot", "reporoot.go"))
	assert.False(t, isModule([]byte("module example.com/other\n")))

	t.Chdir(t.TempDir())
	_, err = Find()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "repository root not found")
}
