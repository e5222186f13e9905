package goengine

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// MaxNesting is the deepest nesting of arrays and objects the readers
// accept. The spec (section 5) leaves deeper documents
// implementation-defined; this engine answers invalid_json for them. The
// top-level array is level 1, a finding object level 2, so a finding member
// may nest 62 more levels. Nesting is tracked with a counter and a fixed
// stack, never by recursion, so a document of a million '[' cannot
// overflow the goroutine stack.
const MaxNesting = 64

// scanner is a strict RFC 8259 reader over a byte slice. Every method that
// consumes input validates it fully (UTF-8, escapes, surrogate pairs,
// control characters, number grammar). On the first syntax error it records
// the position and message in err and returns false; callers stop at once.
//
// The slice is either the whole document (in memory: r is nil) or a window
// of a document read from r in bounded chunks (streaming, stream.go). A
// window may end inside a value; the failure that causes is recognized by
// truncated and the value is read again from a larger window, so both modes
// give the same results and the same errors.
type scanner struct {
	data  []byte
	pos   int
	depth int
	// errPos and errMsg describe the first syntax error; errMsg == "" means none.
	errPos int
	errMsg string

	// Streaming: the reader, whether it is exhausted, and where data[0]
	// lies in the document (byte offset, lines before it, its column - 1).
	r       io.Reader
	chunk   int
	eof     bool
	readErr error
	base    int
	lines   int
	col     int
}

// fail records a syntax error at pos and returns false.
func (s *scanner) fail(pos int, format string, args ...any) bool {
	if s.errMsg == "" {
		s.errPos = pos
		s.errMsg = fmt.Sprintf(format, args...)
	}
	return false
}

