// Package safeio holds the harness's guards around files and engine
// answers: no output path may name an input (DistinctFiles), documents are
// read with a size limit and stop at the first byte that no JSON text can
// hold there (ReadDocument, Guard), and engine output is read up to a
// limit (LimitedBuffer). Every command that reads findings or writes
// results goes through them, so the rules live here once.
package safeio

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a path given to a command, with the flag (or role) that named
// it, for messages: {"--out", "x.json"}.
type File struct {
	Flag string
	Path string
}

// DistinctFiles refuses outputs that are the same file as an input or as
// another output, comparing device and inode (os.SameFile), not names, so
// links and different spellings of a path are caught. It is called before
// any work. Empty paths and "-" (standard streams) are skipped, and so are
// files that are not regular (devices, pipes: /dev/null may be both read
// and written). An output that does not exist yet can only clash with
// another output of the same cleaned absolute name.
func DistinctFiles(inputs, outputs []File) error {
	type seen struct {
		f   File
		fi  os.FileInfo // nil when the file does not exist
		abs string
	}
	stat := func(f File) (seen, bool) {
		if f.Path == "" || f.Path == "-" {
			return seen{}, false
		}
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			abs = filepath.Clean(f.Path)
		}
		fi, err := os.Stat(f.Path)
		if err != nil {
			return seen{f: f, abs: abs}, true
		}
		if !fi.Mode().IsRegular() {
			return seen{}, false
		}
		return seen{f: f, fi: fi, abs: abs}, true
	}
	var ins, outs []seen
	for _, f := range inputs {
		if s, ok := stat(f); ok && s.fi != nil {
			ins = append(ins, s)
		}
	}
	for _, f := range outputs {
		if s, ok := stat(f); ok {
			outs = append(outs, s)
		}
	}
	for i, o := range outs {
		if o.fi != nil {
			for _, in := range ins {
				if os.SameFile(o.fi, in.fi) {
					return fmt.Errorf("%s %s is the same file as the input %s %s: refusing to overwrite an input",
						o.f.Flag, o.f.Path, in.f.Flag, in.f.Path)
				}
			}
		}
		for _, p := range outs[:i] {
			same := o.abs == p.abs
			if o.fi != nil && p.fi != nil {
				same = os.SameFile(o.fi, p.fi)
			}
			if same {
				return fmt.Errorf("%s %s and %s %s are the same file: give each output its own path",
					p.f.Flag, p.f.Path, o.f.Flag, o.f.Path)
			}
		}
	}
	return nil
}
