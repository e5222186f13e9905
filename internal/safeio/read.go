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
	return max(minLimit, PhysicalMemory()/4)
}

// ReadDocument reads the JSON document at path into memory. A regular file
// larger than limit is refused before it is read (*TooLargeError) and is
// otherwise read whole in one read of its size: the engines' strict
// parsers stop at its first impossible byte themselves, and a scan of its
// bytes here would cost as much as the read. Any other file (a device, a
// pipe), and whatever a regular file holds past the size it reported (a
// file still growing, a /proc file), is read up to limit bytes, refused
// past it, and read only up to and including the first byte that cannot
// start or continue a JSON document (see Lexer): those bytes are returned
// without an error, with stopped describing the cut, so the engine answers
// invalid_json exactly as it would for the whole stream while
// `paths --in /dev/zero` reads one byte.
func ReadDocument(path string, limit int64) (data []byte, stopped string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	g := &Guard{R: f, Name: path, Limit: limit}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if limit > 0 && fi.Size() > limit {
			return nil, "", &TooLargeError{Name: path, Size: fi.Size(), Limit: limit}
		}
		if data, err = readSized(f, fi.Size()); err != nil || int64(len(data)) <= fi.Size() {
			return data, "", err
		}
		// The file holds more than it said: guard the rest as a stream,
		// from the lexer's state after what was read.
		if k := g.lex.Write(data); k < len(data) {
			return data[:k+1], g.Stopped(), nil
		}
		g.n = int64(len(data))
	} else {
		data = make([]byte, 0, 64<<10)
	}
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

// readSized reads a regular file of size bytes in one buffer of size+1,
// so that a file longer than its size shows as len(data) > size.
func readSized(f *os.File, size int64) ([]byte, error) {
	data := make([]byte, size+1)
	n, err := io.ReadFull(f, data)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return data[:n], nil
}

// DefaultOutputLimit is the default limit of an engine's answer to an input
// of inputSize bytes: 64 MiB plus 16 times the input (outputs are a tenth
// of their input or less: a few top paths per account), at most
// DefaultLimit. A program flooding its stdout is stopped there.
func DefaultOutputLimit(inputSize int) int64 {
	return min(DefaultLimit(), 64<<20+16*int64(inputSize))
}
