package instructions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/bench/benchtest"
	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/refrun"
	"github.com/aegisbench/aegisbench/harness/results"
)

func TestParseCallgrind(t *testing.T) {
	tests := []struct {
		name, data string
		want       uint64
		err        string
	}{
		{"totals", "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 256820193\n\nfn=main\n0 3\ntotals: 256820557\n", 256820557, ""},
		{"summary only", "events: Ir\nsummary: 42\n", 42, ""},
		{"several events", "events: Ir Dr\ntotals: 1000 300\n", 1000, ""},
		{"none", "events: Ir\nfn=x\n", 0, "no totals: or summary: line"},
		{"garbage", "totals: lots\n", 0, `"totals:" line`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCallgrind([]byte(tc.data))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParsePerfStat(t *testing.T) {
	tests := []struct {
		name, data string
		want       uint64
		err        string
	}{
		{"counted", "# started on Tue Nov 25 19:40:00 2026\n\n1234567,,instructions:u,1002345,100.00,,\n", 1234567, ""},
		{"not supported", "<not supported>,,instructions:u,0,100.00,,\n", 0, "<not supported>"},
		{"not counted", "<not counted>,,instructions:u,0,0.00,,\n", 0, "<not counted>"},
		{"no line", "# nothing\n", 0, "no instructions line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePerfStat([]byte(tc.data))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCallgrindCountWrapsAndRetries(t *testing.T) {
	scratch := t.TempDir()
	attempts, failAll := 0, false
	r := &benchtest.Runner{Handler: func(c Command) (Output, error) {
		attempts++
		if attempts == 1 || failAll {
			return Output{}, errors.New("valgrind: the 'impossible' happened")
		}
		return Output{}, os.WriteFile(benchtest.ArgAfter(c.Args, "--callgrind-out-file"), []byte("events: Ir\ntotals: 777\n"), 0o644)
	}}
	n, err := Callgrind{Retries: 1}.Count(context.Background(), r, Command{Dir: "/d", Path: "/bin/aegisbench", Args: []string{"paths"}, Env: []string{"GOMAXPROCS=1"}}, scratch)
	require.NoError(t, err)
	assert.Equal(t, uint64(777), n)
	require.Len(t, r.Plan(), 2)
	assert.Regexp(t, `^cd /d && GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file=\S+callgrind\.out\.\S+ -q -- /bin/aegisbench paths$`, r.Plan()[0])
	left, err := os.ReadDir(scratch)
	require.NoError(t, err)
	assert.Empty(t, left, "output file removed")

	failAll = true
	_, err = Callgrind{Retries: 1}.Count(context.Background(), r, Command{Path: "x"}, scratch)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "impossible")
	assert.Len(t, r.Plan(), 4, "one retry, then the error")
}

func TestDetectCounter(t *testing.T) {
	perfOK := func(c Command) (Output, error) {
		if c.Path == "perf" {
			return Output{}, os.WriteFile(benchtest.ArgAfter(c.Args, "-o"), []byte("100,,instructions:u,1,100.00,,\n"), 0o644)
		}
		return Output{}, nil
	}
	perfUnsupported := func(c Command) (Output, error) {
		if c.Path == "perf" {
			return Output{}, os.WriteFile(benchtest.ArgAfter(c.Args, "-o"), []byte("<not supported>,,instructions:u,0,100.00,,\n"), 0o644)
		}
		return Output{}, nil
	}
	nothing := func(c Command) (Output, error) { return Output{}, errors.New("not found") }
	tests := []struct {
		name, want string
		handler    func(Command) (Output, error)
		counter    string
		err        string
	}{
		{"auto prefers perf", "auto", perfOK, "perf", ""},
		{"auto falls back to callgrind", "auto", perfUnsupported, "callgrind", ""},
		{"callgrind asked", "callgrind", perfOK, "callgrind", ""},
		{"perf asked but unsupported", "perf", perfUnsupported, "", "perf cannot count instructions here"},
		{"neither", "auto", nothing, "", "no instruction counter"},
		{"bad name", "rdtsc", perfOK, "", "unknown instruction counter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DetectCounter(context.Background(), &benchtest.Runner{Handler: tc.handler}, t.TempDir(), tc.want)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.counter, c.Name())
		})
	}
}

// fakeCounter returns a count derived from the command, recording it.
type fakeCounter struct {
	cmds  []Command
	count func(c Command) uint64
}

func (f *fakeCounter) Name() string { return "fake" }

func (f *fakeCounter) Count(ctx context.Context, r Runner, c Command, scratch string) (uint64, error) {
	f.cmds = append(f.cmds, c)
	return f.count(c), nil
}

func TestMeasureInstructions(t *testing.T) {
	fc := &fakeCounter{count: func(c Command) uint64 {
		n := uint64(1000)
		if c.Path == "/r/target/release/aegispath" {
			n = 400
		}
		if strings.HasSuffix(benchtest.ArgAfter(c.Args, "--in"), "2000.json") {
			n *= 10
		}
		return n
	}}
	targets := []InstrTarget{
		{Engine: "go", Command: Command{Dir: "/r", Path: "/r/bin/aegisbench", Args: []string{"paths", "--engine", "go"}}},
		{Engine: "rust-cli", Command: Command{Dir: "/r", Path: "/r/target/release/aegispath"}},
	}
	cfg := InstrConfig{Counter: fc, Targets: targets, Count: 2, Options: engines.DefaultOptions(),
		Inputs: []InstrInput{{N: 200, Path: "/c/realistic-200.json"}, {N: 2000, Path: "/c/realistic-2000.json"}}}
	var out bytes.Buffer
	require.NoError(t, MeasureInstructions(context.Background(), nil, cfg, &out))
	assert.Equal(t, "counter: fake\nUnit instructions/op assume=exact better=lower\n"+
		strings.Repeat("BenchmarkInstructions/engine=go/n=200 1 1000 instructions/op\n"+
			"BenchmarkInstructions/engine=rust-cli/n=200 1 400 instructions/op\n"+
			"BenchmarkInstructions/engine=go/n=2000 1 10000 instructions/op\n"+
			"BenchmarkInstructions/engine=rust-cli/n=2000 1 4000 instructions/op\n", 2), out.String())
	require.Len(t, fc.cmds, 8)
	assert.Equal(t, "cd /r && GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 GOGC=off GOMEMLIMIT=4GiB RAYON_NUM_THREADS=1 /r/bin/aegisbench paths --engine go --in /c/realistic-200.json --max-depth 4 --top-k 20", fc.cmds[0].String())
	assert.Equal(t, []string{"paths", "--engine", "go"}, targets[0].Command.Args, "targets not modified")

	// The output reads back as an exact, lower-is-better unit.
	res, err := results.Read(strings.NewReader(out.String()), "counts")
	require.NoError(t, err)
	s := res.Lookup("Instructions/engine=go/n=2000", "instructions/op")
	require.NotNil(t, s)
	assert.Equal(t, []float64{10000, 10000}, s.Values)
	assert.True(t, res.Exact("instructions/op"))
	assert.Equal(t, -1, results.Better("instructions/op", res.Units))

	// A user's dataset (--dataset) is named in the benchmark name.
	cfg.Count, cfg.Targets = 1, targets[:1]
	cfg.Inputs = []InstrInput{{N: 7, Path: "/d/mine.json", Dataset: "mine"}}
	out.Reset()
	require.NoError(t, MeasureInstructions(context.Background(), nil, cfg, &out))
	assert.Contains(t, out.String(), "\nBenchmarkInstructions/dataset=mine/engine=go/n=7 1 1000 instructions/op\n")

	cfg.Count = 0
	require.Error(t, MeasureInstructions(context.Background(), nil, cfg, &out))
}

func TestPathsTargets(t *testing.T) {
	dir := t.TempDir()
	_, err := PathsTargets(PathsProgram("/b/aegisbench", ""), dir, []string{"go", "rust-cli"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aegispath not built")

	require.NoError(t, os.MkdirAll(filepath.Join(dir, "target", "release"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "target", "release", "aegispath"), nil, 0o755))
	tests := []struct {
		name    string
		program []string
		want    []string
	}{
		{"aegispaths", PathsProgram("/b/aegisbench", "/b/aegispaths"), []string{
			"go: cd " + dir + " && /b/aegispaths --engine go",
			"rust-cli: cd " + dir + " && " + dir + "/target/release/aegispath",
			"rust-ffi: cd " + dir + " && /b/aegispaths --engine rust-ffi",
		}},
		{"aegisbench paths", PathsProgram("/b/aegisbench", ""), []string{
			"go: cd " + dir + " && /b/aegisbench paths --engine go",
			"rust-cli: cd " + dir + " && " + dir + "/target/release/aegispath",
			"rust-ffi: cd " + dir + " && /b/aegisbench paths --engine rust-ffi",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := PathsTargets(tc.program, dir, []string{"go", "rust-cli", "rust-ffi"})
			require.NoError(t, err)
			var got []string
			for _, tg := range ts {
				got = append(got, fmt.Sprintf("%s: %s", tg.Engine, tg.Command))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestInstructionSampleWritesResultsFile(t *testing.T) {
	fc := &fakeCounter{count: func(c Command) uint64 {
		if strings.Contains(c.Path, "base") {
			return 1000
		}
		return 1030
	}}
	work := t.TempDir()
	sample := InstructionSample(fc, []string{"go"}, []InstrInput{{N: 2000, Path: "/c/in.json"}}, engines.DefaultOptions(), work)
	r := &benchtest.Runner{}
	files, err := refrun.RunRef(context.Background(), r, refrun.RefConfig{Root: "/h", Ref: "main", WorkDir: work, Rounds: 2, Sample: sample})
	require.NoError(t, err)
	var order []string
	for _, c := range fc.cmds {
		order = append(order, filepath.Base(filepath.Dir(c.Path)))
	}
	assert.Equal(t, []string{"base", "head", "base", "head"}, order, "interleaved")

	base, err := results.Load(files.Base)
	require.NoError(t, err)
	head, err := results.Load(files.Head)
	require.NoError(t, err)
	rep := gate.Judge(base, head, gate.DefaultThresholds())
	require.Len(t, rep.Rows, 1)
	assert.Equal(t, gate.Regression, rep.Rows[0].Verdict, "3%% more instructions is beyond the 1%% threshold")
	assert.InDelta(t, 0.03, rep.Rows[0].Change, 1e-9)
}

// TestInstructionSampleCountsAegispaths: when both trees have
// cmd/aegispaths, each side's own aegispaths is counted, not aegisbench.
func TestInstructionSampleCountsAegispaths(t *testing.T) {
	fc := &fakeCounter{count: func(Command) uint64 { return 1000 }}
	work, head := t.TempDir(), t.TempDir()
	for _, dir := range []string{filepath.Join(work, "base"), head} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "cmd", "aegispaths"), 0o755))
	}
	sample := InstructionSample(fc, []string{"go"}, []InstrInput{{N: 2000, Path: "/c/in.json"}}, engines.DefaultOptions(), work)
	_, err := refrun.RunRef(context.Background(), &benchtest.Runner{}, refrun.RefConfig{Root: head, Ref: "main", WorkDir: work, Rounds: 1, Sample: sample, BuildPaths: true})
	require.NoError(t, err)
	var got []string
	for _, c := range fc.cmds {
		got = append(got, c.Path+" "+strings.Join(c.Args[:2], " "))
	}
	assert.Equal(t, []string{
		filepath.Join(work, "bin", "base", "aegispaths") + " --engine go",
		filepath.Join(work, "bin", "head", "aegispaths") + " --engine go",
	}, got)
}
