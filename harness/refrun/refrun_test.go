package refrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/bench/benchtest"
	"github.com/aegisbench/aegisbench/harness/results"
)

// benchHandler plays `aegisbench bench ... -o OUT`: it writes one result
// line naming the side (from the binary's directory) and a running count.
func benchHandler(calls *int) func(c Command) (Output, error) {
	return func(c Command) (Output, error) {
		if len(c.Args) > 0 && c.Args[0] == "bench" {
			*calls++
			side := filepath.Base(filepath.Dir(c.Path))
			line := fmt.Sprintf("BenchmarkPipeline/engine=go/n=2000 1 %d ns/op\n", 1000+*calls)
			return Output{}, os.WriteFile(benchtest.ArgAfter(c.Args, "-o"), []byte("side: "+side+"\n"+line), 0o644)
		}
		return Output{}, nil
	}
}

func TestRunRefInterleavedPlan(t *testing.T) {
	work := t.TempDir()
	calls := 0
	r := &benchtest.Runner{Handler: benchHandler(&calls)}
	cfg := RefConfig{Root: "/src/head", Ref: "origin/main", WorkDir: work, Rounds: 3,
		Sample: BenchSample([]string{"--engines", "go", "--sizes", "2000"})}
	files, err := RunRef(context.Background(), r, cfg)
	require.NoError(t, err)

	bin := filepath.Join(work, "bin")
	tree := filepath.Join(work, "base")
	sample := func(side, dir string, round int) string {
		return fmt.Sprintf("cd %s && %s/%s/aegisbench bench --engines go --sizes 2000 --count 1 -o %s/samples/%s-%03d.txt",
			dir, bin, side, work, side, round)
	}
	want := []string{
		"cd /src/head && git rev-parse --verify --quiet 'origin/main^{commit}'",
		"cd /src/head && git worktree add --detach " + tree + " origin/main",
		"cd " + tree + " && go build -trimpath -o " + bin + "/base/aegisbench ./cmd/aegisbench",
		"cd /src/head && go build -trimpath -o " + bin + "/head/aegisbench ./cmd/aegisbench",
		sample("base", tree, 1), sample("head", "/src/head", 1),
		sample("base", tree, 2), sample("head", "/src/head", 2),
		sample("base", tree, 3), sample("head", "/src/head", 3),
		"cd /src/head && git worktree remove --force " + tree,
	}
	assert.Equal(t, want, r.Plan())

	base, err := os.ReadFile(files.Base)
	require.NoError(t, err)
	assert.Equal(t, "side: base\nBenchmarkPipeline/engine=go/n=2000 1 1001 ns/op\n"+
		"side: base\nBenchmarkPipeline/engine=go/n=2000 1 1003 ns/op\n"+
		"side: base\nBenchmarkPipeline/engine=go/n=2000 1 1005 ns/op\n", string(base))
	head, err := results.Load(files.Head)
	require.NoError(t, err)
	assert.Equal(t, []float64{1002e-9, 1004e-9, 1006e-9}, head.Lookup("Pipeline/engine=go/n=2000", "sec/op").Values)
}

func TestRunRefBuildsRustWithRustffiTag(t *testing.T) {
	work := t.TempDir()
	calls := 0
	r := &benchtest.Runner{Handler: benchHandler(&calls)}
	_, err := RunRef(context.Background(), r, RefConfig{Root: "/h", Ref: "v1", WorkDir: work, Rounds: 1, Tags: "rustffi",
		Sample: BenchSample(nil)})
	require.NoError(t, err)
	tree := filepath.Join(work, "base")
	assert.Equal(t, "cd "+tree+" && cargo build --release --locked -p libaegispath", r.Plan()[2])
	assert.Equal(t, "cd "+tree+" && go build -trimpath -tags rustffi -o "+work+"/bin/base/aegisbench ./cmd/aegisbench", r.Plan()[3])
	assert.Equal(t, "cd /h && cargo build --release --locked -p libaegispath", r.Plan()[4])
}

