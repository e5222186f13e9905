package datasets

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// resident counts the pages of the file at path that are in the page cache.
func resident(t *testing.T, path string) (in, all int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	m, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	require.NoError(t, err)
	defer unix.Munmap(m)
	page := os.Getpagesize()
	vec := make([]byte, (len(m)+page-1)/page)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0])))
	require.Zero(t, errno, "mincore")
	for _, v := range vec {
		in += int(v & 1)
	}
	return in, len(vec)
}

// TestSettle writes a file in small pieces (its pages stay dirty), drops
// its pages as Settle does, then settles it: dropped, none is cached;
// settled, all are.
func TestSettle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	block := make([]byte, 4096)
	for i := range 256 {
		block[0] = byte(i)
		_, err := f.Write(block)
		require.NoError(t, err)
	}
	require.NoError(t, f.Close())

	f, err = os.Open(path)
	require.NoError(t, err)
	require.NoError(t, dropCached(f))
	require.NoError(t, f.Close())
	in, all := resident(t, path)
	require.Equal(t, 256, all)
	require.Zero(t, in, "pages left in the cache after dropping them (dirty ones must be written back first)")

	require.NoError(t, Settle(path))
	in, _ = resident(t, path)
	require.Equal(t, all, in, "settled: every page is cached again")

	require.ErrorContains(t, Settle(filepath.Dir(path)), "not a regular file")
	require.ErrorContains(t, Settle(filepath.Join(t.TempDir(), "missing")), "no such file")
}