// jsonError returns the invalid_json error for the recorded syntax error,
// naming line, column and byte offset.
func (s *scanner) jsonError() *engines.Error {
	line, col := 1+s.lines, 1+s.col
	end := min(s.errPos, len(s.data))
	for i := 0; i < end; i++ {
		if s.data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return engines.NewJSONError(fmt.Sprintf("invalid JSON at line %d, column %d (byte %d): %s", line, col, s.base+s.errPos, s.errMsg))
}

// describe names the byte at pos for error messages.
func (s *scanner) describe(pos int) string {
	if pos >= len(s.data) {
		return "end of input"
	}
	c := s.data[pos]
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// skipWS skips JSON white space (space, tab, line feed, carriage return).
func (s *scanner) skipWS() {
	d, p := s.data, s.pos
	for p < len(d) {
		switch d[p] {
		case ' ', '\t', '\n', '\r':
			p++
		default:
			s.pos = p
			return
		}
	}
	s.pos = p
}

// peek returns the byte at pos after white space, or 0 at end of input.
func (s *scanner) peek() byte {
	s.skipWS()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// open enters an array or object (the byte at pos), enforcing MaxNesting.
func (s *scanner) open() bool {
	s.depth++
	if s.depth > MaxNesting {
		return s.fail(s.pos, "nesting deeper than %d levels", MaxNesting)
	}
	s.pos++
	return true
}

// strSafe marks bytes that may appear in a string without further checks:
// printable ASCII other than '"' and '\\'.
var strSafe = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainWord reports whether all 8 bytes of w are strSafe.
func plainWord(w uint64) bool {
	ctl := (w - ones*0x20) & ^w & highs // some byte < 0x20
	xq := w ^ (ones * '"')
	quote := (xq - ones) & ^xq & highs
	xb := w ^ (ones * '\\')
	bslash := (xb - ones) & ^xb & highs
	return (ctl | quote | bslash | (w & highs)) == 0
}

// readString reads the string starting at pos (which must hold '"'),
// validating it. It returns the raw content between the quotes and whether
// it holds escapes (then unescape gives its value).
func (s *scanner) readString() (raw []byte, escaped, ok bool) {
	d := s.data
	start := s.pos + 1
	p := start
	for {
		for p+8 <= len(d) && plainWord(binary.LittleEndian.Uint64(d[p:])) {
			p += 8
		}
		for p < len(d) && strSafe[d[p]] {
			p++
		}
		if p >= len(d) {
			return nil, false, s.fail(p, "unterminated string")
		}
		c := d[p]
		switch {
		case c == '"':
			s.pos = p + 1
			return d[start:p], escaped, true
		case c == '\\':
			escaped = true
			n, ok := s.checkEscape(p)
			if !ok {
				return nil, false, false
			}
			p += n
		case c < 0x20:
			return nil, false, s.fail(p, "control character 0x%02x in string", c)
		default: // c >= 0x80
			r, size := utf8.DecodeRune(d[p:])
			if r == utf8.RuneError && size <= 1 {
				return nil, false, s.fail(p, "invalid UTF-8 byte 0x%02x in string", c)
			}
			p += size
		}
	}
}

// checkEscape validates the escape sequence at p (d[p] == '\\') and returns
// its length, including a following low surrogate escape for a high one.
func (s *scanner) checkEscape(p int) (int, bool) {
	d := s.data
	if p+1 >= len(d) {
		return 0, s.fail(p, "unterminated escape")
	}
	switch d[p+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		r, ok := jsontext.Hex4(d, p+2)
		if !ok {
			return 0, s.fail(p, "invalid \\u escape")
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return 0, s.fail(p, "unpaired low surrogate \\u%04x", r)
		case r >= 0xD800 && r <= 0xDBFF:
			if p+7 < len(d) && d[p+6] == '\\' && d[p+7] == 'u' {
				if lo, ok := jsontext.Hex4(d, p+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					return 12, true
				}
			}
			return 0, s.fail(p, "unpaired high surrogate \\u%04x", r)
		}
		return 6, true
	default:
		return 0, s.fail(p, "invalid escape %s", s.describe(p+1))
	}
}

// number describes a number token.
type number struct {
	raw     []byte
	integer bool // no fraction and no exponent
}

// readNumber reads the number starting at pos.
func (s *scanner) readNumber() (number, bool) {
	d := s.data
	start, p := s.pos, s.pos
	if p < len(d) && d[p] == '-' {
		p++
	}
	switch {
	case p < len(d) && d[p] == '0':
		p++
	case p < len(d) && d[p] >= '1' && d[p] <= '9':
		p++
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	default:
		return number{}, s.fail(p, "invalid number: expected a digit, found %s", s.describe(p))
	}
	integer := true
	if p < len(d) && d[p] == '.' {
		integer = false
		p++
		if p >= len(d) || d[p] < '0' || d[p] > '9' {
			return number{}, s.fail(p, "invalid number: expected a digit after '.', found %s", s.describe(p))
		}
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	}
	if p < len(d) && (d[p] == 'e' || d[p] == 'E') {
		integer = false
		p++
		if p < len(d) && (d[p] == '+' || d[p] == '-') {
			p++
		}
		if p >= len(d) || d[p] < '0' || d[p] > '9' {
			return number{}, s.fail(p, "invalid number: expected a digit in the exponent, found %s", s.describe(p))
		}
		for p < len(d) && d[p] >= '0' && d[p] <= '9' {
			p++
		}
	}
	s.pos = p
	return number{raw: d[start:p], integer: integer}, true
}

// int64Value returns the value of an integer token, false when it does not
// fit in an int64 ("-0" is 0).
func (n number) int64Value() (int64, bool) {
	digits := n.raw
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range digits {
		u = u*10 + uint64(c-'0') // at most 19 digits: no uint64 overflow
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true // -(1<<63) wraps to math.MinInt64, as intended
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// readLiteral reads true, false or null at pos.
func (s *scanner) readLiteral(lit string) bool {
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return true
	}
	return s.fail(s.pos, "invalid literal: expected %s", lit)
}

// skipValue validates and skips the value at pos (after white space),
// iteratively: nested containers are tracked on a fixed stack.
func (s *scanner) skipValue() bool {
	var stack [MaxNesting + 1]byte // the closing byte expected at each level
	base := s.depth
	for {
		// A value is expected here.
		switch c := s.peek(); c {
		case '"':
			if _, _, ok := s.readString(); !ok {
				return false
			}
		case '{', '[':
			if !s.open() {
				return false
			}
			if c == '{' {
				stack[s.depth-base] = '}'
				if s.peek() == '}' {
					s.pos++
					s.depth--
					break
				}
				if !s.readKeyColon() {
					return false
				}
				continue
			}
			stack[s.depth-base] = ']'
			if s.peek() == ']' {
				s.pos++
				s.depth--
				break
			}
			continue
		case 't':
			if !s.readLiteral("true") {
				return false
			}
		case 'f':
			if !s.readLiteral("false") {
				return false
			}
		case 'n':
			if !s.readLiteral("null") {
				return false
			}
		default:
			if c == '-' || (c >= '0' && c <= '9') {
				if _, ok := s.readNumber(); !ok {
					return false
				}
			} else {
				return s.fail(s.pos, "expected a value, found %s", s.describe(s.pos))
			}
		}
		// A value was consumed: close containers or move to the next item.
		for {
			if s.depth == base {
				return true
			}
			closer := stack[s.depth-base]
			c := s.peek()
			if c == ',' {
				s.pos++
				if closer == '}' && !s.readKeyColon() {
					return false
				}
				break
			}
			if c != closer {
				return s.fail(s.pos, "expected ',' or '%c', found %s", closer, s.describe(s.pos))
			}
			s.pos++
			s.depth--
		}
	}
}

// readKeyColon reads a member name and the following ':' (the next
// non-space byte must be '"').
func (s *scanner) readKeyColon() bool {
	if s.peek() != '"' {
		return s.fail(s.pos, "expected a member name, found %s", s.describe(s.pos))
	}
	if _, _, ok := s.readString(); !ok {
		return false
	}
	if s.peek() != ':' {
		return s.fail(s.pos, "expected ':' after member name, found %s", s.describe(s.pos))
	}
	s.pos++
	return true
}

// readKey reads a member name at pos (after white space) and the ':' that
// follows, returning the unescaped name (in scratch when it had escapes).
func (s *scanner) readKey(scratch *[]byte) ([]byte, bool) {
	if s.peek() != '"' {
		return nil, s.fail(s.pos, "expected a member name, found %s", s.describe(s.pos))
	}
	raw, esc, ok := s.readString()
	if !ok {
		return nil, false
	}
	if esc {
		*scratch = jsontext.AppendUnescaped((*scratch)[:0], raw)
		raw = *scratch
	}
	if s.peek() != ':' {
		return nil, s.fail(s.pos, "expected ':' after member name, found %s", s.describe(s.pos))
	}
	s.pos++
	s.skipWS()
	return raw, true
}

// next reads the separator after a member or element: it returns more=true
// after ',' and more=false after closer.
func (s *scanner) next(closer byte) (more, ok bool) {
	switch c := s.peek(); c {
	case ',':
		s.pos++
		return true, true
	case closer:
		s.pos++
		s.depth--
		return false, true
	default:
		return false, s.fail(s.pos, "expected ',' or '%c', found %s", closer, s.describe(s.pos))
	}
}

// kindOf names the JSON type of the value starting with c, for messages.
func kindOf(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// arrayStart reads the top level up to the first element: leading white
// space and '['. It reports empty=true for "[]".
func (s *scanner) arrayStart() (empty, ok bool) {
	if len(s.data) >= 3 && s.data[0] == 0xEF && s.data[1] == 0xBB && s.data[2] == 0xBF {
		return false, s.fail(0, "byte-order mark before the document")
	}
	c := s.peek()
	if c != '[' {
		if s.pos >= len(s.data) {
			return false, s.fail(s.pos, "empty document")
		}
		// Validate what is there, so the message says which is wrong.
		if s.skipValue() {
			return false, s.fail(0, "top level is %s, not an array of findings", kindOf(c))
		}
		return false, false
	}
	if !s.open() {
		return false, false
	}
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return true, true
	}
	return false, true
}

// end checks that only white space follows the top-level value.
func (s *scanner) end() bool {
	s.skipWS()
	if s.pos != len(s.data) {
		return s.fail(s.pos, "unexpected %s after the top-level value", s.describe(s.pos))
	}
	return true
}
