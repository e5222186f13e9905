package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// noisyMeasurer fakes a benchmark with 2% log-normal noise: the slowdown
// multiplies its time exactly, allocations never change.
type noisyMeasurer struct {
	rng   *rand.Rand
	calls []float64
}

func (m *noisyMeasurer) Mode() string   { return "time" }
func (m *noisyMeasurer) Unit() string   { return "sec/op" }
func (m *noisyMeasurer) Header() string { return "Unit allocs/op assume=exact\n" }

func (m *noisyMeasurer) Measure(ctx context.Context, slowdown float64) (string, error) {
	m.calls = append(m.calls, slowdown)
	ns := 1e6 * (1 + slowdown) * math.Exp(0.02*m.rng.NormFloat64())
	return fmt.Sprintf("BenchmarkPipeline/engine=fake/n=10 100 %.0f ns/op 5000 B/op 12 allocs/op\n", ns), nil
}

func TestCalibrateWithNoisyFake(t *testing.T) {
	m := &noisyMeasurer{rng: rand.New(rand.NewPCG(1, 2))}
	cfg := CalibrationConfig{Trials: 20, DetectTrials: 10, Slowdowns: []float64{0.01, 0.2}, Count: 6, Thresholds: DefaultThresholds()}
	cal, err := Calibrate(context.Background(), m, cfg)
	require.NoError(t, err)

	require.Len(t, cal.AA, 20)
	assert.Equal(t, 0, cal.FalsePositives())
	require.Len(t, cal.Detections, 2)
	assert.Equal(t, 0, cal.Detections[0].Detected(), "1% is under the 5% threshold: never a regression")
	assert.Equal(t, 10, cal.Detections[1].Detected())
	s, ok := cal.SmallestDetected(0.9)
	require.True(t, ok)
	assert.Equal(t, 0.2, s)
	for _, tr := range cal.Detections[1].Trials {
		assert.InDelta(t, 0.2, tr.Change, 0.05)
		assert.Less(t, tr.P, 0.05)
	}

	// Samples interleave base (0) and head (slowdown) within each trial.
	require.Len(t, m.calls, 2*6*(20+10+10))
	assert.Equal(t, []float64{0, 0.2, 0, 0.2}, m.calls[len(m.calls)-4:])
	assert.Equal(t, []float64{0, 0.01}, m.calls[2*6*20:2*6*20+2])
}

type failingMeasurer struct{ noisyMeasurer }

func (failingMeasurer) Measure(context.Context, float64) (string, error) {
	return "", errors.New("engine exploded")
}

func TestCalibrateErrors(t *testing.T) {
	_, err := Calibrate(context.Background(), &failingMeasurer{}, CalibrationConfig{Trials: 1, Count: 1, Thresholds: DefaultThresholds()})
	require.ErrorContains(t, err, "engine exploded")
	_, err = Calibrate(context.Background(), &noisyMeasurer{}, CalibrationConfig{Trials: 0, Count: 1, Thresholds: DefaultThresholds()})
	require.Error(t, err)
}

