package findingsjson

import (
	"fmt"
	"unicode/utf8"

	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// Kind is the JSON type of a value.
type Kind uint8

// JSON value kinds.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"invalid", "null", "a boolean", "a number", "a string", "an array", "an object"}

// String names the kind for messages ("a string", "an array").
func (k Kind) String() string { return kindNames[k] }

// Value is one parsed JSON value.
type Value struct {
	Kind Kind
	// Raw holds the value's bytes in the element (strings with their
	// quotes).
	Raw []byte
	// Escaped reports a string holding at least one escape sequence.
	Escaped bool
	// Integer reports a number with no fraction and no exponent part.
	Integer bool
	// True is the value of a boolean.
	True bool
	// Items are an array's elements; only collected for arrays that are
	// members of the element (their own containers are validated, and
	// their Items not collected).
	Items []Value
}

// Str returns a string value unescaped.
func (v Value) Str() string {
	if !v.Escaped {
		return string(v.Raw[1 : len(v.Raw)-1])
	}
	return string(jsontext.AppendUnescaped(nil, v.Raw[1:len(v.Raw)-1]))
}

// AppendStr appends a string value, unescaped, to dst.
func (v Value) AppendStr(dst []byte) []byte {
	if !v.Escaped {
		return append(dst, v.Raw[1:len(v.Raw)-1]...)
	}
	return jsontext.AppendUnescaped(dst, v.Raw[1:len(v.Raw)-1])
}

// Member is one member of the element object.
type Member struct {
	// Name is the unescaped member name; valid until the next Parse.
	Name  []byte
	Value Value
}

// ParseError is an element that is not well-formed JSON.
type ParseError struct {
	Offset int // byte offset in the element
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("byte %d of the finding: %s", e.Offset, e.Msg)
}

// Parser parses elements, reusing its buffers from one to the next.
type Parser struct {
	data    []byte
	pos     int
	members []Member
	items   []Value
	names   []byte
	err     *ParseError
}

// Parse checks raw, one element of the top-level array (at depth 2),
// strictly, and returns its value and, when it is an object, its members
// in document order (names unescaped, repeated names kept). The members
// and their Items are valid until the next call.
func (p *Parser) Parse(raw []byte) (Value, []Member, error) {
	p.data, p.pos, p.err = raw, 0, nil
	p.members, p.items = p.members[:0], p.items[:0]
	if cap(p.names) < len(raw) {
		p.names = make([]byte, 0, len(raw))
	}
	p.names = p.names[:0]
	p.skipWS()
	var v Value
	if p.peek() == '{' {
		v = p.topObject()
	} else {
		v = p.value(2, false)
	}
	if p.err == nil {
		p.skipWS()
		if p.pos < len(p.data) {
			p.fail("unexpected %s after the finding", p.describe())
		}
	}
	if p.err != nil {
		return Value{}, nil, p.err
	}
	return v, p.members, nil
}

func (p *Parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = &ParseError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
	}
}

func (p *Parser) describe() string {
	if p.pos >= len(p.data) {
		return "end of the finding"
	}
	return quoteByte(p.data[p.pos])
}

func (p *Parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

func (p *Parser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// topObject parses the element object, collecting its members.
func (p *Parser) topObject() Value {
	start := p.pos
	p.pos++ // '{'
	p.skipWS()
	if p.peek() == '}' {
		p.pos++
		return Value{Kind: Object, Raw: p.data[start:p.pos]}
	}
	for p.err == nil {
		p.skipWS()
		if p.peek() != '"' {
			p.fail("want a member name, found %s", p.describe())
			break
		}
		nameRaw, escaped := p.str()
		if p.err != nil {
			break
		}
		var name []byte
		if escaped {
			n0 := len(p.names)
			p.names = jsontext.AppendUnescaped(p.names, nameRaw[1:len(nameRaw)-1])
			name = p.names[n0:len(p.names):len(p.names)]
		} else {
			name = nameRaw[1 : len(nameRaw)-1]
		}
		p.skipWS()
		if p.peek() != ':' {
			p.fail("want ':' after a member name, found %s", p.describe())
			break
		}
		p.pos++
		p.skipWS()
		v := p.value(3, true)
		if p.err != nil {
			break
		}
		p.members = append(p.members, Member{Name: name, Value: v})
		p.skipWS()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return Value{Kind: Object, Raw: p.data[start:p.pos]}
		default:
			p.fail("want ',' or '}' in the finding, found %s", p.describe())
		}
	}
	return Value{}
}

// value parses one value at the given depth. collect asks for an array's
// Items.
func (p *Parser) value(depth int, collect bool) Value {
	start := p.pos
	switch c := p.peek(); {
	case c == '"':
		raw, escaped := p.str()
		return Value{Kind: String, Raw: raw, Escaped: escaped}
	case c == '{' || c == '[':
		if depth > MaxNesting {
			p.fail("nesting deeper than %d levels", MaxNesting)
			return Value{}
		}
		if c == '[' {
			return p.array(depth, collect)
		}
		p.object(depth)
		return Value{Kind: Object, Raw: p.data[start:p.pos]}
	case c == '-' || (c >= '0' && c <= '9'):
		integer := p.number()
		return Value{Kind: Number, Raw: p.data[start:p.pos], Integer: integer}
	case c == 't':
		p.literal("true")
		return Value{Kind: Bool, True: true, Raw: p.data[start:p.pos]}
	case c == 'f':
		p.literal("false")
		return Value{Kind: Bool, Raw: p.data[start:p.pos]}
	case c == 'n':
		p.literal("null")
		return Value{Kind: Null, Raw: p.data[start:p.pos]}
	}
	p.fail("want a value, found %s", p.describe())
	return Value{}
}

func (p *Parser) literal(lit string) {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		p.fail("invalid literal (want %s)", lit)
		return
	}
	p.pos += len(lit)
}

