//go:build !cgo

package ffiengine

import (
	"errors"

	aegispath "github.com/aegisbench/aegisbench/rust"
)

// errNoCgo is why a build without cgo cannot load libraries.
var errNoCgo = errors.New("ffi:PATH engines need a build with cgo (CGO_ENABLED=1)")

// available reports why this build cannot load libraries.
func available() error { return errNoCgo }

// Library is a loaded engine library; a build without cgo cannot load
// one, so its calls are never reached.
type Library struct {
	path string
}

func load(string) (*Library, error) { return nil, errNoCgo }

// Path returns the library's path as given to Load.
func (l *Library) Path() string { return l.path }

// Has reports false: nothing is loaded.
func (l *Library) Has(string) bool { return false }

// Version returns "".
func (l *Library) Version() string { return "" }

// AttackPaths returns the reason this build cannot load libraries.
func (l *Library) AttackPaths([]byte, int64, int64) ([]byte, error) { return nil, errNoCgo }

// AttackPathsFile returns the reason this build cannot load libraries.
func (l *Library) AttackPathsFile(string, int64, int64) ([]byte, aegispath.FileStages, error) {
	return nil, aegispath.FileStages{}, errNoCgo
}

// ListFindings returns the reason this build cannot load libraries.
func (l *Library) ListFindings([]byte, []byte) ([]byte, error) { return nil, errNoCgo }

// Echo returns the reason this build cannot load libraries.
func (l *Library) Echo([]byte) ([]byte, error) { return nil, errNoCgo }

// Noop returns the reason this build cannot load libraries.
func (l *Library) Noop() error { return errNoCgo }
