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

// WaitDelay is how long a group asked to end (Terminate) has before its
// process is killed and its output pipes closed (a process that left the
// group may hold them).
const WaitDelay = time.Second

// Fence makes cmd (built with exec.CommandContext) start in a new process
// group and makes its context's end ask the whole group to end
// (Terminate): an aegisbench among them stops as on Ctrl-C, ending its
// own children and keeping what it has; whatever is left after WaitDelay
// is killed (the caller's Kill after Wait ends the rest of the group).
// Call it before Start.
func Fence(cmd *exec.Cmd) {
	setGroup(cmd)
	cmd.Cancel = func() error { return Terminate(cmd) }
	cmd.WaitDelay = WaitDelay
}

// Terminate sends SIGTERM to cmd's whole process group (elsewhere than
// Unix: kills the process); nothing when cmd has not started.
func Terminate(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return termGroup(cmd.Process.Pid)
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
