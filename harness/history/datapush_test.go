package history

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/history/historytest"
	"github.com/aegisbench/aegisbench/internal/gittest"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// TestDataBranch runs ci/push-results.sh against a local bare repository
// standing in for the remote: two pushers at once, three files each, all
// land on the data branch, nothing is rewritten, and the history rebuilt
// from a checkout of the branch holds every run.
func TestDataBranch(t *testing.T) {
	root, err := reporoot.Find()
	require.NoError(t, err)
	script := filepath.Join(root, "ci", "push-results.sh")
	tmp := t.TempDir()
	remote := gittest.NewRemote(t, tmp)

	files, err := historytest.WriteAll(filepath.Join(tmp, "results"), historytest.History(6, "main", func(int) float64 { return 1e-4 }))
	require.NoError(t, err)
	push := func(clone, file string, i int) (string, error) {
		cmd := exec.Command("bash", script, file, "linux-amd64", historytest.Commit(i))
		cmd.Dir = clone
		cmd.Env = gittest.Env()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for p := range 2 {
		clone := filepath.Join(tmp, fmt.Sprintf("pusher%d", p))
		gittest.Git(t, tmp, "clone", "--quiet", remote, clone)
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
	gittest.Git(t, tmp, "clone", "--quiet", "--branch", "benchmark-data", remote, data)
	listed := strings.Fields(gittest.Git(t, data, "ls-files"))
	assert.Len(t, listed, 6)
	for _, f := range listed {
		assert.Regexp(t, `^linux-amd64/[0-9a-f]{40}/\d{8}T\d{6}Z-[0-9a-f]{12}\.txt$`, f)
	}
	assert.Equal(t, "6\n", gittest.Git(t, data, "rev-list", "--count", "HEAD"), "one commit per file")
	assert.Empty(t, strings.TrimSpace(gittest.Git(t, data, "log", "--diff-filter=MDR", "--name-only", "--format=")), "nothing rewritten")
	assert.Contains(t, gittest.Git(t, remote, "branch", "--list"), "main", "the main branch is untouched")

	store := filepath.Join(tmp, "history.db")
	n, err := Rebuild(context.Background(), store, data)
	require.NoError(t, err)
	assert.Equal(t, 6, n)
}
