// Package ffiengine registers the engine "ffi": "ffi:PATH" loads, at run
// time, a shared library exporting the engine C ABI of engines/SPEC.md
// section 9 (rust/libaegispath/include/aegispath.h) and calls it
// in-process over cgo, exactly as the linked "rust-ffi" engine calls
// libaegispath.
//
// Loading follows the habits of CosmWasm's wasmvm: the library is opened
// with dlopen (RTLD_NOW | RTLD_LOCAL) by absolute path, its ABI version is
// checked before any other call, every call returns a status code with an
// error buffer, and every buffer the library returns is copied into Go
// memory and handed back to the library's own free call. A library is
// never unloaded (a Rust library's threads and thread-local destructors
// may outlive any call).
//
// Loading errors name the file and what is wrong: missing, not a shared
// library, a required symbol missing, another ABI version. A build without
// cgo gets a stub whose engine is unavailable, so the module builds
// without a C toolchain.
package ffiengine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// ABIVersion is the version of the engine C ABI this harness speaks
// (AEGIS_ABI_VERSION of aegispath.h).
const ABIVersion = 1

// Required are the symbols every engine library exports; Optional those
// it may export (the list operation, and the boundary-cost calls the
// benchmarks measure).
var (
	Required = []string{"aegis_abi_version", "aegis_attack_paths", "aegis_free", "aegis_version"}
	Optional = []string{"aegis_list_findings", "aegis_attack_paths_file", "aegis_attack_paths_file_timed", "aegis_echo", "aegis_noop"}
)

// ErrLoad is wrapped by every error of Load: the library could not be
// used, whatever its answers would have been.
var ErrLoad = errors.New("cannot load engine library")

// ErrNotExported is wrapped by a call of an optional symbol the library
// does not export.
var ErrNotExported = errors.New("the library does not export this optional call")

func init() {
	engines.Register("ffi",
		"any shared library exporting the engine C ABI (engines/SPEC.md section 9), loaded at run time: ffi:PATH",
		func(arg string) (engines.Engine, error) {
			if strings.TrimSpace(arg) == "" {
				return nil, errors.New("needs a library: ffi:PATH")
			}
			e, err := Open(arg)
			if err != nil {
				// A library that cannot be loaded is an engine that cannot
				// run here: exit 1 in every command, not a usage error.
				return nil, engines.Unavailable(err)
			}
			return e, nil
		},
		available)
}

// Open loads the library at path and returns it as the engine
// "ffi:PATH" (PATH as given). The engine also implements engines.Lister
// when the library exports aegis_list_findings, and engines.FileEngine
// when it exports aegis_attack_paths_file or aegis_attack_paths_file_timed
// (the library then reads a findings file itself, as rust-ffi does).
func Open(path string) (engines.Engine, error) {
	lib, err := Load(path)
	if err != nil {
		return nil, err
	}
	e := &Engine{name: "ffi:" + path, lib: lib}
	lists := lib.Has("aegis_list_findings")
	files := lib.Has("aegis_attack_paths_file") || lib.Has("aegis_attack_paths_file_timed")
	switch {
	case lists && files:
		return listFileEngine{&listEngine{e}}, nil
	case lists:
		return &listEngine{e}, nil
	case files:
		return fileEngine{e}, nil
	}
	return e, nil
}

// Load opens the shared library at path and checks it: the file exists
// and is a regular file, it loads, it exports every Required symbol, and
// its aegis_abi_version() is ABIVersion. Every error wraps ErrLoad and
// names the file.
func Load(path string) (*Library, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrLoad, path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w %s: no such file", ErrLoad, path)
	case err != nil:
		return nil, fmt.Errorf("%w %s: %v", ErrLoad, path, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%w %s: not a regular file", ErrLoad, path)
	}
	lib, err := load(abs)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrLoad, path, err)
	}
	lib.path = path
	return lib, nil
}

// Engine is a loaded library as an engine.
type Engine struct {
	name string
	lib  *Library
}

type listEngine struct{ *Engine }

// fileEngine and listFileEngine are engines whose library also exports
// a file entry point (aegis_attack_paths_file or its _timed form).
type (
	fileEngine     struct{ *Engine }
	listFileEngine struct{ *listEngine }
)

// Name returns "ffi:PATH".
func (e *Engine) Name() string { return e.name }

// Version returns the library's version string (its aegis_version()).
func (e *Engine) Version() string { return e.lib.Version() }

// Library returns the loaded library (its boundary-cost calls).
func (e *Engine) Library() *Library { return e.lib }

// AttackPaths calls the library's aegis_attack_paths, one StageEngine. A
// call cannot be interrupted once made, so ctx is checked only before it.
func (e *Engine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	defer func() { engines.TimingsFrom(ctx).Since(engines.StageEngine, start) }()
	return e.lib.AttackPaths(findings, int64(opt.MaxDepth), int64(opt.TopK))
}

// attackPathsFile calls the library's file entry point on the findings
// file at path, recording the stages it reports (one StageEngine when it
// reports none). ctx is checked only before the call.
func (e *Engine) attackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	out, stages, err := e.lib.AttackPathsFile(path, int64(opt.MaxDepth), int64(opt.TopK))
	if t := engines.TimingsFrom(ctx); stages == (aegispath.FileStages{}) {
		t.Since(engines.StageEngine, start)
	} else {
		stages.Record(t)
	}
	if errors.Is(err, aegispath.ErrIO) {
		return nil, fmt.Errorf("reading the findings: %w", err)
	}
	return out, err
}

// AttackPathsFile calls the library's file entry point (engines.FileEngine).
func (e fileEngine) AttackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	return e.attackPathsFile(ctx, path, opt)
}

// AttackPathsFile calls the library's file entry point (engines.FileEngine).
func (e listFileEngine) AttackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	return e.attackPathsFile(ctx, path, opt)
}

// List calls the library's aegis_list_findings. ctx is checked only
// before the call.
func (e *listEngine) List(ctx context.Context, findings []byte, query []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.lib.ListFindings(findings, query)
}

var (
	_ engines.Lister     = (*listEngine)(nil)
	_ engines.FileEngine = fileEngine{}
	_ engines.Lister     = listFileEngine{}
	_ engines.FileEngine = listFileEngine{}
)

// LibraryFile is the file name of the shared library of a crate or
// library called name on this system: libNAME.so, or libNAME.dylib on
// macOS.
func LibraryFile(name string) string {
	if runtime.GOOS == "darwin" {
		return "lib" + name + ".dylib"
	}
	return "lib" + name + ".so"
}
