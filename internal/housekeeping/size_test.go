package housekeeping

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	// MaxFuncLines is the longest Go function (body included) allowed
	// without a "Long:" line in its doc comment saying why.
	MaxFuncLines = 80
	// MaxFileLines is the longest source file allowed without a "Long
	// file:" comment in its first 30 lines saying why (a Rust file's
	// unit-test module does not count).
	MaxFileLines = 500
)

func TestFileAndFunctionSizes(t *testing.T) {
	root := filepath.Join("..", "..")
	files := sourceFiles(t, root)
	if len(files) < 50 {
		t.Fatalf("found only %d source files under %s", len(files), root)
	}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, path)
		checkFileSize(t, rel, string(raw))
		// Test functions are exempt from the function rule: a table-driven
		// test is long by its table.
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			checkGoFunctions(t, rel, raw)
		}
	}
}

func checkFileSize(t *testing.T, name, text string) {
	if strings.HasSuffix(name, ".rs") {
		// A Rust file's unit tests live in it (#[cfg(test)] mod tests), as
		// Go's live in _test.go files: only the code before them counts.
		if i := strings.Index(text, "\n#[cfg(test)]\nmod tests"); i >= 0 {
			text = text[:i+1]
		}
	}
	lines := strings.Count(text, "\n")
	if lines <= MaxFileLines {
		return
	}
	head := strings.SplitN(text, "\n", 31)
	if strings.Contains(strings.Join(head[:min(30, len(head))], "\n"), "Long file:") {
		return
	}
	t.Errorf("%s: %d lines (over %d) and no \"Long file:\" reason in its first 30 lines", name, lines, MaxFileLines)
}

func checkGoFunctions(t *testing.T, name string, src []byte) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		start, end := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
		if end-start+1 <= MaxFuncLines {
			continue
		}
		if fn.Doc != nil && strings.Contains(fn.Doc.Text(), "Long:") {
			continue
		}
		t.Errorf("%s:%d: func %s is %d lines (over %d) and its doc comment gives no \"Long:\" reason",
			name, start, fn.Name.Name, end-start+1, MaxFuncLines)
	}
}
