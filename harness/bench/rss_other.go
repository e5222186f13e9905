//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package bench

import "os"

// peakRSS is unknown on this operating system.
func peakRSS(*os.ProcessState) int64 { return 0 }

// selfPeakRSS is unknown on this operating system.
func selfPeakRSS() int64 { return 0 }
