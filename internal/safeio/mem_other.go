//go:build !linux && !darwin

package safeio

// physicalMemory is unknown here: the default limit is the minimum.
func physicalMemory() int64 { return 0 }
