package profile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// generate writes a dataset into dir and returns its path.
func generate(t *testing.T, dir string, cfg generators.Config) string {
	t.Helper()
	name := cfg.Shape
	if cfg.Like != nil {
		name = "like"
	}
	path := filepath.Join(dir, name+".json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, generators.Generate(f, cfg))
	require.NoError(t, f.Close())
	return path
}

func run(t *testing.T, path string, opt profile.Options) *profile.Profile {
	t.Helper()
	p, err := profile.Run(context.Background(), path, opt)
	require.NoError(t, err)
	return p
}

func withEngine() profile.Options { return profile.Options{Engine: goengine.New()} }

// engineTotals runs the go engine on a file.
func engineTotals(t *testing.T, path string) profile.Counts {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out, err := goengine.AttackPaths(raw, engines.Options{MaxDepth: 4, TopK: 0})
	require.NoError(t, err)
	var doc struct {
		Totals profile.Counts `json:"totals"`
	}
	require.NoError(t, json.Unmarshal(out, &doc))
	return doc.Totals
}

func TestProfileOfEveryShape(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range generators.ShapeNames() {
		t.Run(shape, func(t *testing.T) {
			n := 800
			path := generate(t, dir, generators.Config{Findings: n, Seed: 2, Shape: shape})
			p := run(t, path, withEngine())
			require.True(t, p.Check.Valid, "generated data is valid: %+v", p.Check.Fields)
			assert.Empty(t, p.Check.Fields)
			assert.Equal(t, n, p.Findings)
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, fi.Size(), p.File.Bytes)
			assert.InDelta(t, float64(fi.Size())/float64(n), p.BytesPerFinding, 1e-9)
			assert.Len(t, p.File.SHA256, 64)

			// Counts add up.
			var inAccounts int64
			for _, a := range p.Accounts.Top {
				inAccounts += a.Findings
			}
			if p.Accounts.Count <= 10 {
				assert.Equal(t, int64(n), inAccounts)
			}
			assert.InDelta(t, float64(n)/float64(p.Accounts.Count), p.Accounts.Sizes.Mean, 1e-9)
			for _, g := range []profile.GroupStats{p.Groups.VPC, p.Groups.Role, p.Groups.Resource} {
				assert.InDelta(t, float64(n), g.Sizes.Mean*float64(g.Groups)+float64(g.WithoutKey), 1e-6, "group sizes and findings without a key add up")
				assert.Len(t, g.Sizes.Percentiles, 101)
			}
			for _, mix := range [][]profile.Count{p.Mixes.NetworkExposure, p.Mixes.DataClassification, p.Mixes.WorkflowStatus, p.Mixes.MitreTacticID, p.Mixes.SeverityLabel} {
				var sum int64
				for _, c := range mix {
					sum += c.Count
				}
				assert.Equal(t, int64(n), sum)
			}
			assert.Equal(t, int64(n), p.EPSS.N)

			// The engine's counts are the engine's, and the profiler's own
			// walk over the reachable sets finds exactly the candidate paths.
			require.True(t, p.Engine.Computed, p.Engine.Skipped)
			want := engineTotals(t, path)
			assert.Equal(t, want, p.Engine.Totals)
			require.True(t, p.Reach.Computed, p.Reach.Skipped)
			assert.Equal(t, int(want.Entries), p.Reach.Entries)
			assert.Equal(t, want.CandidatePaths, p.Reach.TargetsReached)
			require.NotNil(t, p.Reach.MatchesEngine)
			assert.True(t, *p.Reach.MatchesEngine)
		})
	}
}

func TestReachableSetsAtOtherDepths(t *testing.T) {
	dir := t.TempDir()
	path := generate(t, dir, generators.Config{Findings: 600, Seed: 3, Shape: "chain"})
	for _, depth := range []int{1, 2, 8, 16} {
		p := run(t, path, profile.Options{Engine: goengine.New(), MaxDepth: depth})
		require.True(t, p.Engine.Computed)
		require.NotNil(t, p.Reach.MatchesEngine, "depth %d", depth)
		assert.True(t, *p.Reach.MatchesEngine, "depth %d: %d targets reached, engine %d", depth, p.Reach.TargetsReached, p.Engine.Totals.CandidatePaths)
	}
}

