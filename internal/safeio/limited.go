package safeio

import (
	"bytes"
	"sync"
)

// chunkSize is the unit LimitedBuffer stores output in: chunks are never
// copied while the output grows, so a flood up to the limit costs the
// limit, not the doublings of one growing slice.
const chunkSize = 1 << 20

// LimitedBuffer collects an engine's output up to Limit bytes. The write
// that would pass the limit fails with a *TooLargeError (What "output")
// and calls OnOverflow once (which kills the engine), so a program
// flooding its stdout costs at most Limit bytes of memory.
type LimitedBuffer struct {
	Name       string
	Limit      int64
	OnOverflow func()
	mu         sync.Mutex
	chunks     [][]byte
	n          int64
	joined     []byte
	err        error
}

// Write implements io.Writer.
func (b *LimitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if b.Limit > 0 && b.n+int64(len(p)) > b.Limit {
		b.err = &TooLargeError{Name: b.Name, Limit: b.Limit, What: "output"}
		if b.OnOverflow != nil {
			b.OnOverflow()
		}
		return 0, b.err
	}
	b.joined = nil
	b.n += int64(len(p))
	for rest := p; len(rest) > 0; {
		if k := len(b.chunks); k == 0 || len(b.chunks[k-1]) == cap(b.chunks[k-1]) {
			b.chunks = append(b.chunks, make([]byte, 0, chunkSize))
		}
		last := &b.chunks[len(b.chunks)-1]
		m := min(len(rest), cap(*last)-len(*last))
		*last = append(*last, rest[:m]...)
		rest = rest[m:]
	}
	return len(p), nil
}

// Bytes returns what was collected (one copy, made once).
func (b *LimitedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.joined == nil {
		b.joined = bytes.Join(b.chunks, nil)
		b.chunks = [][]byte{b.joined}
	}
	return b.joined
}

// Err is the *TooLargeError once the limit was passed, else nil.
func (b *LimitedBuffer) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}
