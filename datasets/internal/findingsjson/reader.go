// Package findingsjson reads a findings document (a JSON array of finding
// objects, engines/SPEC.md section 1) one element at a time with bounded
// memory: Reader splits the top-level array into elements without ever
// holding more than one element (and at most a size cap of it), and Parser
// checks one element strictly (RFC 8259: grammar, UTF-8, escapes, surrogate
// pairs, nesting) and exposes its members. The profiler and the anonymizer
// of package datasets use it, so a 2 GB file of one string costs a 16 MiB
// buffer and a clear error, never an out-of-memory kill.
package findingsjson

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxElementBytes is the default cap on the size of one element.
const DefaultMaxElementBytes = 16 << 20

// MaxNesting is the deepest nesting accepted (engines/SPEC.md section 5:
// the top-level array is at depth 1, a finding at depth 2).
const MaxNesting = 64

// Element is one element of the top-level array.
type Element struct {
	Index  int    // 0-based position in the array
	Offset int64  // byte offset of its first byte in the document
	Size   int64  // its length in bytes
	Raw    []byte // its bytes; nil when Oversize; valid until the next call to Next
	// Oversize is set when the element is larger than the reader's cap: its
	// bytes were skipped (scanned for the end of the element, not kept and
	// not validated).
	Oversize bool
}

// SyntaxError is a document that is not a well-formed array of elements.
type SyntaxError struct {
	Offset int64 // byte offset in the document
	Index  int   // the element being read, -1 outside elements
	Msg    string
}

func (e *SyntaxError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("finding %d (byte %d): %s", e.Index, e.Offset, e.Msg)
	}
	return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
}

// Reader splits a findings document into its elements.
type Reader struct {
	src      io.Reader
	chunk    []byte
	pos, end int
	base     int64 // document offset of chunk[0]
	eof      bool
	ioErr    error
	max      int
	elem     []byte
	index    int
	state    int
}

const (
	stateStart = iota
	stateElement
	stateAfterElement
	stateAfterArray
	stateDone
)

const chunkSize = 1 << 20

// NewReader returns a Reader of src that keeps at most maxElement bytes of
// an element (DefaultMaxElementBytes when maxElement <= 0).
func NewReader(src io.Reader, maxElement int) *Reader {
	if maxElement <= 0 {
		maxElement = DefaultMaxElementBytes
	}
	return &Reader{src: src, chunk: make([]byte, chunkSize), max: maxElement}
}

// Offset returns the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.base + int64(r.pos) }

// MaxElementBytes returns the reader's element cap.
func (r *Reader) MaxElementBytes() int { return r.max }

// fill reads more input into the chunk; it reports false at the end of the
// input or on a read error (kept in r.ioErr).
func (r *Reader) fill() bool {
	if r.pos < r.end {
		return true
	}
	if r.eof {
		return false
	}
	r.base += int64(r.end)
	r.pos, r.end = 0, 0
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.chunk)
		r.end = n
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.ioErr = err
			}
			r.eof = true
		}
		if n > 0 {
			return true
		}
		if r.eof {
			return false
		}
	}
	r.ioErr = io.ErrNoProgress
	r.eof = true
	return false
}

func (r *Reader) syntax(index int, format string, args ...any) error {
	if r.ioErr != nil {
		return fmt.Errorf("reading byte %d: %w", r.Offset(), r.ioErr)
	}
	return &SyntaxError{Offset: r.Offset(), Index: index, Msg: fmt.Sprintf(format, args...)}
}

// skipWS skips JSON white space; it reports false at the end of the input.
func (r *Reader) skipWS() bool {
	for r.fill() {
		for r.pos < r.end {
			switch r.chunk[r.pos] {
			case ' ', '\t', '\n', '\r':
				r.pos++
			default:
				return true
			}
		}
	}
	return false
}

// Next returns the next element, or io.EOF after the closing bracket (and
// nothing but white space after it). Any other error is final.
func (r *Reader) Next() (Element, error) {
	for {
		switch r.state {
		case stateDone:
			return Element{}, io.EOF
		case stateStart:
			if !r.skipWS() {
				r.state = stateDone
				if r.Offset() == 0 {
					return Element{}, r.syntax(-1, "empty document (want a JSON array of findings)")
				}
				return Element{}, r.syntax(-1, "only white space (want a JSON array of findings)")
			}
			c := r.chunk[r.pos]
			if c != '[' {
				r.state = stateDone
				return Element{}, r.syntax(-1, "not a findings document: %s (want a JSON array of findings)", describeStart(c))
			}
			r.pos++
			if !r.skipWS() {
				r.state = stateDone
				return Element{}, r.syntax(-1, "unexpected end of file after '[' (truncated document)")
			}
			if r.chunk[r.pos] == ']' {
				r.pos++
				r.state = stateAfterArray
				continue
			}
			r.state = stateElement
		case stateElement:
			e, err := r.element()
			if err != nil {
				r.state = stateDone
				return Element{}, err
			}
			r.state = stateAfterElement
			r.index++
			return e, nil
		case stateAfterElement:
			if !r.skipWS() {
				r.state = stateDone
				return Element{}, r.syntax(-1, "unexpected end of file after finding %d (truncated document: no closing ']')", r.index-1)
			}
			switch r.chunk[r.pos] {
			case ',':
				r.pos++
				if !r.skipWS() {
					r.state = stateDone
					return Element{}, r.syntax(-1, "unexpected end of file after ',' (truncated document)")
				}
				if r.chunk[r.pos] == ']' {
					r.state = stateDone
					return Element{}, r.syntax(-1, "trailing comma before ']'")
				}
				r.state = stateElement
			case ']':
				r.pos++
				r.state = stateAfterArray
			default:
				r.state = stateDone
				return Element{}, r.syntax(-1, "after finding %d: want ',' or ']', found %s", r.index-1, quoteByte(r.chunk[r.pos]))
			}
		case stateAfterArray:
			r.state = stateDone
			if r.skipWS() {
				return Element{}, r.syntax(-1, "data after the closing ']': %s", quoteByte(r.chunk[r.pos]))
			}
			if r.ioErr != nil {
				return Element{}, r.syntax(-1, "")
			}
			return Element{}, io.EOF
		}
	}
}