func TestReachSampling(t *testing.T) {
	dir := t.TempDir()
	path := generate(t, dir, generators.Config{Findings: 2000, Seed: 1, Shape: "realistic"})
	p := run(t, path, profile.Options{MaxReachEntries: 50})
	require.True(t, p.Reach.Computed)
	assert.Equal(t, 50, p.Reach.Walked)
	assert.Greater(t, p.Reach.Entries, 50)
	assert.Nil(t, p.Reach.MatchesEngine, "no cross-check on a sample")

	p = run(t, path, profile.Options{MaxReachVisits: 100})
	assert.Contains(t, p.Reach.Skipped, "more than 100 nodes visited")
	assert.Less(t, p.Reach.Walked, p.Reach.Entries)
}

func TestEngineSkippedAboveTheLimit(t *testing.T) {
	dir := t.TempDir()
	path := generate(t, dir, generators.Config{Findings: 100, Seed: 1, Shape: "realistic"})
	p := run(t, path, profile.Options{Engine: goengine.New(), EngineMaxBytes: 1000})
	assert.False(t, p.Engine.Computed)
	assert.Contains(t, p.Engine.Skipped, "is larger than the engine limit (1000 B)")
	assert.True(t, p.Reach.Computed, "the reachable sets need no engine")
	p = run(t, path, profile.Options{})
	assert.Equal(t, "no engine given", p.Engine.Skipped)
}

func TestSchemaViolations(t *testing.T) {
	p := run(t, filepath.Join("testdata", "mixed.json"), withEngine())
	assert.False(t, p.Check.Valid)
	assert.Empty(t, p.Check.Fatal)
	assert.Equal(t, 12, p.Findings)
	byField := map[string]profile.FieldCheck{}
	for _, f := range p.Check.Fields {
		byField[f.Field] = f
	}
	type want struct {
		class, rule string
		index       int
		value       string
	}
	for field, w := range map[string]want{
		"epss_e5":         {"domain", "out of domain: want an integer in 0..100000", 3, "100001"},
		"title":           {"type", "missing", 5, ""},
		"severity_label":  {"convention", "not the band of severity_normalized (0, 1-39, 40-69, 70-89, 90-100)", 7, ""},
		"open_ports":      {"type", "wrong type: want an array of integers, got an element that is a string", 9, `[80,"x"]`},
		"cvss_base_score": {"type", "number is not finite as a binary64", 4, "1e400"},
		"workflow_status": {"domain", "out of domain: want NEW, NOTIFIED, RESOLVED or SUPPRESSED", 10, `"new"`},
		"id":              {"domain", "duplicate id", 11, ""},
	} {
		f, ok := byField[field]
		require.True(t, ok, "no violation of %s", field)
		assert.Equal(t, 1, f.Count, field)
		require.Len(t, f.Rules, 1)
		assert.Equal(t, w.class, f.Rules[0].Class, field)
		assert.Equal(t, w.rule, f.Rules[0].Rule, field)
		require.Len(t, f.Examples, 1)
		assert.Equal(t, w.index, f.Examples[0].Index, field)
		if w.value != "" {
			assert.Equal(t, w.value, f.Examples[0].Value, field)
		}
	}
	assert.Equal(t, "duplicate id (first at finding 2)", byField["id"].Examples[0].Rule)
	assert.Len(t, p.Check.Fields, 7)
	assert.Equal(t, 6, p.Check.Violations)
	assert.Equal(t, 1, p.Check.ConventionViolations)
	assert.Equal(t, 6, p.Check.InvalidFindings)
	assert.Equal(t, 1, p.Check.UnknownMembers)
	assert.Equal(t, []profile.NameCount{{Name: "extra_note", Count: 1}}, p.Check.UnknownNames)
	assert.Equal(t, "finding 3: epss_e5: out of domain: want an integer in 0..100000", p.EngineProblem())
	// The engine agrees, and the reachable sets are not computed.
	assert.False(t, p.Engine.Computed)
	assert.Contains(t, p.Engine.Skipped, "the go engine rejects the file: invalid_field at finding 3 field \"epss_e5\"")
	assert.False(t, p.Reach.Computed)
	assert.Equal(t, "finding 3: epss_e5 is invalid (the engine rejects the file)", p.Reach.Skipped)
	// Out-of-domain strings still count in the mixes, as "(other)".
	last := p.Mixes.WorkflowStatus[len(p.Mixes.WorkflowStatus)-1]
	assert.Equal(t, profile.Count{Value: "(other)", Count: 1, Share: 1.0 / 12}, last)
}