func (p *Parser) array(depth int, collect bool) Value {
	start := p.pos
	p.pos++ // '['
	first := len(p.items)
	p.skipWS()
	if p.peek() == ']' {
		p.pos++
		return Value{Kind: Array, Raw: p.data[start:p.pos]}
	}
	for p.err == nil {
		p.skipWS()
		v := p.value(depth+1, false)
		if p.err != nil {
			break
		}
		if collect {
			p.items = append(p.items, v)
		}
		p.skipWS()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			var items []Value
			if collect {
				items = p.items[first:len(p.items):len(p.items)]
			}
			return Value{Kind: Array, Raw: p.data[start:p.pos], Items: items}
		default:
			p.fail("want ',' or ']' in an array, found %s", p.describe())
		}
	}
	return Value{}
}

func (p *Parser) object(depth int) {
	p.pos++ // '{'
	p.skipWS()
	if p.peek() == '}' {
		p.pos++
		return
	}
	for p.err == nil {
		p.skipWS()
		if p.peek() != '"' {
			p.fail("want a member name, found %s", p.describe())
			return
		}
		p.str()
		p.skipWS()
		if p.peek() != ':' {
			p.fail("want ':' after a member name, found %s", p.describe())
			return
		}
		p.pos++
		p.skipWS()
		p.value(depth+1, false)
		p.skipWS()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return
		default:
			p.fail("want ',' or '}' in an object, found %s", p.describe())
		}
	}
}

// plainString marks bytes that stand for themselves in a string.
var plainString = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str parses a string (p.pos at its opening quote) and returns its raw
// bytes with quotes and whether it holds an escape.
func (p *Parser) str() ([]byte, bool) {
	start := p.pos
	p.pos++
	escaped := false
	d := p.data
	for {
		for p.pos < len(d) && plainString[d[p.pos]] {
			p.pos++
		}
		if p.pos >= len(d) {
			p.fail("string not closed")
			return nil, false
		}
		c := d[p.pos]
		switch {
		case c == '"':
			p.pos++
			return d[start:p.pos], escaped
		case c == '\\':
			escaped = true
			if !p.escape() {
				return nil, false
			}
		case c < 0x20:
			p.fail("raw control character 0x%02x in a string (must be escaped)", c)
			return nil, false
		default:
			r, size := utf8.DecodeRune(d[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				p.fail("invalid UTF-8 in a string")
				return nil, false
			}
			p.pos += size
		}
	}
}

// escape checks the escape sequence at p.pos and moves past it.
func (p *Parser) escape() bool {
	d := p.data
	if p.pos+1 >= len(d) {
		p.fail("string not closed")
		return false
	}
	switch d[p.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		p.pos += 2
		return true
	case 'u':
	default:
		p.fail("unknown escape \\%c", d[p.pos+1])
		return false
	}
	r, ok := jsontext.Hex4(d, p.pos+2)
	if !ok {
		p.fail("invalid \\u escape (want 4 hex digits)")
		return false
	}
	p.pos += 6
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		p.pos -= 6
		p.fail("unpaired low surrogate escape \\u%04x", r)
		return false
	case r >= 0xD800 && r <= 0xDBFF:
		if p.pos+1 < len(d) && d[p.pos] == '\\' && d[p.pos+1] == 'u' {
			if lo, ok := jsontext.Hex4(d, p.pos+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				p.pos += 6
				return true
			}
		}
		p.pos -= 6
		p.fail("unpaired high surrogate escape \\u%04x", r)
		return false
	}
	return true
}

// number parses a number (RFC 8259 grammar) and reports whether it is an
// integer (no fraction, no exponent).
func (p *Parser) number() bool {
	d := p.data
	digits := func() int {
		n := 0
		for p.pos < len(d) && d[p.pos] >= '0' && d[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
		if p.pos < len(d) && d[p.pos] >= '0' && d[p.pos] <= '9' {
			p.fail("leading zero in a number")
			return false
		}
	case digits() == 0:
		p.fail("invalid number (want a digit)")
		return false
	}
	integer := true
	if p.pos < len(d) && d[p.pos] == '.' {
		integer = false
		p.pos++
		if digits() == 0 {
			p.fail("invalid number (want a digit after '.')")
			return false
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		integer = false
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail("invalid number (want a digit in the exponent)")
			return false
		}
	}
	return integer
}
