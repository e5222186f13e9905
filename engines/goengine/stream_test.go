package goengine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
)

// streamChunks are the window sizes the two-mode tests stream with: tiny
// ones end a window inside every kind of token.
var streamChunks = []int{2, 3, 5, 7, 16, 61, 1024, StreamChunk}

// decodeBoth decodes doc in memory (Decode) and streamed (decodeReader at
// every size of streamChunks, and one byte per read), requires the same
// findings or the same error document from every mode, and returns
// Decode's answer.
func decodeBoth(t *testing.T, doc []byte) ([]Finding, error) {
	t.Helper()
	want, wantErr := Decode(doc)
	readers := map[string]func() io.Reader{}
	for _, c := range streamChunks {
		readers[fmt.Sprintf("chunk=%d", c)] = func() io.Reader { return bytes.NewReader(doc) }
	}
	readers["one-byte-reads"] = func() io.Reader { return iotest.OneByteReader(bytes.NewReader(doc)) }
	for name, r := range readers {
		chunk := StreamChunk
		fmt.Sscanf(name, "chunk=%d", &chunk)
		if name == "one-byte-reads" {
			chunk = 64
		}
		got, err := decodeReader(r(), chunk)
		if wantErr != nil {
			require.Error(t, err, "%s: streaming accepted what Decode rejects: %v", name, wantErr)
			var we, ge *engines.Error
			require.True(t, errors.As(wantErr, &we) && errors.As(err, &ge), "%s: %v / %v", name, wantErr, err)
			require.Equal(t, string(we.Document()), string(ge.Document()), "%s: error documents differ", name)
			continue
		}
		require.NoError(t, err, name)
		require.Equal(t, want, got, "%s: findings differ", name)
	}
	return want, wantErr
}

// TestStreamingModesAgree runs documents whose failures sit at every depth
// and kind of token, and whole generated documents, through both modes.
func TestStreamingModesAgree(t *testing.T) {
	g := good("a").String()
	var gen bytes.Buffer
	require.NoError(t, generators.Generate(&gen, generators.Config{Findings: 120, Seed: 3, Shape: "adversarial"}))
	whole := gen.Bytes()
	docs := map[string][]byte{
		"generated adversarial": whole,
		"invalid UTF-8 late":    append(bytes.TrimRight(whole[:len(whole)-2], "\n"), []byte(",\"\xff\"]")...),
		"over-deep late":        []byte(arr(g, good("b").add(`"n"`, strings.Repeat("[", 63)+strings.Repeat("]", 63)).String())),
		"over-deep top level":   []byte(strings.Repeat("[", 70)),
		"empty array":           []byte(" [ ] "),
		"non-array top level":   []byte(`{"a":[1,2,3]}`),
		"numbers at top level":  []byte("[1,23,456,7890]"),
		"field error then dup":  []byte(arr(good("a").set(`"epss_e5"`, `-1`).String(), g, g)),
		"dup then field error":  []byte(arr(g, g, good("c").set(`"epss_e5"`, `-1`).String())),
		"lines and columns":     []byte("[\n" + g + ",\n  " + g + "\n]"),
	}
	for cut := 1; cut < len(whole); cut += len(whole)/97 + 1 {
		docs[fmt.Sprintf("truncated at %d", cut)] = whole[:cut]
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) { decodeBoth(t, doc) })
	}
}

// TestDecodeReaderReportsReadErrors checks a failing reader is an error
// that is not an engine error document.
func TestDecodeReaderReportsReadErrors(t *testing.T) {
	r := io.MultiReader(strings.NewReader("["+good("a").String()+","), iotest.ErrReader(errors.New("disk on fire")))
	_, err := decodeReader(r, 8)
	require.Error(t, err)
	var engErr *engines.Error
	assert.False(t, errors.As(err, &engErr), "a read error is not bad input: %v", err)
	assert.Contains(t, err.Error(), "disk on fire")
}
