//go:build cgo

package ffiengine

/*
#cgo CFLAGS: -I${SRCDIR}/../../rust/libaegispath/include
#cgo linux LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "aegispath.h"

typedef uint32_t (*abi_fn)(void);
typedef int32_t (*paths_fn)(const uint8_t*, size_t, int64_t, int64_t, uint8_t**, size_t*, uint8_t**, size_t*);
typedef int32_t (*paths_timed_fn)(const uint8_t*, size_t, int64_t, int64_t, uint8_t**, size_t*, uint8_t**, size_t*, uint64_t*);
typedef int32_t (*list_fn)(const uint8_t*, size_t, const uint8_t*, size_t, uint8_t**, size_t*, uint8_t**, size_t*);
typedef int32_t (*echo_fn)(const uint8_t*, size_t, uint8_t**, size_t*, uint8_t**, size_t*);
typedef int32_t (*noop_fn)(void);
typedef void (*free_fn)(uint8_t*, size_t);
typedef const char *(*version_fn)(void);
typedef int32_t (*hook_fn)(uint8_t**, size_t*);

// dlerror's message is thread-local: open and read it in one C call (a
// goroutine may change threads between two cgo calls), and copy it.
static void *ab_open(const char *path, char **err) {
	dlerror();
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		*err = strdup(e ? e : "dlopen failed");
	}
	return h;
}

static void *ab_sym(void *h, const char *name) { return dlsym(h, name); }

static uint32_t ab_abi(void *f) { return ((abi_fn)f)(); }
static const char *ab_version(void *f) { return ((version_fn)f)(); }
static int32_t ab_noop(void *f) { return ((noop_fn)f)(); }
static void ab_free(void *f, uint8_t *p, size_t n) { ((free_fn)f)(p, n); }

static int32_t ab_paths(void *f, const uint8_t *in, size_t n, int64_t d, int64_t k,
                        uint8_t **out, size_t *out_len, uint8_t **err, size_t *err_len) {
	return ((paths_fn)f)(in, n, d, k, out, out_len, err, err_len);
}

static int32_t ab_paths_timed(void *f, const uint8_t *in, size_t n, int64_t d, int64_t k,
                              uint8_t **out, size_t *out_len, uint8_t **err, size_t *err_len,
                              uint64_t *stage_ns) {
	return ((paths_timed_fn)f)(in, n, d, k, out, out_len, err, err_len, stage_ns);
}

static int32_t ab_list(void *f, const uint8_t *in, size_t n, const uint8_t *q, size_t qn,
                       uint8_t **out, size_t *out_len, uint8_t **err, size_t *err_len) {
	return ((list_fn)f)(in, n, q, qn, out, out_len, err, err_len);
}

static int32_t ab_echo(void *f, const uint8_t *in, size_t n,
                       uint8_t **out, size_t *out_len, uint8_t **err, size_t *err_len) {
	return ((echo_fn)f)(in, n, out, out_len, err, err_len);
}

static int32_t ab_hook(void *f, uint8_t **err, size_t *err_len) { return ((hook_fn)f)(err, err_len); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	aegispath "github.com/aegisbench/aegisbench/rust"
)

// The status codes and ABI version of the header are the ones the shared
// Go code and ABIVersion use (each pair of arrays fails to compile unless
// the two values are equal).
var (
	_ [C.AEGIS_OK - aegispath.StatusOK]struct{}
	_ [aegispath.StatusOK - C.AEGIS_OK]struct{}
	_ [C.AEGIS_BAD_INPUT - aegispath.StatusBadInput]struct{}
	_ [aegispath.StatusBadInput - C.AEGIS_BAD_INPUT]struct{}
	_ [C.AEGIS_INTERNAL - aegispath.StatusInternal]struct{}
	_ [aegispath.StatusInternal - C.AEGIS_INTERNAL]struct{}
	_ [C.AEGIS_INVALID_ARG - aegispath.StatusInvalidArg]struct{}
	_ [aegispath.StatusInvalidArg - C.AEGIS_INVALID_ARG]struct{}
	_ [C.AEGIS_ABI_VERSION - ABIVersion]struct{}
	_ [ABIVersion - C.AEGIS_ABI_VERSION]struct{}
)

// available reports nil: this build can load libraries.
func available() error { return nil }

// Library is a loaded engine library: its handle and the addresses of its
// calls. It is safe for concurrent use as far as the library is (the
// contract requires it).
type Library struct {
	path   string
	handle unsafe.Pointer
	syms   map[string]unsafe.Pointer
}

// load dlopens abs and checks its symbols and ABI version.
func load(abs string) (*Library, error) {
	cpath := C.CString(abs)
	defer C.free(unsafe.Pointer(cpath))
	var cerr *C.char
	h := C.ab_open(cpath, &cerr)
	if h == nil {
		msg := C.GoString(cerr)
		C.free(unsafe.Pointer(cerr))
		return nil, fmt.Errorf("not a shared library this system can load: %s", msg)
	}
	lib := &Library{handle: h, syms: map[string]unsafe.Pointer{}}
	var missing []string
	for _, name := range append(append([]string(nil), Required...), Optional...) {
		p := lib.lookup(name)
		if p != nil {
			lib.syms[name] = p
		} else if slices.Contains(Required, name) {
			missing = append(missing, name)
		}
	}
	// The handle stays open on failure too: dlclose could run a broken
	// library's destructors, and a few leaked mappings are harmless.
	if len(missing) > 0 {
		return nil, fmt.Errorf("does not export %s (required by the engine C ABI, engines/SPEC.md section 9)", strings.Join(missing, ", "))
	}
	if v := uint32(C.ab_abi(lib.syms["aegis_abi_version"])); v != ABIVersion {
		return nil, fmt.Errorf("implements engine C ABI version %d, this harness speaks version %d (engines/SPEC.md section 9)", v, ABIVersion)
	}
	return lib, nil
}

// lookup returns the address of the library's symbol name, or nil.
func (l *Library) lookup(name string) unsafe.Pointer {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return C.ab_sym(l.handle, cname)
}

// Path returns the library's path as given to Load.
func (l *Library) Path() string { return l.path }

// Has reports whether the library exports the optional call name.
func (l *Library) Has(name string) bool { return l.syms[name] != nil }

// Version returns the library's aegis_version() string ("" for NULL).
func (l *Library) Version() string {
	p := C.ab_version(l.syms["aegis_version"])
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// AttackPaths calls aegis_attack_paths; results as aegispath.Outcome.
func (l *Library) AttackPaths(input []byte, maxDepth, topK int64) ([]byte, error) {
	in, inLen := view(input)
	var r result
	r.status = C.ab_paths(l.syms["aegis_attack_paths"], in, inLen, C.int64_t(maxDepth), C.int64_t(topK),
		&r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(input)
	return l.take(&r, "aegis_attack_paths")
}

// AttackPathsFile calls aegis_attack_paths_file_timed, or
// aegis_attack_paths_file when the library exports only that (both
// optional in the ABI; the stages are then zero): the library reads the
// findings file at path itself. A file it cannot read is an error
// wrapping aegispath.ErrIO.
func (l *Library) AttackPathsFile(path string, maxDepth, topK int64) ([]byte, aegispath.FileStages, error) {
	p := []byte(path)
	in, inLen := view(p)
	var r result
	var ns [3]uint64
	op := "aegis_attack_paths_file_timed"
	if f := l.syms[op]; f != nil {
		r.status = C.ab_paths_timed(f, in, inLen, C.int64_t(maxDepth), C.int64_t(topK),
			&r.out, &r.outLen, &r.err, &r.errLen, (*C.uint64_t)(unsafe.Pointer(&ns[0])))
	} else {
		op = "aegis_attack_paths_file"
		f, err := l.optional(op)
		if err != nil {
			return nil, aegispath.FileStages{}, err
		}
		// Same signature as aegis_attack_paths: the path's bytes are the input.
		r.status = C.ab_paths(f, in, inLen, C.int64_t(maxDepth), C.int64_t(topK),
			&r.out, &r.outLen, &r.err, &r.errLen)
	}
	runtime.KeepAlive(p)
	stages := aegispath.FileStagesFromNanos(ns)
	out, err := l.take(&r, op)
	return out, stages, err
}

// ListFindings calls aegis_list_findings (optional in the ABI).
func (l *Library) ListFindings(input, query []byte) ([]byte, error) {
	f, err := l.optional("aegis_list_findings")
	if err != nil {
		return nil, err
	}
	in, inLen := view(input)
	q, qLen := view(query)
	var r result
	r.status = C.ab_list(f, in, inLen, q, qLen, &r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(input)
	runtime.KeepAlive(query)
	return l.take(&r, "aegis_list_findings")
}

// Echo calls aegis_echo (optional): b copied into the library and back.
func (l *Library) Echo(b []byte) ([]byte, error) {
	f, err := l.optional("aegis_echo")
	if err != nil {
		return nil, err
	}
	in, inLen := view(b)
	var r result
	r.status = C.ab_echo(f, in, inLen, &r.out, &r.outLen, &r.err, &r.errLen)
	runtime.KeepAlive(b)
	return l.take(&r, "aegis_echo")
}

// Noop calls aegis_noop (optional): the bare cost of one call.
func (l *Library) Noop() error {
	f, err := l.optional("aegis_noop")
	if err != nil {
		return err
	}
	if st := C.ab_noop(f); st != aegispath.StatusOK {
		return fmt.Errorf("ffi:%s: aegis_noop: unexpected status %d", l.path, int32(st))
	}
	return nil
}

func (l *Library) optional(name string) (unsafe.Pointer, error) {
	if f := l.syms[name]; f != nil {
		return f, nil
	}
	return nil, fmt.Errorf("ffi:%s: %s: %w", l.path, name, ErrNotExported)
}

// panicForTest calls the test-only export aegis_panic_for_test of a
// library built with the test-hooks feature (not part of the ABI).
func (l *Library) panicForTest() error {
	f := l.lookup("aegis_panic_for_test")
	if f == nil {
		return fmt.Errorf("ffi:%s: aegis_panic_for_test: %w (build with --features test-hooks)", l.path, ErrNotExported)
	}
	var r result
	r.status = C.ab_hook(f, &r.err, &r.errLen)
	_, err := l.take(&r, "aegis_panic_for_test")
	return err
}

// view returns the pointer and length of b for a call (InputPointer).
func view(b []byte) (*C.uint8_t, C.size_t) {
	return (*C.uint8_t)(aegispath.InputPointer(b)), C.size_t(len(b))
}

// result holds what one call wrote to its out-parameters.
type result struct {
	status C.int32_t
	out    *C.uint8_t
	outLen C.size_t
	err    *C.uint8_t
	errLen C.size_t
}

// take copies both library buffers into Go memory, hands them back to the
// library's aegis_free, and maps the status (aegispath.Outcome).
func (l *Library) take(r *result, op string) ([]byte, error) {
	out := l.copyAndFree(r.out, r.outLen)
	errDoc := l.copyAndFree(r.err, r.errLen)
	r.out, r.err = nil, nil
	return aegispath.Outcome("ffi:"+l.path+": "+op, int32(r.status), out, errDoc)
}

// copyAndFree copies a library-owned buffer into a new Go slice and
// returns it to the library's aegis_free; nil for a NULL pointer.
func (l *Library) copyAndFree(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return nil
	}
	defer C.ab_free(l.syms["aegis_free"], p, n)
	b := make([]byte, int(n))
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	return b
}
