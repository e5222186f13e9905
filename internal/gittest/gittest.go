// Package gittest gives tests a git remote of their own: a local bare
// repository standing in for GitHub, for the CI scripts that push to a
// data branch.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Git runs git in dir with a fixed identity and fails the test when it
// fails; it returns the output.
func Git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}

// Env is the environment for a script that commits: the process's, with
// a fixed author and committer.
func Env() []string {
	return append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_COMMITTER_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_EMAIL=t@example.com")
}

// NewRemote makes, under dir, a bare repository ("remote.git") whose main
// branch holds one commit, and returns its path. It skips the test when
// git is not installed.
func NewRemote(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	remote := filepath.Join(dir, "remote.git")
	Git(t, dir, "init", "--quiet", "--bare", remote)
	seed := filepath.Join(dir, "seed")
	Git(t, dir, "clone", "--quiet", remote, seed)
	require.NoError(t, os.WriteFile(filepath.Join(seed, "README.md"), []byte("project\n"), 0o644))
	Git(t, seed, "add", "README.md")
	Git(t, seed, "commit", "--quiet", "-m", "first")
	Git(t, seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
	return remote
}
