package housekeeping

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// sourceFiles lists the repository's Go and Rust files, skipping build
// output and fuzz corpora.
func sourceFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "target", "bin", "out", "cache", "testdata", "tools", ".aegisbench":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".rs") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
