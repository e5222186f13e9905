package interrupt

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestNotify(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		ctx, c, stop := Notify(context.Background())
		assert.Equal(t, 0, c.ExitCode())
		assert.NoError(t, syscall.Kill(syscall.Getpid(), tt.sig))
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("%v did not cancel the context", tt.sig)
		}
		assert.Equal(t, tt.sig, c.Signal())
		assert.Equal(t, tt.code, c.ExitCode())
		stop()
	}
}
