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
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
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

// aegis_job is one library call: its operation, its arguments, and the
// out-parameters the call fills. Go allocates it in C memory (calloc), so
// that a thread of its own can fill it after the cgo call that started
// the thread has returned (see call in Go).
typedef struct {
	int op;
	const uint8_t *a;
	size_t a_len;
	const uint8_t *b;
	size_t b_len;
	int64_t max_depth, top_k;
	uint8_t *out;
	size_t out_len;
	uint8_t *err;
	size_t err_len;
	uint64_t stage_ns[3];
	int32_t status;
	int done_fd;
} aegis_job;

enum { AEGIS_OP_PATHS = 1, AEGIS_OP_PATHS_FILE = 2, AEGIS_OP_LIST = 3 };

static void aegis_job_run(aegis_job *j) {
	switch (j->op) {
	case AEGIS_OP_PATHS:
		j->status = aegis_attack_paths(j->a, j->a_len, j->max_depth, j->top_k,
			&j->out, &j->out_len, &j->err, &j->err_len);
		break;
	case AEGIS_OP_PATHS_FILE:
		j->status = aegis_attack_paths_file_timed(j->a, j->a_len, j->max_depth, j->top_k,
			&j->out, &j->out_len, &j->err, &j->err_len, j->stage_ns);
		break;
	case AEGIS_OP_LIST:
		j->status = aegis_list_findings(j->a, j->a_len, j->b, j->b_len,
			&j->out, &j->out_len, &j->err, &j->err_len);
		break;
	}
}

// aegis_detached counts the calls run on threads of their own (tests).
static long aegis_detached;

static void *aegis_job_thread(void *p) {
	aegis_job *j = p;
	aegis_job_run(j);
	__atomic_fetch_add(&aegis_detached, 1, __ATOMIC_RELAXED);
	// The goroutine waits for this byte before it reads j or frees
	// anything the call used: it must arrive, or the goroutine would
	// wait forever. A one-byte write to a pipe whose reader is open fails
	// only when interrupted.
	char done = 1;
	int fd = j->done_fd;
	while (write(fd, &done, 1) != 1) {
		if (errno != EINTR) {
			perror("aegispath: signalling the end of a detached call");
			abort();
		}
	}
	return NULL;
}

// aegis_detach runs j on a new detached thread that writes one byte to
// j->done_fd when the call is done. It returns 0, or an errno value when
// no thread could be started (the caller then runs j itself).
static int aegis_detach(aegis_job *j) {
	pthread_attr_t attr;
	int rc = pthread_attr_init(&attr);
	if (rc != 0) {
		return rc;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	rc = pthread_create(&t, &attr, aegis_job_thread, j);
	pthread_attr_destroy(&attr);
	return rc;
}

static long aegis_detached_calls(void) {
	return __atomic_load_n(&aegis_detached, __ATOMIC_RELAXED);
}
*/
import "C"

import (
	"fmt"
	"io"
	"os"
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
	var pins runtime.Pinner
	defer pins.Unpin()
	j := newJob(C.AEGIS_OP_PATHS, &pins, input)
	defer C.free(unsafe.Pointer(j))
	j.max_depth, j.top_k = C.int64_t(maxDepth), C.int64_t(topK)
	call(j, int64(len(input)))
	return jobResult(j).take("aegis_attack_paths")
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
	var pins runtime.Pinner
	defer pins.Unpin()
	j := newJob(C.AEGIS_OP_PATHS_FILE, &pins, p)
	defer C.free(unsafe.Pointer(j))
	j.max_depth, j.top_k = C.int64_t(maxDepth), C.int64_t(topK)
	var size int64 // the file's, when it can be known here (the library reports why not)
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	call(j, size)
	stages := FileStagesFromNanos([3]uint64{uint64(j.stage_ns[0]), uint64(j.stage_ns[1]), uint64(j.stage_ns[2])})
	out, err := jobResult(j).take("aegis_attack_paths_file_timed")
	return out, stages, err
}

// ListFindings runs the list operation (a query object over a findings
// document) and returns the findings page document. Errors are as for
// AttackPaths.
func ListFindings(input, query []byte) ([]byte, error) {
	var pins runtime.Pinner
	defer pins.Unpin()
	j := newJob(C.AEGIS_OP_LIST, &pins, input)
	defer C.free(unsafe.Pointer(j))
	j.b, j.b_len = pin(&pins, query)
	call(j, int64(len(input)))
	return jobResult(j).take("aegis_list_findings")
}

// detachMinBytes is the input size (bytes of a document, or of a file) from
// which a call runs on a thread of its own (see call); a variable for the
// tests, which also run small inputs that way.
var detachMinBytes int64 = 1 << 20

// newJob allocates a zeroed job in C memory (freed by the caller) for op
// on input a, which is pinned with pins (pin).
func newJob(op C.int, pins *runtime.Pinner, a []byte) *C.aegis_job {
	j := (*C.aegis_job)(C.calloc(1, C.sizeof_aegis_job))
	if j == nil {
		panic("aegispath: out of memory allocating a call")
	}
	j.op = op
	j.a, j.a_len = pin(pins, a)
	return j
}

// pin pins b's array (when it has one) until pins is unpinned, and returns
// its pointer and length for a job: cgo lets C memory (the job) refer only
// to pinned Go memory.
func pin(pins *runtime.Pinner, b []byte) (*C.uint8_t, C.size_t) {
	if len(b) > 0 {
		pins.Pin(&b[0])
	}
	return view(b)
}

// call makes the library call j describes; its results land in j. The Go
// buffers j refers to are pinned (pin) until the caller's call returns.
//
// A call on at least detachMinBytes of input runs on a thread of its own
// (aegis_detach), and the goroutine waits for the thread's byte on a pipe,
// parked as on any file read, so that its P goes idle. A direct cgo call
// keeps its P in the syscall state instead, and while another P is idle,
// Go's sysmon thread wakes every 20 µs, for up to 10 ms, before taking
// that P back; when the library's workers use every core, each wake-up
// preempts one of them. Measured on 2 cores at 20,000 findings (42 MB): 34
// sysmon wake-ups and 32 preemptions per direct call; detached, half the
// context switches and calls about 5% faster (medians of 150 calls, three
// alternated rounds: 18.2 to 18.7 ms direct, 17.1 to 17.9 detached). A
// thread costs tens of microseconds, hence the threshold. Without a pipe
// or a thread, the call is made directly.
func call(j *C.aegis_job, size int64) {
	if size < detachMinBytes {
		C.aegis_job_run(j)
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		C.aegis_job_run(j)
		return
	}
	defer r.Close()
	defer w.Close()
	j.done_fd = C.int(w.Fd())
	if C.aegis_detach(j) != 0 {
		C.aegis_job_run(j)
		return
	}
	var done [1]byte
	if _, err := io.ReadFull(r, done[:]); err != nil {
		// The thread still uses j and the pinned buffers: returning (and
		// freeing them) would be unsafe, and waiting is impossible.
		panic(fmt.Sprintf("aegispath: waiting for a detached call: %v", err))
	}
}

// detachedCalls is the number of calls run on threads of their own so far.
func detachedCalls() int64 { return int64(C.aegis_detached_calls()) }

// jobResult is what the call wrote to j's out-parameters.
func jobResult(j *C.aegis_job) *result {
	return &result{status: j.status, out: j.out, outLen: j.out_len, err: j.err, errLen: j.err_len}
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