func TestWriteCalibrationMarkdown(t *testing.T) {
	trial := func(v, uv Verdict, change float64, regressed ...string) Trial {
		return Trial{Verdict: v, UnitVerdict: uv, Change: change, P: 0.01, Regressed: regressed}
	}
	cfg := CalibrationConfig{Trials: 4, DetectTrials: 2, Count: 6, Thresholds: DefaultThresholds()}
	cals := []*Calibration{
		{Mode: "time", Unit: "sec/op", Config: cfg, Elapsed: 83 * time.Second,
			AA: []Trial{trial(Unchanged, Unchanged, 0.01), trial(Regression, Unchanged, -0.004, "Pipeline/engine=go/n=2000 allocs/op"),
				trial(Unchanged, Unchanged, 0.02), trial(Unchanged, Unchanged, -0.03)},
			Detections: []Detection{
				{Slowdown: 0.05, Trials: []Trial{trial(Unchanged, Unchanged, 0.049), trial(Regression, Regression, 0.055)}},
				{Slowdown: 0.1, Trials: []Trial{trial(Regression, Regression, 0.1), trial(Regression, Regression, 0.11)}},
			}},
		{Mode: "instructions", Unit: "instructions/op", Config: CalibrationConfig{Trials: 2, Count: 1, Thresholds: DefaultThresholds()},
			Elapsed: 200 * time.Second, AA: []Trial{trial(Unchanged, Unchanged, 0.001), trial(Unchanged, Unchanged, 0.002)},
			Detections: []Detection{{Slowdown: 0.02, Trials: []Trial{trial(Regression, Regression, 0.02), trial(Regression, Regression, 0.02)}}}},
	}
	var b bytes.Buffer
	require.NoError(t, WriteCalibrationMarkdown(&b, "linux/amd64, Test CPU, 2 cores, load average 0.5 0.4 0.3", cals))
	golden := filepath.Join("testdata", "golden", "calibration.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

// sleepEngine sleeps and echoes its input; bad input "!" is an engine error.
type sleepEngine struct{ d time.Duration }

func (e sleepEngine) Name() string { return "gate-test-sleep" }

func (e sleepEngine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if string(findings) == "!" {
		return nil, engines.NewJSONError("not JSON")
	}
	time.Sleep(e.d)
	return append([]byte("out:"), findings...), nil
}

func init() {
	engines.Register("gate-test-sleep", "test engine: sleeps 2ms and echoes", func(string) (engines.Engine, error) {
		return sleepEngine{d: 2 * time.Millisecond}, nil
	}, nil)
}

func TestOpenCalibrationEngine(t *testing.T) {
	ctx := context.Background()
	slow, err := OpenCalibrationEngine("slow:0.5:gate-test-sleep")
	require.NoError(t, err)
	assert.Equal(t, "slow:0.5:gate-test-sleep", slow.Name())
	start := time.Now()
	out, err := slow.AttackPaths(ctx, []byte("x"), engines.DefaultOptions())
	require.NoError(t, err)
	assert.Equal(t, "out:x", string(out))
	// The inner call sleeps >= 2ms, so the wrapper takes >= 3ms by construction.
	assert.GreaterOrEqual(t, time.Since(start), 3*time.Millisecond)

	spun, err := OpenCalibrationEngine("spin:1000:slow:0.1:gate-test-sleep")
	require.NoError(t, err)
	spinSink = 0
	out, err = spun.AttackPaths(ctx, []byte("y"), engines.DefaultOptions())
	require.NoError(t, err)
	assert.Equal(t, "out:y", string(out))
	assert.Equal(t, spin(1000), spinSink)
	assert.NotEqual(t, spin(1000), spin(1001))

	_, err = spun.AttackPaths(ctx, []byte("!"), engines.DefaultOptions())
	var ee *engines.Error
	require.ErrorAs(t, err, &ee, "engine errors pass through the wrappers")

	for _, bad := range []string{"slow:x:gate-test-sleep", "slow:-1:gate-test-sleep", "slow:0.1:", "slow:0.1", "spin:-3:gate-test-sleep", "spin:10:no-such-engine"} {
		_, err := OpenCalibrationEngine(bad)
		assert.Error(t, err, bad)
	}
	plain, err := OpenCalibrationEngine("gate-test-sleep")
	require.NoError(t, err)
	assert.Equal(t, "gate-test-sleep", plain.Name())
}

func TestRunEngineOnce(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(good, []byte("[]"), 0o644))
	require.NoError(t, os.WriteFile(bad, []byte("!"), 0o644))
	var out bytes.Buffer
	require.NoError(t, RunEngineOnce(context.Background(), "spin:10:gate-test-sleep", good, engines.DefaultOptions(), &out))
	assert.Equal(t, "out:[]", out.String())

	out.Reset()
	err := RunEngineOnce(context.Background(), "gate-test-sleep", bad, engines.DefaultOptions(), &out)
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.JSONEq(t, `{"schema":"aegis.error.v1","code":"invalid_json","message":"not JSON"}`, out.String())

	err = RunEngineOnce(context.Background(), "gate-test-sleep", filepath.Join(dir, "absent.json"), engines.DefaultOptions(), &out)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestPipelineMeasurerSample(t *testing.T) {
	m := &PipelineMeasurer{Engine: "gate-test-sleep", N: 1, Input: []byte("[]"), Options: engines.DefaultOptions(), Benchtime: 5 * time.Millisecond}
	line, err := m.Measure(context.Background(), 0.1)
	require.NoError(t, err)
	res := readSet(t, m.Header()+line)
	var keys []string
	for _, s := range res.Series {
		keys = append(keys, s.Name+" "+s.Unit)
	}
	require.Equal(t, []string{
		"Pipeline/engine=gate-test-sleep/n=1 sec/op",
		"Pipeline/engine=gate-test-sleep/n=1 B/op",
		"Pipeline/engine=gate-test-sleep/n=1 allocs/op",
	}, keys, "the slowed engine is named like the plain one")
	assert.GreaterOrEqual(t, res.Series[0].Values[0], 2.2e-3, "sleep 2ms + 10%")
}

func TestInstructionMeasurerSetupAndSpin(t *testing.T) {
	// A fake counter where the engine costs 1,000,000 instructions and
	// each spin iteration 4.
	fc := &fakeCounter{count: func(c Command) uint64 {
		var iters uint64
		fmt.Sscanf(argAfter(c.Args, "--exec-engine"), "spin:%d:", &iters)
		return 1_000_000 + 4*iters
	}}
	m := &InstructionMeasurer{Counter: fc, Self: "/bin/aegisbench", Engine: "go", N: 2000, Input: "/c/in.json", Options: engines.DefaultOptions()}
	_, err := m.Measure(context.Background(), 0.1)
	require.ErrorContains(t, err, "Setup was not run")
	require.NoError(t, m.Setup(context.Background()))
	assert.InDelta(t, 250_000, m.IterationsPerUnit, 1e-6)
	line, err := m.Measure(context.Background(), 0.02)
	require.NoError(t, err)
	assert.Equal(t, "BenchmarkInstructions/engine=go/n=2000 1 1020000 instructions/op\n", line)
	last := fc.cmds[len(fc.cmds)-1]
	assert.Equal(t, "GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 GOGC=off GOMEMLIMIT=4GiB RAYON_NUM_THREADS=1 /bin/aegisbench gate --exec-engine spin:5000:go --in /c/in.json --max-depth 4 --top-k 20", last.String())
}
