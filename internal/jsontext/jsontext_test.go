package jsontext

import (
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
