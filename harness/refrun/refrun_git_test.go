package refrun

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
)

// fakeBenchMain is an aegisbench whose `bench ... -o FILE` writes one
// result whose time is the constant nanos.
const fakeBenchMain = `package main

import (
	"fmt"
	"os"
)

const nanos = NANOS

func main() {
	if len(os.Args) < 2 || os.Args[1] != "bench" {
		os.Exit(2)
	}
	for i, a := range os.Args {
		if a == "-o" {
			line := fmt.Sprintf("BenchmarkPipeline/engine=go/n=2000 1 %d ns/op\n", nanos)
			if err := os.WriteFile(os.Args[i+1], []byte(line), 0o644); err != nil {
				os.Exit(1)
			}
		}
	}
}
`

// TestRunRefWithGitAndGo runs RunRef for real: git worktree, two go
// builds, interleaved runs, worktree removal. Base (the commit) takes
// 1000ns, head (the working tree) 1200ns.
func TestRunRefWithGitAndGo(t *testing.T) {
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	repo := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=gate", "-c", "user.email=gate@example.com"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return string(out)
	}
	mainGo := filepath.Join(repo, "cmd", "aegisbench", "main.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(mainGo), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module example.com/fakebench\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(mainGo, []byte(strings.Replace(fakeBenchMain, "NANOS", "1000", 1)), 0o644))
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	require.NoError(t, os.WriteFile(mainGo, []byte(strings.Replace(fakeBenchMain, "NANOS", "1200", 1)), 0o644))

	work := t.TempDir()
	files, err := RunRef(context.Background(), ExecRunner{}, RefConfig{Root: repo, Ref: "HEAD", WorkDir: work, Rounds: 5, Sample: BenchSample(nil)})
	require.NoError(t, err)

	base, err := results.Load(files.Base)
	require.NoError(t, err)
	head, err := results.Load(files.Head)
	require.NoError(t, err)
	const name, unit = "Pipeline/engine=go/n=2000", "sec/op"
	assert.InDeltaSlice(t, []float64{1e-6, 1e-6, 1e-6, 1e-6, 1e-6}, base.Lookup(name, unit).Values, 1e-15)
	assert.InDeltaSlice(t, []float64{1.2e-6, 1.2e-6, 1.2e-6, 1.2e-6, 1.2e-6}, head.Lookup(name, unit).Values, 1e-15)
	rep := gate.Judge(base, head, gate.DefaultThresholds())
	assert.Equal(t, gate.Regression, rep.Verdict)

	_, err = os.Stat(filepath.Join(work, "base"))
	assert.ErrorIs(t, err, os.ErrNotExist, "worktree directory removed")
	assert.Equal(t, 1, strings.Count(git("worktree", "list"), "\n"), "worktree unregistered")
}
