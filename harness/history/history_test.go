package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history/historytest"
)

func writeRun(t testing.TB, dir string, i int, r historytest.Run) string {
	t.Helper()
	p, err := historytest.Write(dir, i, r)
	require.NoError(t, err)
	return p
}

func history(n int, level func(i int) float64) []historytest.Run {
	return historytest.History(n, "main", level)
}

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "h", "history.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportIdempotent(t *testing.T) {
	s := openStore(t)
	dir := t.TempDir()
	p := writeRun(t, dir, 0, history(1, func(int) float64 { return 1e-4 })[0])
	imp, err := s.Import(p)
	require.NoError(t, err)
	assert.False(t, imp.Already)
	assert.Equal(t, 4, imp.Series) // 2 benchmarks; sec/op, B/op, allocs/op
	again, err := s.Import(p)
	require.NoError(t, err)
	assert.True(t, again.Already)
	assert.Equal(t, imp.Run.ID, again.Run.ID)
	runs, err := s.Runs(Filter{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, "linux-amd64", runs[0].Platform)
	assert.Equal(t, "main", runs[0].Branch)
	assert.Equal(t, "2026-11-01T00:00:00Z", runs[0].CommitDate)
	sm, err := s.Samples(Filter{}, nil)
	require.NoError(t, err)
	require.Len(t, sm, 4)
	assert.Len(t, sm[0].Values, 5)
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := history(1, func(int) float64 { return 1e-4 })[0].Text()
	noConfig := "BenchmarkX-2 10 100 ns/op\nBenchmarkX-2 10 101 ns/op\n"
	cases := []struct {
		name, content, want string
	}{
		{"empty", "", "empty file"},
		{"blank", "\n\n", "empty file"},
		{"truncated", good[:len(good)-9], "truncated.txt:20: truncated"},
		{"no-config", noConfig, "no goos, goarch, commit, date config lines"},
		{"other-tool", `{"results": [{"name": "x", "mean": 1.5}]}` + "\n", "no benchmark results"},
		{"syntax", strings.Replace(good, "4096 B/op", "4096", 1), "syntax-error.txt:11: parsing measurement"},
		{"bad-date", strings.Replace(good, "date: 2026-11-01T01:00:00Z", "date: yesterday", 1), "config line date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t)
			name := c.name + ".txt"
			if c.name == "syntax" {
				name = "syntax-error.txt"
			}
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, []byte(c.content), 0o644))
			_, err := s.Import(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), p, "the error names the file")
			assert.Contains(t, err.Error(), c.want)
			runs, err := s.Runs(Filter{})
			require.NoError(t, err)
			assert.Empty(t, runs, "nothing of a bad file is stored")
			var n int
			require.NoError(t, s.db.QueryRow("SELECT count(*) FROM samples").Scan(&n))
			assert.Zero(t, n)
		})
	}
}

func TestBadStore(t *testing.T) {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "notes.db")
	require.NoError(t, os.WriteFile(notSQLite, []byte("these are my notes\n"), 0o644))
	_, err := Open(notSQLite)
	require.Error(t, err)
	assert.Contains(t, err.Error(), notSQLite)
	assert.Contains(t, err.Error(), "not a SQLite database")
	data, _ := os.ReadFile(notSQLite)
	assert.Equal(t, "these are my notes\n", string(data), "left as it was")
	_, statErr := os.Stat(notSQLite + "-wal")
	assert.True(t, os.IsNotExist(statErr), "no WAL file beside it")

	other := filepath.Join(dir, "other.db")
	s, err := Open(other)
	require.NoError(t, err)
	_, err = s.db.Exec("PRAGMA user_version = 0; CREATE TABLE accounts (id INTEGER)")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = Open(other)
	require.Error(t, err)
	assert.Contains(t, err.Error(), other+`: a SQLite database of something else (table "accounts")`)

	newer := filepath.Join(dir, "newer.db")
	s, err = Open(newer)
	require.NoError(t, err)
	_, err = s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = Open(newer)
	require.Error(t, err)
	assert.Contains(t, err.Error(), newer)
	assert.Contains(t, err.Error(), fmt.Sprintf("schema version %d is newer", SchemaVersion+1))
}

func TestRebuild(t *testing.T) {
	dir := t.TempDir()
	for i, r := range history(12, func(int) float64 { return 1e-4 }) {
		writeRun(t, filepath.Join(dir, "linux-amd64"), i, r)
	}
	// A copy of a file under another name is the same run.
	data, err := os.ReadFile(filepath.Join(dir, "linux-amd64", "run-000.txt"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "copy.txt"), data, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("not a results file"), 0o644))

	path := filepath.Join(t.TempDir(), "history.db")
	n, err := Rebuild(context.Background(), path, dir)
	require.NoError(t, err)
	assert.Equal(t, 12, n)
	s, err := Open(path)
	require.NoError(t, err)
	runs, err := s.Runs(Filter{})
	require.NoError(t, err)
	assert.Len(t, runs, 12)
	s.Close()

	// A bad file fails the rebuild and leaves the store as it was.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "zz-bad.txt"), []byte("BenchmarkX 1 2 ns/op\n"), 0o644))
	_, err = Rebuild(context.Background(), path, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "zz-bad.txt")
	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	runs, err = s.Runs(Filter{})
	require.NoError(t, err)
	assert.Len(t, runs, 12)
}

