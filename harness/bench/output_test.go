package bench

// Tests of the parsers of the tools' outputs, the platform detection,
// command strings and progress.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/harness/results"
)

func TestParseCriterionBencher(t *testing.T) {
	out := []byte(`Benchmarking compute_attack_paths/n=200: Warming up for 1.0000 s
test compute_attack_paths/n=200 ... bench:     2,430,123 ns/iter (+/- 12,345)
test deserialize_findings/n=200 ... bench:       397,000 ns/iter (+/- 1,000)
test other_group/n=200 ... bench:       1 ns/iter (+/- 0)
test full_pipeline/n=200 ... bench:     3,710,000 ns/iter (+/- 9)
`)
	ms, err := ParseCriterionBencher(out)
	require.NoError(t, err)
	var got []string
	for _, m := range ms {
		assert.Equal(t, CriterionPkg, m.Pkg)
		got = append(got, fmt.Sprintf("%s %g %s", m.Result.Name, m.Result.Values[0].Value, m.Result.Values[0].Unit))
	}
	assert.Equal(t, []string{
		"Criterion/stage=compute/engine=rust/n=200 2.430123e+06 ns/op",
		"Criterion/stage=decode/engine=rust/n=200 397000 ns/op",
		"Criterion/stage=pipeline/engine=rust/n=200 3.71e+06 ns/op",
	}, got)

	_, err = ParseCriterionBencher([]byte("test full_pipeline/big ... bench: 5 ns/iter (+/- 1)\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 1: benchmark id "full_pipeline/big" is not GROUP/n=N`)
}

func TestParseHyperfineJSON(t *testing.T) {
	ms, err := ParseHyperfineJSON([]byte(`{"results":[{"command":"a","times":[0.5,0.25],"exit_codes":[0,0]}]}`), "Process/engine=go/n=200")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, "Process/engine=go/n=200", ms[0].Result.Name.String())
	assert.Equal(t, 5e8, ms[0].Result.Values[0].Value)
	assert.Equal(t, 2.5e8, ms[1].Result.Values[0].Value)

	tests := []struct{ in, want string }{
		{`not json`, "hyperfine export is not JSON"},
		{`{"results":[]}`, "has 0 results, want 1"},
		{`{"results":[{"command":"a","times":[0.5],"exit_codes":[2]}]}`, `run 1 of "a" exited with status 2`},
	}
	for _, tt := range tests {
		_, err := ParseHyperfineJSON([]byte(tt.in), "x")
		require.Error(t, err, tt.in)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func TestHyperfinePeakRSS(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 1
	cfg.Tools = []string{ToolHyperfine}
	cfg.Engines = []string{EngineRustCLI}
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	var cmds []Command
	export := `{"results":[{"command":"x","times":[0.1],"exit_codes":[0],"memory_usage_byte":[2097152]}]}`
	runner := runnerFunc(func(c Command) (Output, error) {
		cmds = append(cmds, c)
		return Output{Stdout: []byte(export)}, nil
	})
	res, err := Execute(context.Background(), p, runner, Options{})
	require.NoError(t, err)
	require.Len(t, cmds, 4, "the builds of aegispath and of aegisbench, the dataset settled, then hyperfine")
	assert.Equal(t, cfg.Programs.Hyperfine, cmds[3].Path, "hyperfine runs directly: no GNU time")
	require.Len(t, res.Measurements, 1)
	v := res.Measurements[0].Result.Values
	require.Len(t, v, 2)
	assert.Equal(t, UnitPeakRSS, v[1].Unit)
	assert.Equal(t, float64(2<<20), v[1].Value)

	// hyperfine before 1.19 (no memory_usage_byte), or a zero: no peak RSS.
	for _, old := range []string{
		`{"results":[{"command":"x","times":[0.1],"exit_codes":[0]}]}`,
		`{"results":[{"command":"x","times":[0.1],"exit_codes":[0],"memory_usage_byte":[0]}]}`,
	} {
		ms, err := ParseHyperfineJSON([]byte(old), "x")
		require.NoError(t, err)
		assert.Len(t, ms[0].Result.Values, 1, old)
	}
}

func TestParseGoTestErrors(t *testing.T) {
	_, err := ParseGoTest([]byte("BenchmarkX-2 10 abc ns/op\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go test output:1:")
}

func TestExactUnits(t *testing.T) {
	mk := func(name string, b, allocs float64) Measurement {
		return Measurement{Result: &benchfmt.Result{Name: benchfmt.Name(name), Values: []benchfmt.Value{
			{Value: 1, Unit: "sec/op"}, {Value: b, Unit: "B/op"}, {Value: allocs, Unit: "allocs/op"}}}}
	}
	assert.Equal(t, []string{"allocs/op", "B/op"}, ExactUnits([]Measurement{mk("a", 10, 1), mk("a", 10, 1), mk("b", 5, 2)}))
	assert.Equal(t, []string{"allocs/op"}, ExactUnits([]Measurement{mk("a", 10, 1), mk("a", 11, 1)}))
	assert.Empty(t, ExactUnits([]Measurement{mk("a", 10, 1)}), "one sample proves nothing")
}

func TestDetectPlatform(t *testing.T) {
	r := runnerFunc(func(c Command) (Output, error) {
		switch c.Path + " " + strings.Join(c.Args, " ") {
		case "go env GOVERSION":
			return Output{Stdout: []byte("go1.26.8\n")}, nil
		case "rustc --version":
			return Output{Stdout: []byte("rustc 1.95.0 (59807616e 2026-04-14)\n")}, nil
		case "git rev-parse HEAD":
			return Output{Stdout: []byte("0123abcd\n")}, nil
		case "git status --porcelain --untracked-files=no":
			return Output{Stdout: []byte(" M go.mod\n")}, nil
		case "git show -s --format=%ct HEAD":
			return Output{Stdout: []byte("1773824400\n")}, nil
		case "git rev-parse --abbrev-ref HEAD":
			return Output{Stdout: []byte("main\n")}, nil
		}
		return Output{}, errors.New("not found")
	})
	p := DetectPlatform(context.Background(), r, "/repo", DefaultConfig().Programs, time.Date(2026, 3, 18, 10, 0, 0, 0, time.FixedZone("x", 3600)))
	assert.Equal(t, "go1.26.8", p.Go)
	assert.Equal(t, "1.95.0 (59807616e 2026-04-14)", p.Rustc)
	assert.Equal(t, "0123abcd-dirty", p.Commit)
	assert.Equal(t, "2026-03-18T09:00:00Z", p.Date)
	assert.Equal(t, "2026-03-18T09:00:00Z", p.CommitDate)
	assert.Equal(t, "main", p.Branch)
	assert.Positive(t, p.Cores)
	t.Setenv("AEGISBENCH_BRANCH", "feature/x")
	assert.Equal(t, "feature/x", DetectPlatform(context.Background(), r, "/repo", DefaultConfig().Programs, time.Now()).Branch)

	none := runnerFunc(func(Command) (Output, error) { return Output{}, errors.New("no") })
	p = DetectPlatform(context.Background(), none, "/repo", DefaultConfig().Programs, time.Now())
	assert.Equal(t, Unknown, p.Go)
	assert.Equal(t, Unknown, p.Rustc)
	assert.Equal(t, Unknown, p.Commit)
	assert.Equal(t, Unknown, p.CommitDate)
}

func TestCommandString(t *testing.T) {
	c := Command{Dir: "/a b", Path: "x", Args: []string{"-bench", "^A$/n=1", "it's"}, Env: []string{"K=v w"}}
	assert.Equal(t, `cd '/a b' && 'K=v w' x -bench '^A$/n=1' 'it'\''s'`, c.String())
}

func TestLogProgress(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &LogProgress{W: &buf, now: func() time.Time { clock = clock.Add(90 * time.Second); return clock }}
	p.Start(3)
	p.Step(0, Step{Phase: PhaseSetup, Arm: "build x"})
	p.Step(1, Step{Phase: PhaseSample, Round: 2, Arm: "go engine=go n=200"})
	p.Done()
	assert.Equal(t, "[1/3 +1m30s] setup: build x\n[2/3 +3m0s] sample 2: go engine=go n=200\n", buf.String())
}

// TestGoPatternsRealGoTest runs the Go arms' -bench patterns against a real
// test binary (testdata/gobench, benchmarks named like the engine's but
// empty) and checks that exactly the expected benchmarks run.
func TestGoPatternsRealGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "gobench"))
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "gobench.test")
	ctx := context.Background()
	_, err = ExecRunner{}.Run(ctx, Command{Dir: dir, Path: "go", Args: []string{"test", "-c", "-o", bin, "."}, Env: []string{"GOWORK=off"}})
	require.NoError(t, err)

	cfg := testConfig(2000)
	cfg.Benchtime = "1x"
	arms := append(goEngineArms(cfg, 2000), arm{
		label:   "pipeline rust-ffi",
		cmd:     goBenchCommand(cfg, "x", "", byEngineRegex([]string{"Pipeline"}, EngineRustFFI, 2000)),
		collect: goCollector([]string{"Pipeline/engine=rust-ffi/n=2000"}),
	})
	want := [][]string{
		{"AttackPaths/engine=go/n=2000", "Pipeline/engine=go/n=2000"},
		{"Load/n=2000", "SerializePaths/n=2000", "ListFindings/n=2000", "GetFinding/n=2000"},
		{"Pipeline/engine=rust-ffi/n=2000"},
	}
	for i, a := range arms {
		c := a.cmd
		c.Path, c.Dir = bin, dir
		out, err := ExecRunner{}.Run(ctx, c)
		require.NoError(t, err, a.label)
		ms, err := a.collect(out)
		require.NoError(t, err, "%s:\n%s", a.label, out.Stdout)
		var got []string
		for _, m := range ms {
			name, _ := results.StripProcs(m.Result.Name.String())
			got = append(got, name)
		}
		assert.Equal(t, want[i], got, a.label)
	}
}

