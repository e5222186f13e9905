package safeio

import (
	"encoding/binary"
	"fmt"
	"io"
)

// byteClass tells what a byte may be outside a JSON string: whitespace,
// structure, the start of a string, or part of a number or literal (true,
// false, null). Every other byte (NUL, letters other than those of the
// literals, control characters) cannot appear outside a string in any JSON
// text.
var outsideOK = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n{}[],:\"0123456789+-.eEtrufalsn") {
		t[c] = true
	}
	return t
}()

// stringStop are the bytes that end a run of plain string contents: the
// quote, the backslash and the control characters (impossible there).
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// outsidePlain are the bytes outside strings that need no state change:
// every allowed one but the quote.
var outsidePlain = func() (t [256]bool) {
	t = outsideOK
	t['"'] = false
	return t
}()

// escapeOK are the bytes that may follow a backslash in a JSON string.
var escapeOK = func() (t [256]bool) {
	for _, c := range []byte(`"\/bfnrtu`) {
		t[c] = true
	}
	return t
}()

var hexOK = func() (t [256]bool) {
	for _, c := range []byte("0123456789abcdefABCDEF") {
		t[c] = true
	}
	return t
}()

// Lexer is a cheap, prefix-closed check of JSON text: it accepts every
// prefix of every valid JSON text and stops at the first byte that no
// JSON text can hold at that place as far as tokens go (a NUL outside a
// string, a control character inside one, a bad escape). It does not
// check the structure (brackets, commas): the engines' parsers do, and a
// document cut just after the bad byte gets from them the same answer as
// the whole file would, because a parser reads left to right. It runs at
// memory speed, so it can guard every read.
type Lexer struct {
	off      int64 // bytes accepted so far
	inString bool
	escape   bool
	hex      int // \u digits still expected
	bad      int64
	badByte  byte
	stopped  bool
}

// Write feeds p and returns how many bytes were accepted: len(p) when all
// were, else the index of the bad byte (Stopped then reports it). The
// common runs (string contents, structure between strings) are skipped by
// table lookups; the per-byte state machine handles quotes, escapes and
// bad bytes.
func (l *Lexer) Write(p []byte) int {
	if l.stopped {
		return 0
	}
	for i := 0; i < len(p); i++ {
		if l.inString && !l.escape && l.hex == 0 {
			i = skipString(p, i)
		} else if !l.inString {
			for i < len(p) && outsidePlain[p[i]] {
				i++
			}
		}
		if i == len(p) {
			break
		}
		if !l.step(p[i]) {
			return l.stop(i, p[i])
		}
	}
	l.off += int64(len(p))
	return len(p)
}

// Word-at-a-time masks (the "has a zero byte" and "has a byte less
// than n" bit tricks).
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipString returns the index of the first byte at or after i that ends
// a run of plain string contents (stringStop), eight bytes at a time.
func skipString(p []byte, i int) int {
	for ; i+8 <= len(p); i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		quote, backslash := w^(ones*'"'), w^(ones*'\\')
		if ((w-ones*0x20)&^w|(quote-ones)&^quote|(backslash-ones)&^backslash)&highs != 0 {
			break
		}
	}
	for i < len(p) && !stringStop[p[i]] {
		i++
	}
	return i
}

// step advances the state machine by one byte; false when the byte is
// impossible there.
func (l *Lexer) step(c byte) bool {
	switch {
	case l.hex > 0:
		if !hexOK[c] {
			return false
		}
		l.hex--
	case l.escape:
		if !escapeOK[c] {
			return false
		}
		l.escape = false
		if c == 'u' {
			l.hex = 4
		}
	case l.inString:
		switch {
		case c == '"':
			l.inString = false
		case c == '\\':
			l.escape = true
		case c < 0x20:
			return false
		}
	default:
		if !outsideOK[c] {
			return false
		}
		l.inString = c == '"'
	}
	return true
}

func (l *Lexer) stop(i int, c byte) int {
	l.bad = l.off + int64(i)
	l.badByte = c
	l.stopped = true
	l.off += int64(i)
	return i
}

// Stopped reports the offset and value of the first impossible byte, if
// one was seen.
func (l *Lexer) Stopped() (offset int64, b byte, ok bool) {
	return l.bad, l.badByte, l.stopped
}

// Reason describes the stop for a message: "byte 0 (0x00) cannot start or
// continue a JSON document".
func (l *Lexer) Reason() string {
	if !l.stopped {
		return ""
	}
	return fmt.Sprintf("byte %d (%#02x) cannot start or continue a JSON document", l.bad, l.badByte)
}

// Guard wraps a reader of a JSON document. It passes the bytes through
// until the first byte the Lexer refuses, passes that byte too (so the
// parser behind it reports the error at the right offset), and then
// answers io.EOF: reading /dev/zero ends after one byte. It also ends
// with an error once more than Limit bytes were read (Limit <= 0: no
// limit).
type Guard struct {
	R     io.Reader
	Name  string // for messages
	Limit int64
	lex   Lexer
	n     int64
}

// Read implements io.Reader.
func (g *Guard) Read(p []byte) (int, error) {
	if _, _, stopped := g.lex.Stopped(); stopped {
		return 0, io.EOF
	}
	n, err := g.R.Read(p)
	if k := g.lex.Write(p[:n]); k < n {
		n, err = k+1, nil
	}
	g.n += int64(n)
	if g.Limit > 0 && g.n > g.Limit {
		return 0, &TooLargeError{Name: g.Name, Limit: g.Limit}
	}
	return n, err
}

// Stopped reports why the guard ended the document early ("" if it did
// not).
func (g *Guard) Stopped() string { return g.lex.Reason() }

// TooLargeError is an input or answer over its size limit.
type TooLargeError struct {
	Name  string
	Size  int64 // the file's size when known before reading, else 0
	Limit int64
	What  string // "input" (default) or "output"
}

func (e *TooLargeError) Error() string {
	what := e.What
	if what == "" {
		what = "input"
	}
	if e.Size > 0 {
		return fmt.Sprintf("%s: %s of %d bytes exceeds the limit of %d bytes (raise it with --max-input)", e.Name, what, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s: %s exceeds %d bytes", e.Name, what, e.Limit)
}
