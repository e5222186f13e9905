// Package rustengine registers the Rust port of the attack-path engine
// (libaegispath) under two names:
//
//   - "rust-ffi": in-process over cgo (package rust, aegispath); needs a
//     build with cgo and the rustffi tag (make build). It also serves the
//     list operation (engines.Lister).
//   - "rust-cli": the aegispath program as a process (package
//     engines/process), found at $AEGISPATH_BIN or else
//     <repo root>/target/release/aegispath; it also serves the list
//     operation (aegispath list --in FILE --query QUERY).
package rustengine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/process"
	"github.com/aegisbench/aegisbench/internal/reporoot"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// BinaryEnv names the environment variable that overrides where rust-cli
// finds the aegispath program.
const BinaryEnv = "AEGISPATH_BIN"

func init() {
	engines.Register("rust-ffi", "the Rust port in-process over cgo (libaegispath; needs make build)",
		func(string) (engines.Engine, error) { return NewFFI(), nil },
		aegispath.Available)
	engines.Register("rust-cli", "the Rust port as a process (the aegispath program at $AEGISPATH_BIN or target/release/aegispath)",
		func(string) (engines.Engine, error) { return NewCLI() },
		func() error { _, err := BinaryPath(); return err })
}

// NewFFI returns the "rust-ffi" engine. Its calls fail with
// aegispath.ErrUnavailable in a build without the bridge.
func NewFFI() engines.Engine { return ffiEngine{} }

type ffiEngine struct{}

// Name returns "rust-ffi".
func (ffiEngine) Name() string { return "rust-ffi" }

// Version reports the linked libaegispath's version string (shown in reports).
func (ffiEngine) Version() string { return aegispath.Version() }

// AttackPaths calls aegis_attack_paths. A call cannot be interrupted once
// made, so ctx is checked only before it.
func (ffiEngine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := time.Now()
	defer func() { engines.TimingsFrom(ctx).Since(engines.StageEngine, start) }()
	return aegispath.AttackPaths(findings, int64(opt.MaxDepth), int64(opt.TopK))
}

// AttackPathsFile calls aegis_attack_paths_file_timed (engines.FileEngine):
// libaegispath maps or streams the regular file at path itself, so a whole
// process (`aegisbench paths --engine rust-ffi`) neither reads the
// document into Go memory nor faults in a buffer of its size. The stages
// are the library's own (read+validate, compute, encode), as aegispath
// reports them. ctx is checked only before the call.
func (ffiEngine) AttackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, stages, err := aegispath.AttackPathsFileTimed(path, int64(opt.MaxDepth), int64(opt.TopK))
	stages.Record(engines.TimingsFrom(ctx))
	if errors.Is(err, aegispath.ErrIO) {
		return nil, fmt.Errorf("reading the findings: %w", err)
	}
	return out, err
}

// List calls aegis_list_findings. ctx is checked only before the call.
func (ffiEngine) List(ctx context.Context, findings []byte, query []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return aegispath.ListFindings(findings, query)
}

// NewCLI returns the "rust-cli" engine running the program BinaryPath
// finds, or BinaryPath's error.
func NewCLI() (engines.Engine, error) {
	bin, err := BinaryPath()
	if err != nil {
		return nil, err
	}
	return process.NewLister("rust-cli", []string{bin}), nil
}

// BinaryPath returns the aegispath program rust-cli runs: $AEGISPATH_BIN
// when set, else <repo root>/target/release/aegispath. It fails when that
// file is missing or not executable, saying how to build it.
func BinaryPath() (string, error) {
	bin := os.Getenv(BinaryEnv)
	if bin == "" {
		root, err := reporoot.Find()
		if err != nil {
			return "", fmt.Errorf("finding the aegispath program: %w (set $%s)", err, BinaryEnv)
		}
		bin = filepath.Join(root, "target", "release", "aegispath")
	}
	if err := checkExecutable(bin); err != nil {
		return "", fmt.Errorf("%w (run `make build`, or set $%s)", err, BinaryEnv)
	}
	return bin, nil
}

// checkExecutable reports whether path is a regular file someone may
// execute.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", path)
	}
	return nil
}

var (
	_ engines.Lister     = ffiEngine{}
	_ engines.FileEngine = ffiEngine{}
)
