package safeio

import (
	"bytes"
	"sync"
)

// LimitedBuffer collects an engine's output up to Limit bytes. The write
// that would pass the limit fails with a *TooLargeError (What "output")
// and calls OnOverflow once (which kills the engine), so a program
// flooding its stdout costs at most Limit bytes of memory.
type LimitedBuffer struct {
	Name       string
	Limit      int64
	OnOverflow func()
	mu         sync.Mutex
	buf        bytes.Buffer
	err        error
}

// Write implements io.Writer.
func (b *LimitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if b.Limit > 0 && int64(b.buf.Len())+int64(len(p)) > b.Limit {
		b.err = &TooLargeError{Name: b.Name, Limit: b.Limit, What: "output"}
		if b.OnOverflow != nil {
			b.OnOverflow()
		}
		return 0, b.err
	}
	return b.buf.Write(p)
}

// Bytes returns what was collected.
func (b *LimitedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Bytes()
}

// Err is the *TooLargeError once the limit was passed, else nil.
func (b *LimitedBuffer) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}
