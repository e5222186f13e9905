package gate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// newLinter returns actionlint with its external checkers (shellcheck,
// pyflakes) off: the empty executable names disable them.
func newLinter(t *testing.T) *actionlint.Linter {
	t.Helper()
	l, err := actionlint.NewLinter(&bytes.Buffer{}, &actionlint.LinterOptions{Shellcheck: "", Pyflakes: ""})
	require.NoError(t, err)
	return l
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	root, err := reporoot.Find()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	return files
}

// TestWorkflowsLint lints every GitHub Actions workflow with actionlint:
// syntax, expressions and their types, runner labels, action inputs, job
// dependencies.
func TestWorkflowsLint(t *testing.T) {
	files := workflowFiles(t)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	assert.ElementsMatch(t, []string{"ci.yml", "baseline.yml", "calibrate.yml"}, names)
	errs, err := newLinter(t).LintFiles(files, nil)
	require.NoError(t, err)
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

// TestLinterCatchesMistakes proves the lint test can fail: a workflow with
// an unknown runner label, a typo in a context and a missing job
// dependency is rejected.
func TestLinterCatchesMistakes(t *testing.T) {
	bad := []byte(`on: push
jobs:
  a:
    runs-on: macos-arm-latest
    needs: nonexistent
    steps:
      - run: echo ${{ github.evnt_name }}
`)
	errs, err := newLinter(t).Lint("bad.yml", bad, nil)
	require.NoError(t, err)
	var kinds []string
	for _, e := range errs {
		kinds = append(kinds, e.Kind)
	}
	assert.Contains(t, kinds, "runner-label")
	assert.Contains(t, kinds, "expression")
	assert.Contains(t, kinds, "job-needs")
}

// runs returns the run scripts of a job's steps, joined.
func runs(job *actionlint.Job) string {
	var b strings.Builder
	for _, s := range job.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			b.WriteString(r.Run.Value)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func parseWorkflow(t *testing.T, name string) *actionlint.Workflow {
	t.Helper()
	root, err := reporoot.Find()
	require.NoError(t, err)
	src, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
	require.NoError(t, err)
	w, errs := actionlint.Parse(src)
	require.Empty(t, errs)
	return w
}

func events(w *actionlint.Workflow) []string {
	var out []string
	for _, e := range w.On {
		out = append(out, e.EventName())
	}
	return out
}

// TestWorkflowsDoWhatCIMust pins the content the issue asks for: both
// platforms, make test, conformance, the gate on pull requests, and the
// scheduled baseline with its cross-platform comparison.
func TestWorkflowsDoWhatCIMust(t *testing.T) {
	ci := parseWorkflow(t, "ci.yml")
	assert.ElementsMatch(t, []string{"push", "pull_request"}, events(ci))
	test := ci.Jobs["test"]
	require.NotNil(t, test)
	matrix := test.Strategy.Matrix.Include.Combinations
	var oses []string
	for _, c := range matrix {
		oses = append(oses, c.Assigns["os"].Value.(*actionlint.RawYAMLString).Value)
	}
	assert.Equal(t, []string{"ubuntu-latest", "macos-14"}, oses)
	script := runs(test)
	for _, want := range []string{"make test", "make conform", `gate --base-ref "origin/$BASE_REF"`, "--mode instructions", "gh pr comment"} {
		assert.Contains(t, script, want)
	}

	bl := parseWorkflow(t, "baseline.yml")
	assert.ElementsMatch(t, []string{"schedule", "workflow_dispatch"}, events(bl))
	require.NotNil(t, bl.Jobs["baseline"])
	require.NotNil(t, bl.Jobs["compare"])
	assert.Contains(t, runs(bl.Jobs["baseline"]), "make baseline")
	assert.Contains(t, runs(bl.Jobs["compare"]), "aegisbench baselines import artifacts --expect linux-amd64,darwin-arm64")
	assert.Equal(t, "baseline", bl.Jobs["compare"].Needs[0].Value)

	cal := parseWorkflow(t, "calibrate.yml")
	assert.ElementsMatch(t, []string{"schedule", "workflow_dispatch"}, events(cal))
	script = runs(cal.Jobs["calibrate"])
	for _, want := range []string{"ci/calibration-pairs.sh fetch", "gate --calibrate --modes time --trials 20 --add 2", "--pairs-dir out/calibration", "ci/calibration-pairs.sh push"} {
		assert.Contains(t, script, want)
	}
}
