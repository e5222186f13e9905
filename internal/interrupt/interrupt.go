// Package interrupt turns SIGINT and SIGTERM into the cancellation of a
// context, and remembers which signal came, so a long command can stop
// its work, keep what it measured, clean up and exit 130 or 143 as a
// shell expects.
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Catcher records the first SIGINT or SIGTERM.
type Catcher struct {
	mu  sync.Mutex
	sig os.Signal
}

// Notify returns a context cancelled by the first SIGINT or SIGTERM and
// the Catcher that tells which one came. stop restores the default
// handling (a second signal after stop kills the process as usual).
func Notify(parent context.Context) (ctx context.Context, c *Catcher, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	c = &Catcher{}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			c.mu.Lock()
			c.sig = s
			c.mu.Unlock()
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, c, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
}

// Signal is the signal caught, nil if none.
func (c *Catcher) Signal() os.Signal {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sig
}

// ExitCode is the shell's code for death by the caught signal: 130 for
// SIGINT, 143 for SIGTERM, 0 when none was caught.
func (c *Catcher) ExitCode() int {
	switch c.Signal() {
	case nil:
		return 0
	case syscall.SIGTERM:
		return 128 + int(syscall.SIGTERM)
	default:
		return 128 + int(syscall.SIGINT)
	}
}
