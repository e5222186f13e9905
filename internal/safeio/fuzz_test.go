package safeio

import (
	"encoding/json"
	"testing"
)

// FuzzLexer: the lexer never refuses a byte of a valid JSON text (it is
// prefix-closed), and when it refuses one the prefix up to and including
// it is not valid JSON.
func FuzzLexer(f *testing.F) {
	for _, s := range []string{`[]`, `[{"a":"b\u00e9\n","n":-1.5e+3,"t":true,"z":null}]`, "\x00", `["\x"]`, `{"a":[1,2,{"b":"\\"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l Lexer
		n := l.Write(data)
		if json.Valid(data) && n != len(data) {
			t.Fatalf("valid JSON %q refused at byte %d", data, n)
		}
		if n < len(data) && json.Valid(data[:n+1]) {
			t.Fatalf("refused byte %d of %q, but the prefix through it is valid JSON", n, data)
		}
		// Fed in two pieces: the same answer.
		var l2 Lexer
		half := len(data) / 2
		n2 := l2.Write(data[:half])
		if n2 == half {
			n2 += l2.Write(data[half:])
		}
		if n2 != n {
			t.Fatalf("split feeding stopped at %d, whole at %d: %q", n2, n, data)
		}
	})
}
