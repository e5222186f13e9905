// Package jsontext holds the pieces of JSON string decoding that the
// project's strict readers share (the Go engine's scanner and the datasets
// profiler's parser): hex escapes and unescaping of validated strings.
package jsontext

import "unicode/utf8"

// Hex4 reads the four hex digits at d[p:p+4] (the XXXX of \uXXXX) and
// reports whether there were four valid digits.
func Hex4(d []byte, p int) (rune, bool) {
	if p+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// AppendUnescaped appends the value of raw, the contents of a JSON string
// without its quotes, to dst. raw must already have been validated (every
// escape well-formed, a high surrogate escape always followed by a low one):
// it is not checked again here.
func AppendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, _ := Hex4(raw, i+2)
			if r >= 0xD800 && r <= 0xDBFF {
				lo, _ := Hex4(raw, i+8)
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
			i += 6
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}
