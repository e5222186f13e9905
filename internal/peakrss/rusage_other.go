//go:build !unix

package peakrss

import "errors"

func rusageSelf() (int64, error) { return 0, errors.New("peak RSS: not supported on this system") }
