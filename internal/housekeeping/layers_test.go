package housekeeping

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/aegisbench/aegisbench/"

// layers is the import direction of the house, lowest first: a package may
// import packages of its own layer or of a lower one, never of a higher one
// (README, "Architecture"). The longest matching prefix decides a
// package's layer.
var layers = []struct {
	prefix string
	rank   int
}{
	{"internal/", 0},          // small shared helpers
	{"generators", 1},         // synthetic findings
	{"engines", 2},            // the engine contract (Engine, Options, error documents)
	{"datasets", 3},           // manifest, cache, vectors, profiles, anonymizer
	{"engines/", 4},           // the engines: Go, process, Rust over FFI, any ffi: library
	{"rust", 4},               // the cgo bridge to libaegispath
	{"harness/", 5},           // results, stats, bench, conform, gate, history, ...
	{"reports", 6},            // markdown, plots, baselines
	{"harness/baselines", 6},  // writes reports/baselines from CI artifacts
	{"harness/gaterun", 6},    // the gate command's runs, rendered by reports
	{"harness/historyrun", 6}, // the history command's work, rendered by reports
	{"harness/mainjob", 6},    // the main job: datasets, conform, bench, history, report
	{"harness/cli", 7},        // the command line: flags, then library calls
	{"harness/cmdline", 7},    // what every command shares: exit codes, flags, limits
	{"harness/pathscmd", 7},   // the paths command (aegisbench paths, aegispaths)
	{"cmd/", 8},               // main
}

func rank(pkg string) int {
	best, bestLen := -1, -1
	for _, l := range layers {
		match := pkg == l.prefix || strings.HasPrefix(pkg, l.prefix) && (strings.HasSuffix(l.prefix, "/") || strings.HasPrefix(pkg[len(l.prefix):], "/"))
		if match && len(l.prefix) > bestLen {
			best, bestLen = l.rank, len(l.prefix)
		}
	}
	return best
}

// TestImportDirection fails when a package imports one that sits above
// it in layers. In-package test files count; external test packages
// (package x_test) may wire a higher layer's concrete engine into the
// library they test, as an integration test does.
func TestImportDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := 0
	for _, path := range sourceFiles(t, root) {
		if !strings.HasSuffix(path, ".go") {
			continue
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		from := rank(pkg)
		if from < 0 {
			t.Errorf("%s: package %s is in no layer: add it to layers and to the README", path, pkg)
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name.Name, "_test") {
			continue
		}
		for _, imp := range f.Imports {
			target, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(target, module) {
				continue
			}
			seen++
			target = strings.TrimPrefix(target, module)
			if to := rank(target); to > from {
				t.Errorf("%s imports %s: layer %d reaches up to layer %d", path, target, from, to)
			}
		}
	}
	if seen < 50 {
		t.Fatalf("only %d imports of this module found: the walk is broken", seen)
	}
}
