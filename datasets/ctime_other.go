//go:build !linux && !darwin

package datasets

import "io/fs"

// changeTime is unknown here: the stamp relies on the sampled blocks.
func changeTime(fs.FileInfo) int64 { return 0 }