func TestGoldenReports(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path func() string
		opt  profile.Options
	}{
		{"mixed", func() string { return filepath.Join("testdata", "mixed.json") }, profile.Options{}},
		{"realistic-300-s1", func() string {
			return generate(t, dir, generators.Config{Findings: 300, Seed: 1, Shape: "realistic", Version: 1})
		}, withEngine()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := run(t, tc.path(), tc.opt)
			p.File.Path, p.File.Name = tc.name+".json", tc.name+".json"
			var md bytes.Buffer
			require.NoError(t, p.WriteMarkdown(&md))
			golden(t, filepath.Join("testdata", tc.name+".md"), md.Bytes())
			golden(t, filepath.Join("testdata", tc.name+".profile.json"), p.JSON())
			golden(t, filepath.Join("testdata", tc.name+".summary.txt"), []byte(p.Summary()+"\n"))

			// The JSON reads back to the same profile.
			back, err := profile.Parse(p.JSON())
			require.NoError(t, err)
			assert.Equal(t, p, back)
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs (go test -update rewrites it)", path)
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, doc, fatal string }{
		{"empty file", "", "byte 0: empty document (want a JSON array of findings)"},
		{"not json", "id,account\na,1\n", "byte 0: not a findings document: it starts with 'i' (want a JSON array of findings)"},
		{"an object", `{"findings":[]}`, "byte 0: not a findings document: a JSON object (want a JSON array of findings)"},
		{"truncated", `[{"id":"a"},{"id":"b","title":"unfin`, "finding 1 (byte 36): unexpected end of file inside finding 1, which starts at byte 12 (a string is not closed: truncated document)"},
		{"garbage after", `[] []`, "byte 3: data after the closing ']': '['"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.doc), 0o644))
			p := run(t, path, withEngine())
			assert.False(t, p.Check.Valid)
			assert.Equal(t, tc.fatal, p.Check.Fatal)
			assert.Equal(t, tc.fatal, p.EngineProblem())
			assert.Equal(t, int64(len(tc.doc)), p.File.Bytes)
			assert.False(t, p.Engine.Computed)
			assert.False(t, p.Reach.Computed)
			var md bytes.Buffer
			require.NoError(t, p.WriteMarkdown(&md))
			assert.Contains(t, md.String(), "**NOT A FINDINGS DOCUMENT**: "+tc.fatal)
			assert.Contains(t, p.Summary(), "NOT A FINDINGS DOCUMENT: "+tc.fatal)
		})
	}

	t.Run("wrong types and missing fields", func(t *testing.T) {
		path := filepath.Join(dir, "types.json")
		require.NoError(t, os.WriteFile(path, []byte(`[{"id":1,"aws_account_id":null,"epss_e5":1.5,"types":"x"}, "a string", {}]`), 0o644))
		p := run(t, path, withEngine())
		assert.False(t, p.Check.Valid)
		assert.Empty(t, p.Check.Fatal)
		assert.Equal(t, 3, p.Check.InvalidFindings)
		byField := map[string]profile.FieldCheck{}
		for _, f := range p.Check.Fields {
			byField[f.Field] = f
		}
		assert.Equal(t, "wrong type: want a string, got a number", byField["id"].Examples[0].Rule)
		assert.Equal(t, "null", byField["aws_account_id"].Examples[0].Rule)
		assert.Equal(t, "wrong type: want an integer, got a number with a fraction or an exponent", byField["epss_e5"].Examples[0].Rule)
		assert.Equal(t, "wrong type: want an array of strings, got a string", byField["types"].Examples[0].Rule)
		assert.Equal(t, "not an object", byField["(finding)"].Examples[0].Rule)
		assert.Equal(t, 1, byField["(finding)"].Examples[0].Index)
		assert.Equal(t, 2, byField["schema_version"].Count, "missing in findings 0 and 2")
		assert.Equal(t, "finding 0: id: wrong type: want a string, got a number", p.EngineProblem())
	})
}

