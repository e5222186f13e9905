// Package procgroup fences the processes the harness starts: each runs in
// a process group of its own, and ending it (its context done, a
// time-out, an interruption, a flood of output) kills the whole group,
// so grandchildren (a shell's `sleep`, go test's test binary, cargo's
// bench) do not outlive it or hold its pipes open.
package procgroup

import (
	"os/exec"
	"time"
)

// WaitDelay bounds how long Wait waits for the output pipes after the
// group was killed (a process that left the group may hold them).
const WaitDelay = 500 * time.Millisecond

// Fence makes cmd (built with exec.CommandContext) start in a new process
// group and makes its context's end kill the whole group. Call it before
// Start.
func Fence(cmd *exec.Cmd) {
	setGroup(cmd)
	cmd.Cancel = func() error { return Kill(cmd) }
	cmd.WaitDelay = WaitDelay
}

// Kill kills cmd's whole process group (nothing when cmd has not
// started). It is safe to call after the process ended: it then removes
// what the process left running in its group.
func Kill(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return killGroup(cmd.Process.Pid)
}
