package jsontext

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendUnescaped(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`plain`, "plain"},
		{`a\"b\\c\/d\b\f\n\r\t`, "a\"b\\c/d\b\f\n\r\t"},
		{`\u0041\u00e9`, "Aé"},
		{`x\uD83D\uDE00y`, "x😀y"},
		{`\ud83d\ude00`, "😀"},
		{`é raw`, "é raw"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(AppendUnescaped([]byte("pre:"), []byte(tt.raw)))[4:], tt.raw)
	}
}

func TestHex4(t *testing.T) {
	tests := []struct {
		in   string
		want rune
		ok   bool
	}{
		{"00e9", 0xe9, true}, {"D83D", 0xD83D, true}, {"abCD", 0xabcd, true},
		{"12g4", 0, false}, {"123", 0, false},
	}
	for _, tt := range tests {
		r, ok := Hex4([]byte(tt.in), 0)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, r, tt.in)
	}
}

// TestAppendQuoted pins the one string writer: short escapes where RFC
// 8259 has them (\b and \f included), \u00XX for other controls, UTF-8
// copied, invalid bytes as \ufffd.
func TestAppendQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain id-1", `"plain id-1"`},
		{`q"b\`, `"q\"b\\"`},
		{"\n\r\t\b\f", `"\n\r\t\b\f"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f</script>/", "\"\x7f</script>/\""},
		{"é😀\u2028", "\"é😀\u2028\""},
		{"a\xffb\xc3", `"a\ufffdb\ufffd"`},
	}
	for _, tt := range tests {
		got := string(AppendQuoted(nil, tt.in))
		assert.Equal(t, tt.want, got, "%q", tt.in)
		assert.True(t, json.Valid([]byte(got)), got)
	}
}
