package safeio

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDistinctFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(in, []byte("[]"), 0o644))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Link(in, link))
	other := filepath.Join(dir, "other.json")
	newOut := filepath.Join(dir, "new.json")

	tests := []struct {
		name    string
		ins     []File
		outs    []File
		wantErr string
	}{
		{"distinct", []File{{"--in", in}}, []File{{"--out", other}}, ""},
		{"same name", []File{{"--in", in}}, []File{{"--out", in}}, "--out " + in + " is the same file as the input --in " + in},
		{"hard link", []File{{"--in", in}}, []File{{"--out", link}}, "is the same file as the input --in"},
		{"other spelling", []File{{"--in", in}}, []File{{"--out", filepath.Join(dir, ".", "in.json")}}, "same file"},
		{"two outputs, new", []File{{"--in", in}}, []File{{"-o", newOut}, {"--mapping", newOut}}, "-o " + newOut + " and --mapping " + newOut + " are the same file"},
		{"stdout skipped", []File{{"--in", in}}, []File{{"--out", "-"}, {"--json", ""}}, ""},
		{"devices skipped", []File{{"--in", os.DevNull}}, []File{{"--out", os.DevNull}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := DistinctFiles(tt.ins, tt.outs)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestLexerPrefixes(t *testing.T) {
	valid := []string{
		`[]`, ` [ {"a": "b\u00e9\n\"", "n": -1.5e+3, "t": true, "f": false, "z": null} ] `,
		`"x"`, `123`, "[\n\t{}\r\n]",
	}
	for _, doc := range valid {
		for i := 0; i <= len(doc); i++ {
			var l Lexer
			assert.Equal(t, i, l.Write([]byte(doc[:i])), "prefix %q", doc[:i])
		}
		// Fed byte by byte: same answer.
		var l Lexer
		for i := range len(doc) {
			require.Equal(t, 1, l.Write([]byte{doc[i]}), "byte %d of %q", i, doc)
		}
	}
	bad := []struct {
		doc string
		at  int64
	}{
		{"\x00", 0}, {"[\x00]", 1}, {`["a` + "\x01", 3}, {`["\x"]`, 3}, {`["\u12G4"]`, 6}, {`[x]`, 1}, {"[1,\xff]", 3},
	}
	for _, b := range bad {
		var l Lexer
		n := l.Write([]byte(b.doc))
		off, _, ok := l.Stopped()
		require.True(t, ok, "%q must stop", b.doc)
		assert.Equal(t, b.at, off, "%q", b.doc)
		assert.Equal(t, int(b.at), n)
		assert.Contains(t, l.Reason(), "cannot start or continue a JSON document")
	}
}

func TestReadDocument(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.json")
	require.NoError(t, os.WriteFile(ok, []byte(`[{"id":"a"}]`), 0o644))
	data, stopped, err := ReadDocument(ok, 100)
	require.NoError(t, err)
	assert.Equal(t, `[{"id":"a"}]`, string(data))
	assert.Empty(t, stopped)

	_, _, err = ReadDocument(ok, 5)
	var tl *TooLargeError
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, int64(12), tl.Size, "a regular file is refused by its size, before reading")
	assert.Contains(t, err.Error(), "exceeds the limit of 5 bytes")

	data, stopped, err = ReadDocument("/dev/zero", 1<<30)
	require.NoError(t, err)
	assert.Equal(t, []byte{0}, data, "reading /dev/zero stops after its first byte")
	assert.Contains(t, stopped, "byte 0 (0x00)")

	// A regular file is read whole (the engine's parser stops at its bad
	// byte); a stream is cut just after it.
	bad := "[1,\x002,3]" + strings.Repeat(" ", 100)
	cut := filepath.Join(dir, "cut.json")
	require.NoError(t, os.WriteFile(cut, []byte(bad), 0o644))
	data, stopped, err = ReadDocument(cut, 1000)
	require.NoError(t, err)
	assert.Equal(t, bad, string(data))
	assert.Empty(t, stopped)
	data, stopped, err = ReadDocument(pipeOf(t, bad), 1000)
	require.NoError(t, err)
	assert.Equal(t, "[1,\x00", string(data))
	assert.Contains(t, stopped, "byte 3 (0x00)")

	// A regular file holding more than its size says (procfs says 0) is
	// guarded past its size like a stream.
	if _, err := os.Stat("/proc/self/status"); err == nil {
		data, stopped, err = ReadDocument("/proc/self/status", 1000)
		require.NoError(t, err)
		assert.Equal(t, "N", string(data), "/proc/self/status starts with Name:")
		assert.Contains(t, stopped, "byte 0 (0x4e)")
	}

	// A device is read up to the limit and refused past it.
	_, _, err = ReadDocument(pipeOf(t, strings.Repeat(" ", 4096)), 1000)
	require.ErrorAs(t, err, &tl)
	assert.Contains(t, err.Error(), "exceeds 1000 bytes")

	_, _, err = ReadDocument(filepath.Join(dir, "missing"), 10)
	assert.True(t, errors.Is(err, os.ErrNotExist))
}

func itoa(n int) string { return strconv.Itoa(n) }

// pipeOf returns a path reading text through a pipe (a stream, not a
// regular file), closed when the test ends.
func pipeOf(t *testing.T, text string) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	go func() { w.Write([]byte(text)); w.Close() }()
	return "/dev/fd/" + itoa(int(r.Fd()))
}

func TestLimitedBuffer(t *testing.T) {
	calls := 0
	b := &LimitedBuffer{Name: "engine x", Limit: 8, OnOverflow: func() { calls++ }}
	n, err := b.Write([]byte("12345"))
	assert.Equal(t, 5, n)
	require.NoError(t, err)
	_, err = b.Write([]byte("6789"))
	require.Error(t, err)
	assert.EqualError(t, err, "engine x: output exceeds 8 bytes")
	_, err = b.Write([]byte("1"))
	require.Error(t, err)
	assert.Equal(t, 1, calls)
	assert.Equal(t, "12345", string(b.Bytes()))
	assert.Equal(t, err, b.Err())
}

func TestDefaultLimit(t *testing.T) {
	assert.GreaterOrEqual(t, DefaultLimit(), int64(1<<30))
}

func TestLimitedBufferChunks(t *testing.T) {
	b := &LimitedBuffer{Limit: 4 << 20}
	var want []byte
	for i := 0; len(want) < 3<<20; i++ {
		p := []byte(strings.Repeat(string(rune('a'+i%26)), 1+i*7919%100000))
		n, err := b.Write(p)
		require.NoError(t, err)
		require.Equal(t, len(p), n)
		want = append(want, p...)
	}
	assert.Equal(t, want, b.Bytes())
	_, err := b.Write([]byte("tail"))
	require.NoError(t, err)
	assert.Equal(t, append(want, "tail"...), b.Bytes())
}

// BenchmarkReadDocument measures the guarded read of a findings file
// (AEGISBENCH_LEXER_FILE, default the 2000-finding cached dataset), the
// cost the guard adds to every command that reads findings.
func BenchmarkReadDocument(b *testing.B) {
	path := benchFile(b)
	for b.Loop() {
		if _, _, err := ReadDocument(path, 1<<40); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFile is os.ReadFile of the same file, for comparison.
func BenchmarkReadFile(b *testing.B) {
	path := benchFile(b)
	for b.Loop() {
		if _, err := os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLexer is the lexical check alone, in memory.
func BenchmarkLexer(b *testing.B) {
	data, err := os.ReadFile(benchFile(b))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var l Lexer
		if l.Write(data) != len(data) {
			b.Fatal(l.Reason())
		}
	}
}

// benchFile is the file the read benchmarks read ($AEGISBENCH_LEXER_FILE,
// default the 2000-finding cached dataset); it sets the bytes per op.
func benchFile(b *testing.B) string {
	path := os.Getenv("AEGISBENCH_LEXER_FILE")
	if path == "" {
		path = filepath.Join("..", "..", "datasets", "cache", "realistic-2000-s1.json")
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Skipf("no dataset: %v", err)
	}
	b.SetBytes(fi.Size())
	return path
}