// TestHugeString checks that one huge string costs a bounded buffer and a
// clear report, not memory in proportion. The 50 MB here stand for the
// 2 GB of the issue: the same per-finding cap (16 MiB by default) applies
// whatever the length, since the reader never holds more than the cap of
// one finding.
func TestHugeString(t *testing.T) {
	dir := t.TempDir()
	const size = 50 << 20
	write := func(name, head, tail string) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		require.NoError(t, err)
		_, err = f.WriteString(head)
		require.NoError(t, err)
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range size >> 20 {
			_, err = f.Write(chunk)
			require.NoError(t, err)
		}
		_, err = f.WriteString(tail)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		return path
	}
	measure := func(path string) (*profile.Profile, uint64) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p := run(t, path, profile.Options{Engine: goengine.New(), EngineMaxBytes: 1 << 20})
		runtime.ReadMemStats(&after)
		return p, after.TotalAlloc - before.TotalAlloc
	}

	t.Run("in a finding", func(t *testing.T) {
		path := write("field.json", `[{"id":"b","description":"`, `"},{"id":"c"},{"id":"d"}]`)
		p, alloc := measure(path)
		assert.Empty(t, p.Check.Fatal, "the reader goes on after the huge finding")
		assert.Equal(t, 3, p.Findings)
		f := p.Check.Fields[0]
		require.Equal(t, "(finding)", f.Field)
		assert.Equal(t, "exceeds 16 MiB (the per-finding cap; skipped unread)", f.Examples[0].Rule)
		assert.Equal(t, 0, f.Examples[0].Index)
		assert.Equal(t, "(52428827 bytes at byte 1)", f.Examples[0].Value)
		assert.Equal(t, "finding 0: exceeds 16 MiB (the per-finding cap; skipped unread)", p.EngineProblem())
		assert.Contains(t, p.Engine.Skipped, "larger than the engine limit")
		assert.Equal(t, "finding 0 was not read", p.Reach.Skipped)
		assert.Less(t, alloc, uint64(48<<20), "allocated %d bytes for a %d-byte string", alloc, size)
	})
	t.Run("the whole document", func(t *testing.T) {
		path := write("string.json", `"`, `"`)
		p, alloc := measure(path)
		assert.Equal(t, "byte 0: not a findings document: a JSON string (want a JSON array of findings)", p.Check.Fatal)
		assert.Equal(t, int64(size+2), p.File.Bytes)
		assert.Less(t, alloc, uint64(16<<20))
	})
	t.Run("as an element", func(t *testing.T) {
		path := write("element.json", `["`, `"]`)
		p, alloc := measure(path)
		assert.Empty(t, p.Check.Fatal)
		assert.Equal(t, 1, p.Findings)
		assert.Contains(t, p.EngineProblem(), "finding 0: exceeds 16 MiB")
		assert.Less(t, alloc, uint64(48<<20))
	})
}

