package datasets

import (
	"os"

	"golang.org/x/sys/unix"
)

// dropCached writes f's dirty pages back (dropping skips them) and drops
// its pages from the page cache, then advises sequential reading, which
// makes the next read ahead in large folios.
func dropCached(f *os.File) error {
	fd := int(f.Fd())
	if err := unix.Fdatasync(fd); err != nil {
		return err
	}
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return err
	}
	return unix.Fadvise(fd, 0, 0, unix.FADV_SEQUENTIAL)
}
