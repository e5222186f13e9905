//go:build unix

package procgroup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFenceKillsGroup: when the context ends, the shell and the sleep it
// started are both killed, and Wait returns promptly.
func TestFenceKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", "sleep 60 & echo $! > "+pidFile+"; wait")
	Fence(cmd)
	start := time.Now()
	require.Error(t, cmd.Run())
	assert.Less(t, time.Since(start), 300*time.Millisecond+2*WaitDelay)
	raw, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	gone := false
	for deadline := time.Now().Add(2 * time.Second); !gone && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		gone = syscall.Kill(pid, 0) != nil || isZombie(pid)
	}
	assert.True(t, gone, "the grandchild sleep %d survived", pid)
	assert.NoError(t, Kill(cmd), "killing an ended group is not an error")
	assert.NoError(t, Kill(exec.Command("true")), "a command never started has no group")
}

func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// TestFenceAsksFirst: a cancelled context asks the group to end (SIGTERM)
// before killing it, so a program that cleans up on SIGTERM (an aegisbench
// child removing its work directory) gets to.
func TestFenceAsksFirst(t *testing.T) {
	done := filepath.Join(t.TempDir(), "cleaned")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", "trap 'echo ok > "+done+"; exit 0' TERM; sleep 60 & wait")
	Fence(cmd)
	start := time.Now()
	_ = cmd.Run()
	_ = Kill(cmd)
	assert.Less(t, time.Since(start), 300*time.Millisecond+2*WaitDelay)
	assert.FileExists(t, done, "the program was killed before it could clean up")
}