// structural marks the bytes that end a run of plain bytes outside strings.
var structural = func() (t [256]bool) {
	for _, c := range []byte("{}[]\",") {
		t[c] = true
	}
	return t
}()

// stringStop marks the bytes that end a run of plain bytes inside a string.
var stringStop = func() (t [256]bool) {
	t['"'], t['\\'] = true, true
	return t
}()

// element scans one element starting at r.pos (not white space).
func (r *Reader) element() (Element, error) {
	e := Element{Index: r.index, Offset: r.Offset()}
	r.elem = r.elem[:0]
	c := r.chunk[r.pos]
	switch {
	case c == '{' || c == '[' || c == '"':
		depth, inString, escaped := 0, false, false
		if c == '"' {
			inString = true
			r.pos++
			r.keep(&e, r.chunk[r.pos-1:r.pos])
		}
		for {
			if !r.fill() {
				what := "the finding"
				if inString {
					what = "a string"
				}
				return e, r.syntax(e.Index, "unexpected end of file inside finding %d, which starts at byte %d (%s is not closed: truncated document)", e.Index, e.Offset, what)
			}
			start := r.pos
			done := false
			for r.pos < r.end && !done {
				b := r.chunk[r.pos]
				if inString {
					if escaped {
						escaped = false
						r.pos++
						continue
					}
					if !stringStop[b] {
						// Fast run over plain string bytes.
						p := r.pos + 1
						for p < r.end && !stringStop[r.chunk[p]] {
							p++
						}
						r.pos = p
						continue
					}
					r.pos++
					if b == '\\' {
						escaped = true
					} else {
						inString = false
						done = depth == 0
					}
					continue
				}
				r.pos++
				switch b {
				case '"':
					inString = true
				case '{', '[':
					depth++
				case '}', ']':
					depth--
					done = depth <= 0
				}
			}
			r.keep(&e, r.chunk[start:r.pos])
			if done {
				break
			}
		}
	case c == ']' || c == ',' || c == '}':
		return e, r.syntax(e.Index, "want a finding, found %s", quoteByte(c))
	default:
		r.scalar(&e)
	}
	if !e.Oversize {
		e.Raw = r.elem
	}
	return e, nil
}

// keep appends b, the next bytes of element e, to r.elem, unless e is over
// the size limit (then r.elem is emptied and e marked Oversize).
func (r *Reader) keep(e *Element, b []byte) {
	e.Size += int64(len(b))
	if e.Oversize {
		return
	}
	need := len(r.elem) + len(b)
	if need > r.max {
		e.Oversize = true
		r.elem = r.elem[:0]
		return
	}
	if need > cap(r.elem) {
		// Grow to powers of two (append grows big slices by 1.25,
		// which would allocate several times the cap on the way up).
		size := 4096
		for size < need {
			size *= 2
		}
		grown := make([]byte, len(r.elem), min(size, r.max))
		copy(grown, r.elem)
		r.elem = grown
	}
	r.elem = append(r.elem, b...)
}

// scalar scans a scalar element e up to the next delimiter.
func (r *Reader) scalar(e *Element) {
	for {
		if !r.fill() {
			return
		}
		start := r.pos
		for r.pos < r.end {
			b := r.chunk[r.pos]
			if b == ' ' || b == '\t' || b == '\n' || b == '\r' || structural[b] {
				break
			}
			r.pos++
		}
		r.keep(e, r.chunk[start:r.pos])
		if r.pos < r.end {
			return
		}
	}
}

func describeStart(c byte) string {
	switch {
	case c == '{':
		return "a JSON object"
	case c == '"':
		return "a JSON string"
	case c == 0xEF:
		return "a byte-order mark"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a JSON number"
	case c == 't' || c == 'f' || c == 'n':
		return "a JSON literal"
	}
	return "it starts with " + quoteByte(c)
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
