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
			rel, _ := filepath.Rel(root, path)
			switch {
			case d.Name() == ".git", d.Name() == "target", d.Name() == "testdata":
				return filepath.SkipDir
			case rel == "bin", rel == "out", rel == "tools", rel == ".aegisbench", rel == filepath.Join("datasets", "cache"):
				return filepath.SkipDir // build output and generated data at the root
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
