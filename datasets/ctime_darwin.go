package datasets

import (
	"io/fs"
	"syscall"
)

// changeTime is the file's inode change time in nanoseconds (0 unknown).
func changeTime(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctimespec.Nano()
	}
	return 0
}
