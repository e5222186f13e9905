package goengine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// StreamChunk is the size of the reads of a streamed findings document
// (DecodeReader): the window of the document held in memory is this large,
// or as large as the largest element when one is larger.
const StreamChunk = 1 << 20

// lookahead bounds how far past a failing byte the scanner looks: a check
// reads at most 12 bytes from the byte it reports (a surrogate pair
// "\\uD83D\\uDE00"), so a failure reported further than this from the end of
// a window would happen with any longer window too.
const lookahead = 16

// DecodeReader is Decode over a findings document read from r in chunks of
// StreamChunk bytes: only the engine fields of each finding are kept, so
// memory grows with the findings, not with the document. Results and
// errors (code, index, field and message, byte offsets included) are those
// of Decode on the same bytes; a read error is returned wrapped, and is not
// an *engines.Error.
func DecodeReader(r io.Reader) ([]Finding, error) {
	return decodeReader(r, StreamChunk)
}

// decodeReader is DecodeReader with reads of chunk bytes (tests use tiny
// ones, so that windows end everywhere).
func decodeReader(r io.Reader, chunk int) ([]Finding, error) {
	chunk = max(chunk, 2)
	d := decoder{s: scanner{r: r, chunk: chunk, data: make([]byte, 0, chunk)}, size: sizeHint(r), streaming: true}
	if err := d.s.fill(0); err != nil {
		return nil, err
	}
	out, err := d.decode()
	if d.s.readErr != nil {
		return nil, d.s.readErr
	}
	return out, err
}

// truncated reports whether the recorded syntax error may be an effect of
// the window ending: the document goes on and the error lies within
// lookahead bytes of the window's end.
func (s *scanner) truncated() bool {
	return !s.eof && s.errMsg != "" && s.errPos+lookahead >= len(s.data)
}

// retry prepares reading again from mark (a position in the window) after
// a failure: it returns false when the failure is a real syntax error (or
// reading failed), else moves the window to start at mark, reads more and
// sets pos to mark's new place.
func (s *scanner) retry(mark int) bool {
	if !s.truncated() {
		return false
	}
	s.errMsg, s.errPos = "", 0
	if err := s.fill(mark); err != nil {
		s.readErr = err
		return false
	}
	s.pos = 0
	return true
}

// fill drops data[:keep] (accounting for its lines and columns) and reads
// at least one more chunk, growing the window when what is kept fills most
// of it. At the end of the reader it sets eof.
func (s *scanner) fill(keep int) error {
	dropped := s.data[:keep]
	s.base += keep
	if n := bytes.Count(dropped, []byte{'\n'}); n > 0 {
		s.lines += n
		s.col = len(dropped) - 1 - bytes.LastIndexByte(dropped, '\n')
	} else {
		s.col += len(dropped)
	}
	rest := copy(s.data[:cap(s.data)], s.data[keep:])
	if cap(s.data)-rest < s.chunk/2 {
		grown := make([]byte, rest, 2*cap(s.data))
		copy(grown, s.data[:rest])
		s.data = grown
	}
	s.data = s.data[:rest]
	for len(s.data) < cap(s.data) && !s.eof {
		n, err := s.r.Read(s.data[len(s.data):cap(s.data)])
		s.data = s.data[:len(s.data)+n]
		switch {
		case errors.Is(err, io.EOF):
			s.eof = true
		case err != nil:
			return fmt.Errorf("reading the findings at byte %d: %w", s.base+len(s.data), err)
		case n == 0:
			continue
		}
		if n > 0 && len(s.data)-rest >= s.chunk/2 {
			break
		}
	}
	return nil
}

// drain reads on while only white space remains in the window, so that
// end sees the rest of the document.
func (s *scanner) drain() bool {
	for !s.eof {
		s.skipWS()
		if s.pos < len(s.data) {
			return true
		}
		if err := s.fill(s.pos); err != nil {
			s.readErr = err
			return false
		}
		s.pos = 0
	}
	return true
}

// sizeHint returns the length of what r will read when it can tell (a
// regular file, a bytes.Reader), else 0: it sizes the findings slice and
// the id index once.
func sizeHint(r io.Reader) int {
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return int(fi.Size())
		}
	case interface{ Len() int }:
		return v.Len()
	}
	return 0
}
