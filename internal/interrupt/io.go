package interrupt

import (
	"context"
	"io"
)

// Reader returns a reader whose reads fail with ctx's error once ctx has
// ended, so a long read of a file stops at an interruption.
func Reader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

// Writer returns a writer whose writes fail with ctx's error once ctx has
// ended, so a long write stops at an interruption.
func Writer(ctx context.Context, w io.Writer) io.Writer { return ctxWriter{ctx, w} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
