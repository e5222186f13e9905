// Package atomicfile replaces files whole: the data goes to a temporary file
// in the target's directory, which is then renamed over the target, so a
// reader sees the old file or the new one, never a partial one.
package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes data to path through a temporary file in path's
// directory (mode 0644) and a rename. The directory must exist. On any error
// the temporary file is removed, path is left as it was, and the error is
// the operating system's as is (it names the temporary file or path).
func WriteFile(path string, data []byte) error { return WriteFilePerm(path, data, 0o644) }

// WriteFilePerm is WriteFile with the file's permissions: perm from the
// start (the temporary file is created 0600), so a private file (0600) is
// never readable by others, not even for a moment.
func WriteFilePerm(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(perm)
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

// WriteOutput writes data where a command's output goes: to stdout when
// path is "" or "-"; straight into path when it is an existing device or
// pipe (/dev/null, a FIFO), which cannot be replaced; else through
// WriteFile, so path never holds a partial output.
func WriteOutput(stdout io.Writer, path string, data []byte) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return WriteFile(path, data)
}
