// Package aegispath is the Go side of libaegispath, the Rust port of the
// attack-path engine, called in-process over cgo.
//
// The C ABI is rust/libaegispath/include/aegispath.h: JSON bytes in, JSON
// bytes out. Go passes a pointer to its own input bytes for the duration of
// one call (Rust never keeps it); Rust allocates every output and error
// buffer, Go copies it into Go memory and hands it back to aegis_free, on the
// success and the error path alike. A Rust panic is caught at the boundary
// and arrives here as an error wrapping ErrInternal; it never unwinds into
// Go.
//
// The real bridge (bridge.go) builds with cgo and the rustffi build tag,
// after `make build` has produced target/release/libaegispath.a. Every
// other build gets stub.go: the same API, where every call returns
// ErrUnavailable, so `go build ./...` works without a Rust toolchain.
package aegispath

import (
	"errors"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

// MapLimitEnv is the environment variable that sets the largest findings
// file libaegispath (aegis_attack_paths_file, and the aegispath CLI) maps
// into memory whole, in bytes; larger files are streamed, and "0" streams
// every file (the tests of the streamed path set it). Unset: 64 MiB.
const MapLimitEnv = "AEGISPATH_MAP_LIMIT"

// FileStages are the wall times of the stages of one AttackPathsFileTimed
// call, as the library measured them (zero for a stage not reached).
type FileStages struct {
	ReadValidate time.Duration // opening, reading and validating (mapped or streamed)
	Compute      time.Duration
	Encode       time.Duration
}

// FileStagesFromNanos reads the stage times aegis_attack_paths_file_timed
// writes (nanoseconds: read+validate, compute, encode).
func FileStagesFromNanos(ns [3]uint64) FileStages {
	return FileStages{
		ReadValidate: time.Duration(ns[0]),
		Compute:      time.Duration(ns[1]),
		Encode:       time.Duration(ns[2]),
	}
}

// Record adds the stages that ran to t (as StageReadValidate,
// StageCompute and StageEncode); t may be nil.
func (s FileStages) Record(t *engines.Timings) {
	for _, st := range []engines.Stage{
		{Name: engines.StageReadValidate, D: s.ReadValidate},
		{Name: engines.StageCompute, D: s.Compute},
		{Name: engines.StageEncode, D: s.Encode},
	} {
		if st.D > 0 {
			t.Add(st.Name, st.D)
		}
	}
}

// ErrUnavailable is returned by every call of a build without the bridge.
var ErrUnavailable = errors.New("libaegispath not linked: built without cgo and the rustffi tag (make build)")

// ErrInternal is wrapped by the error of a call that hit a bug in
// libaegispath (a caught Rust panic): the error says nothing about the
// input.
var ErrInternal = errors.New("libaegispath internal error")

// ErrInvalidArgument is wrapped by the error of a call that libaegispath
// rejected as a misuse of its C ABI (a null pointer with a length); it
// points at a bug in this package, not in the input.
var ErrInvalidArgument = errors.New("libaegispath rejected an argument")

// ErrIO is wrapped by the error of AttackPathsFile when libaegispath could
// not read the findings file (missing, unreadable, not a regular file).
var ErrIO = errors.New("libaegispath could not read the findings file")