func TestTrendsAndPlatforms(t *testing.T) {
	s := openStore(t)
	dir := t.TempDir()
	runs := history(30, func(i int) float64 {
		if i >= 18 {
			return 1.1e-4 // 10% slower from commit 18 on
		}
		return 1e-4
	})
	// The same commits on arm64, without the step.
	for _, r := range runs[:30] {
		arm := r
		arm.GOARCH, arm.Level = "arm64", 2e-4
		runs = append(runs, arm)
	}
	for i, r := range runs {
		_, err := s.Import(writeRun(t, dir, i, r))
		require.NoError(t, err)
	}
	trends, err := s.Trends(context.Background(), Filter{}, func(n string) bool { return strings.HasPrefix(n, "AttackPaths") }, changepoint.DefaultOptions())
	require.NoError(t, err)
	var keys []string
	for _, tr := range trends {
		keys = append(keys, tr.Platform+" "+tr.Unit)
		assert.Len(t, tr.Points, 30)
	}
	assert.Equal(t, []string{"linux-amd64 B/op", "linux-amd64 allocs/op", "linux-amd64 sec/op", "linux-arm64 B/op", "linux-arm64 allocs/op", "linux-arm64 sec/op"}, keys)
	step := trends[2]
	require.Len(t, step.Changes, 1)
	c := step.Changes[0]
	assert.Equal(t, 18, c.Index)
	assert.Equal(t, historytest.Commit(18), c.Commit)
	assert.InDelta(t, 0.10, c.Rel, 0.01)
	assert.InDelta(t, 1e-4, c.Before, 2e-6)
	assert.LessOrEqual(t, c.P, 0.01)
	assert.Empty(t, trends[5].Changes, "arm64 has no step")
	assert.Empty(t, trends[0].Changes, "B/op is flat")
}

// The concurrency test re-executes the test binary as importer processes.
const importerEnv = "AEGISBENCH_HISTORY_IMPORTER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(importerEnv); spec != "" {
		os.Exit(importer(spec))
	}
	os.Exit(m.Run())
}

// importer imports files into a store: spec is "STORE|FILE|FILE...".
func importer(spec string) int {
	parts := strings.Split(spec, "|")
	s, err := Open(parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	for _, f := range parts[1:] {
		if _, err := s.Import(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func TestConcurrentImporters(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i, r := range history(100, func(int) float64 { return 1e-4 }) {
		files = append(files, writeRun(t, dir, i, r))
	}
	store := filepath.Join(t.TempDir(), "history.db")
	// 4 processes, 50 files each; every file is imported by two of them
	// (process k takes files 25k .. 25k+49, wrapping around).
	var cmds []*exec.Cmd
	for k := range 4 {
		spec := []string{store}
		for j := range 50 {
			spec = append(spec, files[(25*k+j)%len(files)])
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), importerEnv+"="+strings.Join(spec, "|"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("importer %d: %s", k, stderr.String())
			}
		})
	}
	for k, cmd := range cmds {
		assert.NoError(t, cmd.Wait(), "importer %d", k)
	}
	s, err := Open(store)
	require.NoError(t, err)
	defer s.Close()
	var runs, distinct, samples int
	require.NoError(t, s.db.QueryRow("SELECT count(*), count(DISTINCT digest) FROM runs").Scan(&runs, &distinct))
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM samples").Scan(&samples))
	assert.Equal(t, 100, runs, "every file stored exactly once")
	assert.Equal(t, 100, distinct)
	assert.Equal(t, 400, samples, "4 series per run, none lost")
}

func TestResolve(t *testing.T) {
	s := openStore(t)
	dir := t.TempDir()
	runs := history(6, func(int) float64 { return 1e-4 })
	runs[5].Branch = "feature"
	dirty := runs[4]
	dirty.Commit += "-dirty"
	dirty.Seed = 77
	for i, r := range append(runs, dirty) {
		_, err := s.Import(writeRun(t, dir, i, r))
		require.NoError(t, err)
	}
	git := func(ref string) (string, error) {
		switch ref {
		case "v1.0":
			return historytest.Commit(2), nil
		case "v0.9":
			return strings.Repeat("f", 40), nil
		}
		return "", fmt.Errorf("unknown revision %s", ref)
	}
	for _, c := range []struct {
		ref  string
		want []string
		err  string
	}{
		{ref: "v1.0", want: []string{historytest.Commit(2)}},
		{ref: "main", want: []string{historytest.Commit(4)}, err: ""},
		{ref: "feature", want: []string{historytest.Commit(5)}},
		{ref: historytest.Commit(1)[:8], want: []string{historytest.Commit(1)}},
		{ref: "v0.9", err: "v0.9 is commit ffffffffffffffffffffffffffffffffffffffff, which has no runs in "},
		{ref: "nosuch", err: "nosuch: not a git ref here, nor a branch or commit with no runs in "},
	} {
		got, err := s.Resolve(c.ref, "linux-amd64", git)
		if c.err != "" {
			require.Error(t, err, c.ref)
			assert.Contains(t, err.Error(), c.err)
			assert.ErrorIs(t, err, ErrNoRuns)
			continue
		}
		require.NoError(t, err, c.ref)
		assert.Equal(t, c.want, got, c.ref)
	}
	// A dirty tree's run is not its commit.
	side, err := s.Side(Filter{Commits: []string{historytest.Commit(4)}}, nil)
	require.NoError(t, err)
	require.Len(t, side.Runs, 1)
	assert.Equal(t, historytest.Commit(4), side.Runs[0].Commit)
}
