package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeRunner records every command and answers with canned outputs: the
// output a real tool would print, with values that depend on the call
// number so that samples differ (as timings do) while B/op and allocs/op
// stay fixed (as they do for deterministic code).
type fakeRunner struct {
	calls []Command
	fail  func(c Command) error // optional: an error for some commands
}

func (f *fakeRunner) Run(_ context.Context, c Command) (Output, error) {
	f.calls = append(f.calls, c)
	if f.fail != nil {
		if err := f.fail(c); err != nil {
			return Output{Stderr: []byte("boom")}, &CommandError{Cmd: c, Err: err, Stderr: "boom"}
		}
	}
	k := len(f.calls)
	base := filepath.Base(c.Path)
	switch {
	case strings.HasSuffix(base, ".test"):
		return Output{Stdout: []byte(fakeGoTest(c, k))}, nil
	case base == "cargo" && c.Args[0] == "bench" && !slices.Contains(c.Args, "--no-run"):
		return Output{Stdout: []byte(fakeCriterion(c, k))}, nil
	case slices.Contains(c.Args, "--timings"):
		return Output{Stderr: []byte(fmt.Sprintf("timings: read+validate=%dms compute=2ms encode=0.1ms write=0.01ms total=9ms\n", k))}, nil
	case base == "hyperfine":
		return Output{Stdout: []byte(fmt.Sprintf(`{"results":[{"command":"x","times":[%g],"exit_codes":[0]}]}`, 0.1+float64(k)/1000)), PeakRSS: 1 << 20 * int64(k)}, nil
	}
	return Output{}, nil // builds
}

func argAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// suites are the benchmarks each test binary holds, as the real packages
// name them (engines/rustengine also has engine=rust-cli, which the plan
// must not select).
func suites() map[string][]string {
	m := map[string][]string{}
	for _, n := range []string{"200", "2000", "20000"} {
		for _, b := range []string{"Load", "SerializePaths", "ListFindings", "GetFinding"} {
			m["engines_goengine"] = append(m["engines_goengine"], b+"/n="+n)
		}
		for _, b := range []string{"AttackPaths", "Pipeline"} {
			m["engines_goengine"] = append(m["engines_goengine"], b+"/engine=go/n="+n)
		}
		m["generators"] = append(m["generators"], "Generate/n="+n)
		m["engines_rustengine_rustffi"] = append(m["engines_rustengine_rustffi"], "Pipeline/engine=rust-ffi/n="+n, "Pipeline/engine=rust-cli/n="+n)
	}
	m["engines_rustengine_rustffi"] = append(m["engines_rustengine_rustffi"], "FFI/call=noop", "FFI/echo=1KB", "FFI/echo=64KB", "FFI/echo=1MB")
	m["harness_platformcal"] = []string{"Calibration/engine=go"}
	return m
}

// goBenchMatch is go test's -bench matching: the pattern's /-separated
// levels must each match the name's level, and a name with fewer levels
// than the pattern is only a partial match, which go test does not run.
func goBenchMatch(pattern, name string) bool {
	pats, elems := strings.Split(pattern, "/"), strings.Split(name, "/")
	if len(elems) < len(pats) {
		return false
	}
	for i, p := range pats {
		if !regexp.MustCompile(p).MatchString(elems[i]) {
			return false
		}
	}
	return true
}

