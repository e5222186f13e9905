//go:build unix

package peakrss

import (
	"runtime"
	"syscall"
)

// rusageSelf returns ru_maxrss in bytes (kilobytes on Linux and the BSDs,
// bytes on macOS).
func rusageSelf() (int64, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss), nil
	}
	return int64(ru.Maxrss) << 10, nil
}
