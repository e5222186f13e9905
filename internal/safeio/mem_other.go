//go:build !linux && !darwin

package safeio

// PhysicalMemory is the machine's RAM in bytes: unknown here (0), so the
// default limit is the minimum.
func PhysicalMemory() int64 { return 0 }