func TestLoadRejectsOtherDocuments(t *testing.T) {
	_, err := profile.Parse([]byte(`{"schema":"aegis.attackpaths.v1"}`))
	assert.ErrorIs(t, err, profile.ErrNotProfile)
	_, err = profile.Parse([]byte(`[1]`))
	assert.ErrorIs(t, err, profile.ErrNotProfile)
	_, err = profile.Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestSummaryIsOneLine(t *testing.T) {
	dir := t.TempDir()
	path := generate(t, dir, generators.Config{Findings: 200, Seed: 1, Shape: "many-accounts", Version: 1})
	s := run(t, path, withEngine()).Summary()
	assert.NotContains(t, s, "\n")
	assert.NotContains(t, s, "\t")
	assert.True(t, strings.HasPrefix(s, "200 findings, "), s)
	assert.Contains(t, s, "200 accounts (largest 0.5%)")
}

func TestDistinctTablesAreBounded(t *testing.T) {
	dir := t.TempDir()
	path := generate(t, dir, generators.Config{Findings: 300, Seed: 1, Shape: "realistic", Version: 1})
	p := run(t, path, profile.Options{MaxDistinct: 10})
	assert.Equal(t, []string{
		"more than 10 distinct ids: duplicates of later ids are not detected",
		"more than 10 distinct resource groups: their statistics are partial",
		"more than 10 distinct role groups: their statistics are partial",
		"more than 10 distinct VPC groups: their statistics are partial",
	}, p.Notes)
	assert.Equal(t, 10, p.Groups.Resource.Groups)
	assert.True(t, p.Groups.Resource.Truncated)
	assert.Equal(t, 5, p.Accounts.Count, "5 accounts fit")
	assert.False(t, p.Reach.Computed)
	assert.Equal(t, "more distinct keys than the profiler keeps (Options.MaxDistinct)", p.Reach.Skipped)
	var md bytes.Buffer
	require.NoError(t, p.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "\nPartial: more than 10 distinct ids: duplicates of later ids are not detected.\n")
}

// TestRunStopsWhenCancelled: a profile whose context has ended stops
// reading and says so (an interrupted datasets profile, compare or
// ladder), rather than returning a profile of part of the file.
func TestRunStopsWhenCancelled(t *testing.T) {
	path := generate(t, t.TempDir(), generators.Config{Findings: 2000, Seed: 1, Shape: "realistic"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, run := range map[string]func() (*profile.Profile, error){
		"Run":       func() (*profile.Profile, error) { return profile.Run(ctx, path, profile.Options{}) },
		"LoadOrRun": func() (*profile.Profile, error) { return profile.LoadOrRun(ctx, path, profile.Options{}) },
	} {
		p, err := run()
		assert.ErrorIs(t, err, context.Canceled, name)
		assert.Nil(t, p, name)
	}
}

// TestLoadOrRun: a profile document is read, a findings file profiled,
// anything else refused with the file's name.
func TestLoadOrRun(t *testing.T) {
	dir := t.TempDir()
	findings := generate(t, dir, generators.Config{Findings: 50, Seed: 1, Shape: "realistic"})
	p, err := profile.Run(context.Background(), findings, profile.Options{})
	require.NoError(t, err)
	doc := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(doc, p.JSON(), 0o644))
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o644))
	garbage := filepath.Join(dir, "garbage.json")
	require.NoError(t, os.WriteFile(garbage, []byte("[1, 2"), 0o644))
	tests := []struct {
		name, path, err string
	}{
		{"profile document", doc, ""},
		{"findings file", findings, ""},
		{"empty", empty, "empty.json: empty file"},
		{"not findings", garbage, "garbage.json: neither a profile nor a findings document"},
		{"missing", filepath.Join(dir, "none.json"), "none.json"},
	}
	for _, tt := range tests {
		got, err := profile.LoadOrRun(context.Background(), tt.path, profile.Options{})
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, 50, got.Findings, tt.name)
	}
}