// TestHyperfineSettle: with Settle, each hyperfine invocation is prepared
// by settling its dataset with the aegisbench the setup builds, run by the
// harness before hyperfine (Step.Prepare), never as hyperfine's --prepare
// (its children's peak RSS would be the settle's); without it, neither the
// preparation nor the build (rust-cli alone needs no aegisbench).
func TestHyperfineSettle(t *testing.T) {
	for _, settle := range []bool{true, false} {
		cfg := testConfig(200)
		cfg.Count = 1
		cfg.Tools = []string{ToolHyperfine}
		cfg.Engines = []string{EngineRustCLI}
		cfg.Hyperfine.Settle = settle
		p, err := NewPlan(cfg)
		require.NoError(t, err)
		var built bool
		var hyperfine *Step
		for i, s := range p.Steps {
			if s.Phase == PhaseSetup && slices.Contains(s.Cmd.Args, "./cmd/aegisbench") {
				built = true
			}
			if s.Cmd.Path == cfg.Programs.Hyperfine {
				hyperfine = &p.Steps[i]
			}
		}
		assert.Equal(t, settle, built, "settle=%t: aegisbench built", settle)
		require.NotNil(t, hyperfine)
		assert.NotContains(t, hyperfine.Cmd.Args, "--prepare")
		if !settle {
			assert.Empty(t, hyperfine.Prepare)
			continue
		}
		require.Len(t, hyperfine.Prepare, 1)
		assert.Equal(t, "cd /repo && /work/aegisbench datasets settle /cache/realistic-200-s1.json", hyperfine.Prepare[0].String())
	}
}

// TestExecutePrepares: a step's Prepare commands run before its command,
// in order; one that fails fails the step, whose command does not run.
func TestExecutePrepares(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 2
	cfg.Tools = []string{ToolHyperfine}
	cfg.Engines = []string{EngineRustCLI}
	cfg.Hyperfine.Stages = false
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	r := &fakeRunner{}
	_, err = Execute(context.Background(), p, r, Options{})
	require.NoError(t, err)
	var order []string
	for _, c := range r.calls {
		if c.Path != cfg.Programs.Go && c.Path != cfg.Programs.Cargo {
			order = append(order, filepath.Base(c.Path)+" "+c.Args[0])
		}
	}
	assert.Equal(t, []string{"aegisbench datasets", "hyperfine -N", "aegisbench datasets", "hyperfine -N"}, order)

	r = &fakeRunner{fail: func(c Command) error {
		if slices.Contains(c.Args, "settle") {
			return errors.New("exit status 1")
		}
		return nil
	}}
	_, err = Execute(context.Background(), p, r, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "preparing:")
	for _, c := range r.calls {
		assert.NotEqual(t, cfg.Programs.Hyperfine, c.Path, "hyperfine ran after a failed preparation")
	}
}
