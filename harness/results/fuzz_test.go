package results

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRead: any bytes read as a results file give a set or an error that
// names the file; never a panic, never a series without values.
func FuzzRead(f *testing.F) {
	f.Add([]byte("goos: linux\npkg: p\nBenchmarkX-2 10 100 ns/op 5 B/op\n"))
	f.Add([]byte("BenchmarkX-2 10 100 n"))
	f.Add([]byte("Unit ns/op assume=exact\nBenchmarkX/n=2-12 1 1 ns/op\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Read(bytes.NewReader(data), "fuzz.txt")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, s := range set.Series {
			if len(s.Values) == 0 {
				t.Fatalf("series %s %s without values", s.Name, s.Unit)
			}
		}
	})
}