// fakeGoTest prints go test output for the benchmarks a command selects
// from its binary's suite.
func fakeGoTest(c Command, k int) string {
	regex := argAfter(c.Args, "-test.bench")
	pkg := "github.com/aegisbench/aegisbench/" + strings.TrimPrefix(c.Dir, "/repo/")
	var names []string
	for _, name := range suites()[strings.TrimSuffix(filepath.Base(c.Path), ".test")] {
		if goBenchMatch(regex, "Benchmark"+name) {
			names = append(names, name)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "goos: linux\ngoarch: amd64\npkg: %s\ncpu: Fake CPU\n", pkg)
	for i, name := range names {
		fmt.Fprintf(&b, "Benchmark%s-2   \t      10\t  %d ns/op\t  %d B/op\t  %d allocs/op\n", name, 1000*k+i, 4096*(i+1), 7*(i+1))
	}
	b.WriteString("PASS\n")
	return b.String()
}

// fakeCriterion prints Criterion's bencher lines for the size a command
// selects.
func fakeCriterion(c Command, k int) string {
	if slices.Contains(c.Args, "calibration_bench") {
		return fmt.Sprintf("test platform_calibration ... bench:   %s ns/iter (+/- 1,234)\n", commas(1000000+k))
	}
	filter := c.Args[len(c.Args)-1]
	m := regexp.MustCompile(`n=(\d+)\$$`).FindStringSubmatch(filter)
	var b strings.Builder
	for i, g := range CriterionGroups {
		fmt.Fprintf(&b, "test %s/n=%s ... bench:   %s ns/iter (+/- 1,234)\n", g.Group, m[1], commas(100000*k+i))
	}
	return b.String()
}

func commas(v int) string {
	s := fmt.Sprint(v)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func testConfig(sizes ...int) Config {
	cfg := DefaultConfig()
	cfg.Root = "/repo"
	cfg.WorkDir = "/work"
	cfg.Sizes = sizes
	cfg.Count = 2
	cfg.Hyperfine.Stages = false // TestProcessStages covers them
	for _, n := range sizes {
		cfg.Standard = append(cfg.Standard, Dataset{
			Name: fmt.Sprintf("realistic-%d-s1", n), Path: fmt.Sprintf("/cache/realistic-%d-s1.json", n),
			Findings: n, Bytes: int64(2100 * n), SHA256: strings.Repeat(fmt.Sprint(n%10), 64),
		})
	}
	return cfg
}

func planLines(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.String())
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test -update")
	assert.Equal(t, string(want), string(got))
}

// TestPlanFull pins the whole plan of a two-size, two-sample run with
// every tool and engine: setup builds, then rounds in the same order.
func TestPlanFull(t *testing.T) {
	cfg := testConfig(200, 2000)
	cfg.ProfileDir = "/prof"
	cfg.Extra = []Dataset{{Name: "my findings", Path: "/data/mine.json", Findings: 321, Bytes: 1000, SHA256: strings.Repeat("a", 64)}}
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	golden(t, "plan-full.golden", []byte(strings.Join(planLines(p), "\n")+"\n"))
}

// TestProcessStages checks the --timings arms: after each hyperfine run,
// the same command with --timings, its stages as results; rust-ffi as a
// process (aegisbench paths --engine rust-ffi) only with them.
func TestProcessStages(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 1
	cfg.Tools = []string{ToolHyperfine}
	cfg.Engines = []string{EngineGo, EngineRustFFI}
	cfg.Hyperfine.Stages = true
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	var samples []string
	for _, s := range p.Steps {
		if s.Phase == PhaseSample {
			samples = append(samples, s.Arm)
		}
	}
	assert.Equal(t, []string{"hyperfine engine=go n=200", "timings engine=go n=200",
		"hyperfine engine=rust-ffi n=200", "timings engine=rust-ffi n=200"}, samples)
	res, err := Execute(context.Background(), p, &fakeRunner{}, Options{})
	require.NoError(t, err)
	var names []string
	for _, m := range res.Measurements {
		names = append(names, m.Result.Name.String())
	}
	assert.Contains(t, names, "ProcessStage/engine=go/stage=read_validate/n=200")
	assert.Contains(t, names, "ProcessStage/engine=rust-ffi/stage=write/n=200")
	assert.Contains(t, names, "Process/engine=rust-ffi/n=200")
}

// TestPlanInterleaves checks the order of arms: A B A B across rounds, not
// A A B B.
func TestPlanInterleaves(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 3
	cfg.Tools = []string{ToolHyperfine}
	cfg.Engines = []string{EngineGo, EngineRustCLI}
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	var samples []string
	for _, s := range p.Steps {
		if s.Phase == PhaseSample {
			samples = append(samples, fmt.Sprintf("%d %s", s.Round, s.Arm))
		}
	}
	assert.Equal(t, []string{
		"1 hyperfine engine=go n=200", "1 hyperfine engine=rust-cli n=200",
		"2 hyperfine engine=go n=200", "2 hyperfine engine=rust-cli n=200",
		"3 hyperfine engine=go n=200", "3 hyperfine engine=rust-cli n=200",
	}, samples)
	// Only the builds the selection needs.
	var setup []string
	for _, s := range p.Steps {
		if s.Phase == PhaseSetup {
			setup = append(setup, s.Cmd.String())
		}
	}
	assert.Equal(t, []string{
		"cd /repo && cargo build --release --locked -p libaegispath",
		"cd /repo && go build -o /work/aegispaths ./cmd/aegispaths",
		"cd /repo && go build -o /work/aegisbench ./cmd/aegisbench",
	}, setup)
}

func TestPlanSelections(t *testing.T) {
	count := func(p *Plan, phase Phase) int {
		n := 0
		for _, s := range p.Steps {
			if s.Phase == phase {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name          string
		tools         []string
		engines       []string
		sizes         []int
		count         int
		setup, sample int
	}{
		// per size: goengine (2) + generate + rust-ffi pipeline + criterion + 2 processes; plus FFI calls
		// and the Go and Rust platform calibration once per round.
		{"everything", AllTools, AllEngines, []int{200, 2000, 20000}, 5, 8, 5 * (3*7 + 3)},
		{"go only", []string{ToolGo}, []string{EngineGo}, []int{200, 2000}, 3, 3, 3 * (2*3 + 1)},
		{"criterion only", []string{ToolCriterion}, AllEngines, []int{200}, 4, 1, 4 * 2},
		{"rust-ffi", []string{ToolGo}, []string{EngineRustFFI}, []int{200, 2000}, 2, 3, 2 * 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(tt.sizes...)
			cfg.Tools, cfg.Engines, cfg.Count = tt.tools, tt.engines, tt.count
			p, err := NewPlan(cfg)
			require.NoError(t, err)
			assert.Equal(t, tt.setup, count(p, PhaseSetup))
			assert.Equal(t, tt.sample, count(p, PhaseSample))
			assert.Zero(t, count(p, PhaseProfile))
		})
	}
}

func TestPlanRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"zero count", func(c *Config) { c.Count = 0 }, "count 0"},
		{"bad engine", func(c *Config) { c.Engines = []string{"java"} }, `unknown engine "java"`},
		{"bad tool", func(c *Config) { c.Tools = []string{"perf"} }, `unknown tool "perf"`},
		{"dataset size", func(c *Config) { c.Standard[0].Findings = 7 }, "has 7 findings, size is 200"},
		{"criterion samples", func(c *Config) { c.Criterion.SampleSize = 5 }, "at least 10"},
		{"nothing in common", func(c *Config) { c.Tools = []string{ToolCriterion}; c.Sizes = nil; c.Standard = nil }, "no sizes"},
		{"no arms", func(c *Config) { c.Tools = []string{ToolHyperfine}; c.Engines = []string{EngineRustFFI} }, "nothing to measure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(200)
			tt.edit(&cfg)
			_, err := NewPlan(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestExecute runs a whole plan against the fake runner and pins the
// results file: every command ran once in plan order, and the file holds
// the canned measurements grouped by package with exact-unit metadata.
func TestExecute(t *testing.T) {
	cfg := testConfig(200, 2000)
	cfg.ProfileDir = t.TempDir()
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	r := &fakeRunner{}
	res, err := Execute(context.Background(), p, r, Options{})
	require.NoError(t, err)

	// Each step's Prepare commands, then its own command.
	var want []string
	for _, s := range p.Steps {
		for _, c := range s.Prepare {
			want = append(want, c.String())
		}
		want = append(want, s.Cmd.String())
	}
	var got []string
	for _, c := range r.calls {
		got = append(got, c.String())
	}
	assert.Equal(t, want, got)

	// go engine: 2+4 per size, generate 1, ffi pipeline 1, criterion 4, processes 2; FFI calls 4;
	// calibration: Go and Rust.
	assert.Len(t, res.Measurements, cfg.Count*(2*(6+1+1+4+2)+4+2))

	plat := Platform{GOOS: "linux", GOARCH: "amd64", CPU: "Fake CPU", Cores: 2, Go: "go1.26.8", Rustc: "1.95.0", Commit: "abc123", Date: "2026-01-02T03:04:05Z"}
	var buf bytes.Buffer
	require.NoError(t, WriteResults(&buf, plat.Config(cfg.Standard...), res.Measurements))
	golden(t, "results.golden", buf.Bytes())

	// The profiling run's benchmark lines are kept beside the profiles.
	prof, err := os.ReadFile(filepath.Join(cfg.ProfileDir, ProfileBenchmark))
	require.NoError(t, err)
	assert.Contains(t, string(prof), "BenchmarkAttackPaths/engine=go/n=2000-2")

	// The file reads back: same number of results, exact units declared.
	recs, err := results.Records(bytes.NewReader(buf.Bytes()), "results")
	require.NoError(t, err)
	assert.Len(t, recs, len(res.Measurements))
	set, err := results.Read(bytes.NewReader(buf.Bytes()), "results")
	require.NoError(t, err)
	assert.Equal(t, benchmath.AssumeExact, set.Assumption("allocs/op"))
	assert.Equal(t, benchmath.AssumeExact, set.Assumption("B/op"))
	assert.Equal(t, benchmath.AssumeNothing, set.Assumption("sec/op"))
}

func TestExecuteFailures(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 3
	cfg.Tools = []string{ToolHyperfine}
	cfg.Engines = []string{EngineGo, EngineRustCLI}
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	failRust := func(c Command) error {
		if strings.Contains(strings.Join(c.Args, " "), "aegispath --in") {
			return errors.New("exit status 1")
		}
		return nil
	}

	t.Run("stops at the first failure", func(t *testing.T) {
		r := &fakeRunner{fail: failRust}
		res, err := Execute(context.Background(), p, r, Options{})
		require.Error(t, err)
		assert.Nil(t, res)
		assert.Contains(t, err.Error(), "sample hyperfine engine=rust-cli n=200")
		assert.Contains(t, err.Error(), "boom")
		assert.Len(t, r.calls, 3+2+2) // three builds (libaegispath, aegispaths, aegisbench), go sample and failing rust sample, each after its settle
	})
	t.Run("keep going skips the failed arm", func(t *testing.T) {
		r := &fakeRunner{fail: failRust}
		res, err := Execute(context.Background(), p, r, Options{KeepGoing: true})
		require.ErrorIs(t, err, ErrFailures)
		require.NotNil(t, res)
		assert.Len(t, res.Measurements, 3) // the go process, every round
		require.Len(t, res.Failures, 1)
		assert.Equal(t, "hyperfine engine=rust-cli n=200", res.Failures[0].Arm)
		assert.Equal(t, 1, res.Failures[0].Round)
		assert.Len(t, r.calls, 3+2*(3+1)) // builds, 3 go samples and one failed rust sample, each after its settle
	})
	t.Run("setup failure always stops", func(t *testing.T) {
		r := &fakeRunner{fail: func(c Command) error {
			if slices.Contains(c.Args, "build") {
				return errors.New("exit status 101")
			}
			return nil
		}}
		_, err := Execute(context.Background(), p, r, Options{KeepGoing: true})
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrFailures)
		assert.Contains(t, err.Error(), "setup build libaegispath")
	})
}

func TestExecuteMissingBenchmark(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 1
	cfg.Tools = []string{ToolGo}
	cfg.Engines = []string{EngineRustFFI}
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	// A runner whose FFI benchmark prints only part of the expected lines.
	r := runnerFunc(func(c Command) (Output, error) {
		if strings.Contains(strings.Join(c.Args, " "), "^BenchmarkFFI$") {
			return Output{Stdout: []byte("pkg: x\nBenchmarkFFI/call=noop-2 100 50 ns/op 0 B/op 0 allocs/op\nPASS\n")}, nil
		}
		return (&fakeRunner{}).Run(context.Background(), c)
	})
	_, err = Execute(context.Background(), p, r, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no result line for BenchmarkFFI/echo=1KB, BenchmarkFFI/echo=64KB, BenchmarkFFI/echo=1MB")
}

type runnerFunc func(c Command) (Output, error)

func (f runnerFunc) Run(_ context.Context, c Command) (Output, error) { return f(c) }
