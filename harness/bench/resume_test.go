package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"
)

// cancellingRunner is the fake runner that cancels the run's context when
// the step with index at starts (as SIGINT would), so that step is cut
// short.
type cancellingRunner struct {
	fakeRunner
	at     int
	cancel context.CancelFunc
}

func (c *cancellingRunner) Run(ctx context.Context, cmd Command) (Output, error) {
	if len(c.calls) == c.at {
		c.cancel()
		c.calls = append(c.calls, cmd)
		return Output{}, ctx.Err()
	}
	return c.fakeRunner.Run(ctx, cmd)
}

// TestInterruptAndResume: a run interrupted in the middle keeps its
// samples; written with its interrupted/plan config lines, read back and
// resumed, it gives as many samples, of the same benchmarks in the same
// order, as a run that was never interrupted.
func TestInterruptAndResume(t *testing.T) {
	cfg := testConfig(200, 2000)
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	full, err := Execute(context.Background(), p, &fakeRunner{}, Options{})
	require.NoError(t, err)

	at := len(p.Steps) / 2
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Execute(ctx, p, &cancellingRunner{at: callOf(p, at), cancel: cancel}, Options{})
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, res)
	require.NotNil(t, res.Interrupted)
	assert.Equal(t, at, res.Interrupted.Step)
	assert.NotEmpty(t, res.Measurements)
	assert.Less(t, len(res.Measurements), len(full.Measurements))
	assert.Empty(t, res.Failures, "an interruption is not a failure")

	path := filepath.Join(t.TempDir(), "results.txt")
	header := []benchfmt.Config{
		{Key: ConfigPlan, Value: []byte(p.PlanDigest()), File: true},
		{Key: ConfigInterrupted, Value: []byte(res.Interrupted.String()), File: true},
	}
	require.NoError(t, WriteResultsFile(path, header, res.Measurements))

	rs, err := ReadResume(path)
	require.NoError(t, err)
	assert.Equal(t, at, rs.Step)
	require.NoError(t, rs.Check(p))
	r := &fakeRunner{}
	resumed, err := Execute(context.Background(), p, r, Options{Resume: rs})
	require.NoError(t, err)
	require.Len(t, resumed.Measurements, len(full.Measurements))
	names := func(ms []Measurement) (out []string) {
		for _, m := range ms {
			out = append(out, m.Pkg+" "+m.Result.Name.String())
		}
		return out
	}
	assert.ElementsMatch(t, names(full.Measurements), names(resumed.Measurements))
	for _, c := range r.calls[:3] {
		assert.NotContains(t, c.String(), "-test.bench", "setup steps run again first")
	}

	// Another plan (other sizes) refuses the file; so does a finished run.
	other, err := NewPlan(testConfig(200))
	require.NoError(t, err)
	assert.ErrorContains(t, rs.Check(other), "measured by another plan")
	done := filepath.Join(t.TempDir(), "done.txt")
	require.NoError(t, WriteResultsFile(done, header[:1], full.Measurements))
	_, err = ReadResume(done)
	assert.ErrorContains(t, err, "was not interrupted")
}

// callOf is the index among a runner's calls of the command of step i:
// every step before it runs its Prepare commands, then its own.
func callOf(p *Plan, i int) int {
	n := len(p.Steps[i].Prepare)
	for _, s := range p.Steps[:i] {
		n += len(s.Prepare) + 1
	}
	return n
}
