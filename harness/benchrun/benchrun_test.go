package benchrun

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	_ "github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/bench"
)

func TestSelectTargets(t *testing.T) {
	progs := bench.DefaultConfig().Programs
	noRust := func(p string) (string, error) {
		if p == "cargo" {
			return "", errors.New("not found")
		}
		return "/usr/bin/" + p, nil
	}
	eng, tools, skipped, err := SelectTargets("", "", progs, noRust)
	require.NoError(t, err)
	assert.Equal(t, []string{"go"}, eng)
	assert.Equal(t, []string{"go", "hyperfine"}, tools)
	assert.Equal(t, []string{"rust-ffi (cargo not found)", "rust-cli (cargo not found)", "criterion (cargo not found)"}, skipped)

	_, _, _, err = SelectTargets("go,rust-ffi", "", progs, noRust)
	assert.ErrorContains(t, err, "--engines rust-ffi needs cargo, which is not installed")

	eng, tools, skipped, err = SelectTargets("rust-cli", "hyperfine", progs, func(p string) (string, error) { return p, nil })
	require.NoError(t, err)
	assert.Equal(t, []string{"rust-cli"}, eng)
	assert.Equal(t, []string{"hyperfine"}, tools)
	assert.Empty(t, skipped)
}

func TestUserDataset(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	var doc bytes.Buffer
	require.NoError(t, generators.Generate(&doc, generators.Config{Findings: 20, Seed: 1, Shape: "realistic"}))
	d, err := UserDataset(write("My Findings.json", doc.String()), false)
	require.NoError(t, err)
	assert.Equal(t, "My Findings", d.Name)
	assert.Equal(t, 20, d.Findings)
	assert.Equal(t, int64(doc.Len()), d.Bytes)
	assert.Len(t, d.SHA256, 64)
	assert.Contains(t, d.Profile, "20 findings")
	assert.Contains(t, d.ConfigValue(), d.SHA256+" findings=20 bytes=")
	assert.Contains(t, d.ConfigValue(), " profile: ")

	_, err = UserDataset(write("none.json", `[]`), false)
	assert.ErrorContains(t, err, "no findings")
	_, err = UserDataset(write("obj.json", `{"id":"a"}`), false)
	assert.ErrorContains(t, err, "obj.json")
}

// TestHeader: the results file's configuration ends with the lines of
// what happened to the run (resumed, ci-width, interrupted, skipped,
// failed), each only when it did, after the settings and the plan.
func TestHeader(t *testing.T) {
	cfg := bench.DefaultConfig()
	cfg.Root, cfg.WorkDir, cfg.Sizes, cfg.Count = "/repo", "/work", []int{200}, 2
	cfg.Engines, cfg.Tools = []string{"go"}, []string{"go", "hyperfine"}
	cfg.Hyperfine.Warmup, cfg.Hyperfine.Runs = 1, 10
	cfg.Standard = []bench.Dataset{{Name: "realistic-200-s1", Path: "/cache/r.json", Findings: 200, Bytes: 420000, SHA256: "ab"}}
	plan, err := bench.NewPlan(cfg)
	require.NoError(t, err)
	platform := bench.Platform{GOOS: "linux", GOARCH: "amd64", Cores: 2}
	resume := &bench.Resume{Path: "old.txt", Step: 3, Measurements: make([]bench.Measurement, 5)}
	interrupted := &bench.Results{Interrupted: &bench.Interruption{Step: 4, Total: 9, What: "[sample 2] x"}}
	failed := &bench.Results{Failures: []bench.Failure{{Arm: "go engine=go n=200", Round: 1, Err: errors.New("exit status 2")}}}
	tests := []struct {
		name    string
		resume  *bench.Resume
		ciNote  string
		res     *bench.Results
		skipped []string
		want    map[string]string // the run's own lines, by key
	}{
		{"complete", nil, "", &bench.Results{}, nil, map[string]string{}},
		{"resumed", resume, "", &bench.Results{}, nil, map[string]string{bench.ConfigResumed: "5 samples from old.txt, continued at step 3"}},
		{"ci width", nil, "8 of 9 arms within ±5%", &bench.Results{}, nil, map[string]string{"note-ci-width": "8 of 9 arms within ±5%"}},
		{"interrupted", nil, "", interrupted, nil, map[string]string{bench.ConfigInterrupted: "step=4/9 at [sample 2] x"}},
		{"skipped", nil, "", &bench.Results{}, []string{"rust-ffi (cargo not found)", "criterion (cargo not found)"},
			map[string]string{"skipped": "rust-ffi (cargo not found); criterion (cargo not found)"}},
		{"failed", nil, "", failed, nil, map[string]string{"failed": failed.Failures[0].String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Header(platform, cfg, plan, nil, tt.resume, tt.ciNote, tt.res, tt.skipped)
			got := map[string]string{}
			var keys []string
			for _, c := range h {
				got[c.Key] = string(c.Value)
				keys = append(keys, c.Key)
			}
			assert.Equal(t, "count=2 tools=go,hyperfine engines=go hyperfine-warmup=1 hyperfine-runs=10 hyperfine-settle=true process-host=aegispaths", got["bench"])
			assert.Equal(t, plan.PlanDigest(), got[bench.ConfigPlan])
			assert.Equal(t, "linux", got["goos"])
			run := map[string]string{}
			for _, k := range keys[slices.Index(keys, bench.ConfigPlan)+1:] {
				run[k] = got[k]
			}
			assert.Equal(t, tt.want, run)
		})
	}
}
