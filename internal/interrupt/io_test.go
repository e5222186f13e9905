package interrupt

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReaderWriter(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := Reader(ctx, strings.NewReader("abcdef"))
	var buf bytes.Buffer
	w := Writer(ctx, &buf)
	p := make([]byte, 3)
	n, err := r.Read(p)
	assert.NoError(t, err)
	_, werr := w.Write(p[:n])
	assert.NoError(t, werr)
	cancel()
	_, err = r.Read(p)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = w.Write(p)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "abc", buf.String(), "nothing passes after the context ended")
}
