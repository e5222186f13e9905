// Package atomicfile replaces files whole: the data goes to a temporary file
// in the target's directory, which is then renamed over the target, so a
// reader sees the old file or the new one, never a partial one.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// WriteFile writes data to path through a temporary file in path's
// directory (mode 0644) and a rename. The directory must exist. On any error
// the temporary file is removed, path is left as it was, and the error is
// the operating system's as is (it names the temporary file or path).
func WriteFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(0o644)
	}
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// WriteFileMkdirAll is WriteFile after creating path's directory and any
// missing parents (mode 0755).
func WriteFileMkdirAll(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return WriteFile(path, data)
}
