// Package peakrss reads this process's own peak resident set size.
//
// On Linux it is VmHWM of /proc/self/status: the high-water mark of the
// process's own address space, which exec starts afresh. The rusage
// maxrss is not used there because a process started by a Go program (a
// vfork and exec) inherits the parent's peak in it. Elsewhere it is
// getrusage(RUSAGE_SELF).
package peakrss

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
)

// Self returns this process's peak resident set size in bytes.
func Self() (int64, error) {
	if runtime.GOOS != "linux" {
		return rusageSelf()
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	return vmHWM(b)
}

// vmHWM parses the VmHWM line of a /proc/PID/status file.
func vmHWM(status []byte) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte("VmHWM:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
		return kb << 10, err
	}
	return 0, errors.New("no VmHWM line in /proc/self/status")
}
