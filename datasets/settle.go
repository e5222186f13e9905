package datasets

import (
	"fmt"
	"io"
	"os"

	"github.com/aegisbench/aegisbench/internal/safeio"
)

// Settle puts the file at path into the page cache as reading it from disk
// leaves it: its cached pages are written back and dropped, then the file
// is read once from start to end (on Linux; elsewhere it is only read).
//
// Why: an engine that maps a file (aegispath, rust-ffi on a file) pays a
// page fault and an unmapping for every page-cache folio it touches, and
// the folios' sizes depend on the file's history. Read ahead from disk, or
// written in large blocks, a file sits in large folios; written in small
// ones, or read back in pieces after memory pressure, in 4 KiB pages. At
// 20,000 findings (40 MB) aegispath took 24.6 ms on a freshly generated
// file and 26.2 ms on the same bytes in 4 KiB pages (hyperfine, 60 runs
// each). Settling each dataset before its timed runs (bench: before each
// hyperfine invocation; a run leaves the cache as it found it) makes
// whole-process timings measure one state, the one a file read from disk
// is in.
//
// A file larger than a quarter of physical memory is left as it is: the
// page cache could not keep it, and reading it would only evict others.
func Settle(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if mem := safeio.PhysicalMemory(); mem > 0 && fi.Size() > mem/4 {
		return nil
	}
	if err := dropCached(f); err != nil {
		return fmt.Errorf("%s: dropping its cached pages: %w", path, err)
	}
	if _, err := io.CopyBuffer(io.Discard, f, make([]byte, 1<<20)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
