// Package reporoot finds the aegisbench repository root: the directory
// holding the go.mod of ModulePath, searched upward from the working
// directory. Commands and tests use it to find datasets/manifest.json, the
// cache, the Rust build and the Go packages they benchmark.
package reporoot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the Go module Find looks for.
const ModulePath = "github.com/aegisbench/aegisbench"

// Find returns the directory holding the aegisbench go.mod, searched upward
// from the working directory.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		raw, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && isModule(raw) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root not found: no go.mod of module " + ModulePath + " in the working directory or above")
		}
		dir = parent
	}
}

func isModule(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1] == ModulePath
		}
	}
	return false
}
