//go:build !linux

package datasets

import "os"

// dropCached does nothing here: there is no portable way to drop one
// file's pages, so Settle only reads the file.
func dropCached(*os.File) error { return nil }
