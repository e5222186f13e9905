package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/history/historytest"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}

// TestDataBranch runs ci/push-results.sh against a local bare repository
// standing in for the remote: two pushers at once, three files each, all
// land on the data branch, nothing is rewritten, and the history rebuilt
// from a checkout of the branch holds every run.
func TestDataBranch(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root, err := reporoot.Find()
	require.NoError(t, err)
	script := filepath.Join(root, "ci", "push-results.sh")
	tmp := t.TempDir()
	remote := filepath.Join(tmp, "remote.git")
	git(t, tmp, "init", "--quiet", "--bare", remote)
	seed := filepath.Join(tmp, "seed")
	git(t, tmp, "clone", "--quiet", remote, seed)
	require.NoError(t, os.WriteFile(filepath.Join(seed, "README.md"), []byte("project\n"), 0o644))
	git(t, seed, "add", "README.md")
	git(t, seed, "commit", "--quiet", "-m", "first")
	git(t, seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")

	files, err := historytest.WriteAll(filepath.Join(tmp, "results"), historytest.History(6, "main", func(int) float64 { return 1e-4 }))
	require.NoError(t, err)
	push := func(clone, file string, i int) (string, error) {
		cmd := exec.Command("bash", script, file, "linux-amd64", historytest.Commit(i))
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_COMMITTER_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for p := range 2 {
		clone := filepath.Join(tmp, fmt.Sprintf("pusher%d", p))
		git(t, tmp, "clone", "--quiet", remote, clone)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 3 * p; i < 3*p+3; i++ {
				out, err := push(clone, files[i], i)
				if err != nil {
					errs[p] = fmt.Errorf("pusher %d, file %d: %v: %s", p, i, err, out)
					return
				}
				t.Logf("pusher %d: %s", p, strings.TrimSpace(out))
			}
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])

	// Pushing a file again adds nothing.
	out, err := push(filepath.Join(tmp, "pusher0"), files[0], 0)
	require.NoError(t, err, out)
	assert.Contains(t, out, "already on benchmark-data")

	data := filepath.Join(tmp, "data")
	git(t, tmp, "clone", "--quiet", "--branch", "benchmark-data", remote, data)
	listed := strings.Fields(git(t, data, "ls-files"))
	assert.Len(t, listed, 6)
	for _, f := range listed {
		assert.Regexp(t, `^linux-amd64/[0-9a-f]{40}/\d{8}T\d{6}Z-[0-9a-f]{12}\.txt$`, f)
	}
	assert.Equal(t, "6\n", git(t, data, "rev-list", "--count", "HEAD"), "one commit per file")
	assert.Empty(t, strings.TrimSpace(git(t, data, "log", "--diff-filter=MDR", "--name-only", "--format=")), "nothing rewritten")
	assert.Contains(t, git(t, remote, "branch", "--list"), "main", "the main branch is untouched")

	store := filepath.Join(tmp, "history.db")
	n, err := Rebuild(context.Background(), store, data)
	require.NoError(t, err)
	assert.Equal(t, 6, n)
}
