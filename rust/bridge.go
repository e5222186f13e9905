//go:build cgo && rustffi

package aegispath

// The archive is named by path: -laegispath would pick the crate's
// libaegispath.so (the ffi:PATH shared library) over libaegispath.a.

/*
#cgo CFLAGS: -I${SRCDIR}/libaegispath/include
#cgo LDFLAGS: ${SRCDIR}/../target/release/libaegispath.a -lm -ldl -lpthread
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "aegispath.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

// aegis_tune_malloc keeps glibc's malloc from giving memory back to the
// kernel between calls (see tuneMalloc); a setting the user made through
// the environment wins.
static void aegis_tune_malloc(void) {
#ifdef __GLIBC__
	if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_") || getenv("GLIBC_TUNABLES")) {
		return;
	}
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// tuneMalloc runs once, after the first call returns. libaegispath
// allocates with the C malloc; called from Go it runs on threads other
// than the process's main one, whose glibc arenas return their free top
// to the kernel after each call (trim threshold 128 KiB) and serve large
// blocks with fresh mmaps, so every call page-faulted its working memory
// in again: 1,550 to 1,820 minor faults and 6 to 7.5 ms of system time per
// 20K-finding call (BenchmarkPipelineFaults) against 8 to 120 and 0.5 to
// 2.6 ms with these settings. Blocks up to 32 MiB come from the arenas,
// and up to 64 MiB of free memory stays in each; peak memory is
// unchanged. A process making one call (`aegisbench paths`) gains nothing
// from memory kept for a next call and loses by the settings: a block
// served from an arena and grown is copied where an mmapped one is
// remapped, so at 20K the one call took 6,500 faults and 44 MB of peak
// RSS with them from the start against 5,700 and 37 MB without. So they
// apply from the second call on.
var tuneMalloc sync.Once

// Available reports nil: this build links libaegispath.
func Available() error { return nil }

// AttackPaths runs the attack-path operation on a findings document. The
// options go through unchecked, so an out-of-range value comes back as the
// engine's invalid_options error. Bad input yields an *engines.Error; any
// other error wraps ErrInternal or ErrInvalidArgument.
func AttackPaths(input []byte, maxDepth, topK int64) ([]byte, error) {
	in, inLen := view(input)
	var r result
	r.status = C.aegis_attack_paths(in, inLen, C.int64_t(maxDepth), C.int64_t(topK),
		&r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(input)
	return r.take("aegis_attack_paths")
}

// AttackPathsFile runs the attack-path operation on the findings file at
// path, which libaegispath opens and reads itself, mapped whole up to 64
// MiB (MapLimitEnv) and streamed beyond: the document is never copied into
// Go or Rust memory whole, nor across the boundary
// (aegis_attack_paths_file). The answers and error documents are
// AttackPaths' on the file's bytes; a file that cannot be read (or is not
// a regular file) is an error wrapping ErrIO.
func AttackPathsFile(path string, maxDepth, topK int64) ([]byte, error) {
	out, _, err := AttackPathsFileTimed(path, maxDepth, topK)
	return out, err
}

// AttackPathsFileTimed is AttackPathsFile, also returning the wall time of
// the library's stages (aegis_attack_paths_file_timed).
func AttackPathsFileTimed(path string, maxDepth, topK int64) ([]byte, FileStages, error) {
	p := []byte(path)
	in, inLen := view(p)
	var r result
	var ns [3]uint64
	r.status = C.aegis_attack_paths_file_timed(in, inLen, C.int64_t(maxDepth), C.int64_t(topK),
		&r.out, &r.outLen, &r.err, &r.errLen, (*C.uint64_t)(unsafe.Pointer(&ns[0])))
	runtime.KeepAlive(p)
	stages := FileStagesFromNanos(ns)
	out, err := r.take("aegis_attack_paths_file_timed")
	return out, stages, err
}

// ListFindings runs the list operation (a query object over a findings
// document) and returns the findings page document. Errors are as for
// AttackPaths.
func ListFindings(input, query []byte) ([]byte, error) {
	in, inLen := view(input)
	q, qLen := view(query)
	var r result
	r.status = C.aegis_list_findings(in, inLen, q, qLen, &r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(input)
	runtime.KeepAlive(query)
	return r.take("aegis_list_findings")
}

// Echo sends b to Rust, which copies it into a new buffer that comes back
// and is copied into Go memory: the cost of moving bytes across the
// boundary both ways. Echo(nil) returns an empty, non-nil slice.
func Echo(b []byte) ([]byte, error) {
	in, inLen := view(b)
	var r result
	r.status = C.aegis_echo(in, inLen, &r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(b)
	return r.take("aegis_echo")
}

// Noop makes one cgo call that does nothing: the bare cost of crossing the
// boundary.
func Noop() error {
	if st := C.aegis_noop(); st != StatusOK {
		return fmt.Errorf("aegis_noop: unexpected status %d", int32(st))
	}
	return nil
}

// Version returns libaegispath's version string, e.g.
// "libaegispath 0.1.0 (rustc 1.95.0)".
func Version() string {
	return C.GoString(C.aegis_version())
}

// view returns the pointer and length of b for a call (InputPointer).
func view(b []byte) (*C.uint8_t, C.size_t) {
	return (*C.uint8_t)(InputPointer(b)), C.size_t(len(b))
}

// result holds what one call wrote to its out-parameters.
type result struct {
	status C.int32_t
	out    *C.uint8_t
	outLen C.size_t
	err    *C.uint8_t
	errLen C.size_t
}

// take copies both Rust buffers into Go memory, frees them, and maps the
// status to the API's results (Outcome). It ends every call, so it tunes
// malloc for the calls after the first (tuneMalloc).
func (r *result) take(op string) ([]byte, error) {
	tuneMalloc.Do(func() { C.aegis_tune_malloc() })
	out := copyAndFree(r.out, r.outLen)
	errDoc := copyAndFree(r.err, r.errLen)
	r.out, r.err = nil, nil
	return Outcome(op, int32(r.status), out, errDoc)
}

// copyAndFree copies a Rust-owned buffer into a new Go slice and returns
// the buffer to aegis_free. It returns nil for a NULL pointer. It copies
// through unsafe.Slice rather than C.GoBytes, whose C.int length would cap
// outputs at 2 GiB.
func copyAndFree(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return nil
	}
	defer C.aegis_free(p, n)
	b := make([]byte, int(n))
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	return b
}