// TestRunRefBuildsAegispaths: asked to, and when both trees have
// cmd/aegispaths, each side builds it beside its aegisbench and the
// samples get it, so that the two sides always run the same program.
func TestRunRefBuildsAegispaths(t *testing.T) {
	tests := []struct {
		name       string
		asked      bool // RefConfig.BuildPaths
		base, head bool // the tree has cmd/aegispaths
		wantBuilds []string
		wantPaths  bool
	}{
		{"both", true, true, true, []string{"base", "head"}, true},
		{"head only", true, false, true, nil, false},
		{"neither", true, false, false, nil, false},
		{"not asked", false, true, true, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			work, head := t.TempDir(), t.TempDir()
			tree := filepath.Join(work, "base")
			for dir, has := range map[string]bool{tree: tc.base, head: tc.head} {
				if has {
					require.NoError(t, os.MkdirAll(filepath.Join(dir, "cmd", "aegispaths"), 0o755))
				}
			}
			r := &benchtest.Runner{Handler: func(Command) (Output, error) { return Output{}, nil }}
			var seen []Side
			var log strings.Builder
			_, err := RunRef(context.Background(), r, RefConfig{Root: head, Ref: "v1", WorkDir: work, Rounds: 1, Log: &log, BuildPaths: tc.asked,
				Sample: func(_ context.Context, _ Runner, side Side, out string) error {
					seen = append(seen, side)
					return os.WriteFile(out, nil, 0o644)
				}})
			require.NoError(t, err)

			var builds []string
			for _, c := range r.Plan() {
				if strings.HasSuffix(c, " ./cmd/aegispaths") {
					side := map[bool]string{true: "base", false: "head"}[strings.HasPrefix(c, "cd "+tree+" ")]
					assert.Equal(t, fmt.Sprintf("cd %s && GOEXPERIMENT=norandomizedheapbase64 go build -trimpath -o %s/bin/%s/aegispaths ./cmd/aegispaths",
						map[string]string{"base": tree, "head": head}[side], work, side), c)
					builds = append(builds, side)
				}
			}
			assert.Equal(t, tc.wantBuilds, builds)
			require.Len(t, seen, 2)
			for _, side := range seen {
				want := ""
				if tc.wantPaths {
					want = filepath.Join(work, "bin", side.Name, "aegispaths")
				}
				assert.Equal(t, want, side.Paths, side.Name)
			}
			assert.Equal(t, tc.asked && tc.head && !tc.base, strings.Contains(log.String(), "v1 has no cmd/aegispaths: both sides run `aegisbench paths`"), log.String())
		})
	}
}

func TestRunRefFailuresNameTheSideAndRemoveTheWorktree(t *testing.T) {
	tests := []struct {
		name     string
		failWhen func(c Command) bool
		side     string // "" when not a side error
		msg      string
	}{
		{"unknown ref", func(c Command) bool { return c.Path == "git" && c.Args[0] == "rev-parse" }, "", `base ref "nope" is not a commit`},
		{"base does not build", func(c Command) bool { return c.Path == "go" && strings.Contains(c.Dir, "base") }, "base", "building aegisbench"},
		{"head does not build", func(c Command) bool { return c.Path == "go" && c.Dir == "/h" }, "head", "building aegisbench"},
		{"head bench fails in round 2", func(c Command) bool {
			return c.Dir == "/h" && strings.HasSuffix(benchtest.ArgAfter(c.Args, "-o"), "head-002.txt")
		}, "head", "round 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			calls := 0
			ok := benchHandler(&calls)
			r := &benchtest.Runner{Handler: func(c Command) (Output, error) {
				if tc.failWhen(c) {
					return Output{}, errors.New("exit status 1")
				}
				return ok(c)
			}}
			_, err := RunRef(context.Background(), r, RefConfig{Root: "/h", Ref: "nope", WorkDir: work, Rounds: 3, Sample: BenchSample(nil)})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			var se *SideError
			if tc.side == "" {
				assert.False(t, errors.As(err, &se))
				assert.Len(t, r.Plan(), 1, "nothing after a failed rev-parse")
				return
			}
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.side, se.Side)
			assert.Equal(t, "cd /h && git worktree remove --force "+filepath.Join(work, "base"), r.Plan()[len(r.Plan())-1])
		})
	}
}

// TestPortSample: both sides run under the working tree's harness, each
// with its own build's shared library named rust-ffi.
func TestPortSample(t *testing.T) {
	work := t.TempDir()
	r := &benchtest.Runner{Handler: func(Command) (Output, error) { return Output{}, nil }}
	cfg := RefConfig{Root: "/h", Ref: "v1", WorkDir: work, Rounds: 1, Tags: "rustffi"}
	cfg.Sample = PortSample(HeadSide(cfg), "libaegispath.so", []string{"--only", "go"})
	_, err := RunRef(context.Background(), r, cfg)
	require.Error(t, err, "the fake runner writes no sample files")
	tree := filepath.Join(work, "base")
	want := fmt.Sprintf("cd /h && %s/bin/head/aegisbench bench --engines rust-ffi=ffi:%s/target/release/libaegispath.so --only go --count 1 -o %s/samples/base-001.txt",
		work, tree, work)
	assert.Contains(t, r.Plan(), want)
}
