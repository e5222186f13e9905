package safeio

import (
	"errors"
	"io"
	"os"
)

// minLimit is the smallest default input limit.
const minLimit = 1 << 30

// DefaultLimit is the default size limit of an input document and of an
// engine's answer: a quarter of the machine's physical memory, and at
// least 1 GiB. The engines hold the whole document and their indexes in
// memory, which takes a few times its size, so a larger input would not
// fit anyway; the limit refuses it before reading it.
func DefaultLimit() int64 {
	return max(minLimit, physicalMemory()/4)
}

// ReadDocument reads the JSON document at path into memory. A regular file
// larger than limit is refused before it is read (*TooLargeError); any
// other file (a device, a pipe) is read up to limit bytes and refused
// past it. Reading stops just after the first byte that cannot start or
// continue a JSON document (see Lexer): the bytes up to and including it
// are returned without an error, with stopped describing the cut, so the
// engine answers invalid_json exactly as it would for the whole file while
// `paths --in /dev/zero` reads one byte.
func ReadDocument(path string, limit int64) (data []byte, stopped string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	capacity := int64(64 << 10)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if limit > 0 && fi.Size() > limit {
			return nil, "", &TooLargeError{Name: path, Size: fi.Size(), Limit: limit}
		}
		capacity = fi.Size() + 1
	}
	g := &Guard{R: f, Name: path, Limit: limit}
	data = make([]byte, 0, capacity)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := g.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if errors.Is(err, io.EOF) {
			return data, g.Stopped(), nil
		}
		if err != nil {
			return nil, "", err
		}
	}
}

// DefaultOutputLimit is the default limit of an engine's answer to an input
// of inputSize bytes: 64 MiB plus 16 times the input (outputs are a tenth
// of their input or less: a few top paths per account), at most
// DefaultLimit. A program flooding its stdout is stopped there.
func DefaultOutputLimit(inputSize int) int64 {
	return min(DefaultLimit(), 64<<20+16*int64(inputSize))
}
