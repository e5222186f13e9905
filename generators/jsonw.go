package generators

import (
	"strconv"
	"unicode/utf8"

	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// escapeMode selects how a string is written as a JSON string. Every mode
// decodes to the same value; the adversarial shape varies them so that
// engines must compare strings after unescaping.
type escapeMode uint8

const (
	// escMinimal escapes only what RFC 8259 requires (", \ and controls):
	// jsontext.AppendQuoted, the project's one string writer.
	escMinimal escapeMode = iota
	// escNonASCII also writes every non-ASCII rune as \uXXXX, astral runes
	// as a surrogate pair.
	escNonASCII
	// escAll writes every rune as \uXXXX (upper-case hex digits).
	escAll
	// escSolidus is escMinimal plus "/" written as "\/".
	escSolidus
)

const hexLower = "0123456789abcdef"
const hexUpper = "0123456789ABCDEF"

// appendJSONString appends s as a quoted JSON string. s must be valid UTF-8.
func appendJSONString(dst []byte, s string, mode escapeMode) []byte {
	if mode == escMinimal {
		return jsontext.AppendQuoted(dst, s)
	}
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case mode == escAll:
			dst = appendUEscape(dst, c, hexUpper)
		case c < 0x80:
			b := byte(c)
			if mode == escSolidus && b == '/' {
				dst = append(dst, '\\', '/')
			} else if b < 0x20 || b == '"' || b == '\\' {
				dst = jsontext.AppendEscapedASCII(dst, b)
			} else {
				dst = append(dst, b)
			}
		case mode == escNonASCII:
			dst = appendUEscape(dst, c, hexLower)
		default:
			dst = utf8.AppendRune(dst, c)
		}
	}
	return append(dst, '"')
}

// appendUEscape appends c as \uXXXX, or as a surrogate pair above U+FFFF.
func appendUEscape(dst []byte, c rune, digits string) []byte {
	if c > 0xFFFF {
		c -= 0x10000
		dst = appendU16(dst, 0xD800+uint16(c>>10), digits)
		return appendU16(dst, 0xDC00+uint16(c&0x3FF), digits)
	}
	return appendU16(dst, uint16(c), digits)
}

func appendU16(dst []byte, u uint16, digits string) []byte {
	return append(dst, '\\', 'u', digits[u>>12], digits[(u>>8)&15], digits[(u>>4)&15], digits[u&15])
}

// appendHex appends the n low hex digits of x (n <= 16), lower case.
func appendHex(dst []byte, x uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexLower[(x>>(4*uint(i)))&15])
	}
	return dst
}

// hexString returns the n low hex digits of x.
func hexString(x uint64, n int) string {
	var b [16]byte
	return string(appendHex(b[:0], x, n))
}

// decimal is a JSON number written without floating point: mant x 10^-scale.
type decimal struct {
	mant  int64
	scale int
}

// appendDecimal appends d in plain positional form with exactly d.scale
// fraction digits ("7.5", "8.0", "100").
func appendDecimal(dst []byte, d decimal) []byte {
	if d.scale <= 0 {
		return strconv.AppendInt(dst, d.mant, 10)
	}
	m := d.mant
	if m < 0 {
		dst = append(dst, '-')
		m = -m
	}
	p := int64(1)
	for i := 0; i < d.scale; i++ {
		p *= 10
	}
	dst = strconv.AppendInt(dst, m/p, 10)
	dst = append(dst, '.')
	frac := strconv.AppendInt(nil, m%p, 10)
	for i := len(frac); i < d.scale; i++ {
		dst = append(dst, '0')
	}
	return append(dst, frac...)
}
