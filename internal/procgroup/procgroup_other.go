//go:build !unix

package procgroup

import (
	"os"
	"os/exec"
)

func setGroup(*exec.Cmd) {}

// killGroup kills the process only: there are no process groups here.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

// termGroup kills the process: there is no SIGTERM here.
func termGroup(pid int) error { return killGroup(pid) }
