package conform

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// fakeSource makes a findings document of n findings, slowly for odd
// seeds so that workers finish out of order.
func fakeSource(shape string, n int, seed uint64) ([]byte, error) {
	if shape == "broken" {
		return nil, errors.New("no such shape")
	}
	if seed%2 == 1 {
		time.Sleep(3 * time.Millisecond)
	}
	return testFindings(n, seed), nil
}

func TestRunnerOrderAndComparisons(t *testing.T) {
	var cases []Case
	for seed := uint64(1); seed <= 8; seed++ {
		cases = append(cases, Generated{Shape: "toy", Findings: 5 + int(seed), Seed: seed, Options: engines.DefaultOptions()}.Case(fakeSource))
	}
	cases = append(cases, Generated{Shape: "broken", Findings: 1, Seed: 1, Options: engines.DefaultOptions()}.Case(fakeSource))
	var progress []int
	r := Runner{
		Engines:  []engines.Engine{countEngine("a"), countEngine("b")},
		Jobs:     4,
		Progress: func(done, total int) { assert.Equal(t, 9, total); progress = append(progress, done) },
	}
	res, err := r.Run(context.Background(), cases)
	require.NoError(t, err)
	require.Len(t, res.Cases, 9)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, progress)
	assert.Equal(t, 4, res.Jobs)
	for i, c := range res.Cases[:8] {
		assert.Equal(t, cases[i].Name, c.Name, "results keep the order of cases")
		assert.Equal(t, Digest(testFindings(6+i, uint64(i+1))), c.InputDigest)
		require.Len(t, c.Comparisons, 1)
		assert.Equal(t, ClassIdentical, c.Comparisons[0].Class)
		assert.Equal(t, c.Engines[0].Digest, c.Engines[1].Digest)
		assert.False(t, c.Failed())
	}
	broken := res.Cases[8]
	assert.True(t, broken.Failed())
	assert.Contains(t, broken.LoadError, "generate gen/broken/n=1/seed=1/d=4/k=20: no such shape")
}

func TestRunnerVectorsCompareWithExpectation(t *testing.T) {
	input := []byte(`[{"id":"a"},{"id":"b"}]`)
	good := VectorCase("two", input, engines.DefaultOptions(), []byte(`{"ids":["a","b"], "findings": 2.0}`), nil)
	wrong := VectorCase("wrong", input, engines.DefaultOptions(), []byte(`{"findings":3,"ids":["a","b"]}`), nil)
	wantErr := VectorCase("err", []byte(`{`), engines.DefaultOptions(), nil, &engines.NewJSONError("x").Doc)
	badExpectation := VectorCase("bad", input, engines.DefaultOptions(), []byte(`{`), nil)

	res, err := Runner{Engines: []engines.Engine{countEngine("a"), countEngine("b")}}.Run(context.Background(), []Case{good, wrong, wantErr, badExpectation})
	require.NoError(t, err)
	c := res.Cases
	assert.Equal(t, "vector/two", c[0].Name)
	require.Len(t, c[0].Comparisons, 2, "every engine is compared with the expectation")
	assert.Equal(t, ClassEquivalent, c[0].Comparisons[0].Class)
	assert.Equal(t, ExpectedEngine, c[0].Comparisons[1].Reference)
	assert.False(t, c[0].Failed())
	assert.True(t, c[1].Failed())
	assert.Equal(t, ClassOther, c[1].Divergences()[0].Class)
	assert.False(t, c[2].Failed(), "both engines reject with invalid_json")
	assert.Equal(t, ClassSameError, c[2].Comparisons[0].Class)
	assert.True(t, c[3].Failed())
	assert.Contains(t, c[3].LoadError, "vector bad: expected.json")
}

func TestRunnerSingleEngineFailureFails(t *testing.T) {
	cs := []Case{Generated{Shape: "toy", Findings: 3, Seed: 2, Options: engines.DefaultOptions()}.Case(fakeSource)}
	res, err := Runner{Engines: []engines.Engine{fixedEngine{name: "go", err: errors.New("crashed")}}}.Run(context.Background(), cs)
	require.NoError(t, err)
	assert.Empty(t, res.Cases[0].Comparisons)
	assert.True(t, res.Cases[0].Failed())
}

func TestRunnerTimeout(t *testing.T) {
	blocking := ctxEngine{name: "blocking"}
	cs := []Case{Generated{Shape: "toy", Findings: 3, Seed: 2, Options: engines.DefaultOptions()}.Case(fakeSource)}
	res, err := Runner{Engines: []engines.Engine{countEngine("a"), blocking}, Timeout: 20 * time.Millisecond}.Run(context.Background(), cs)
	require.NoError(t, err)
	d := res.Cases[0].Divergences()
	require.Len(t, d, 1)
	assert.Equal(t, ClassEngineFailure, d[0].Class)
	assert.Contains(t, d[0].Notes[1], "context deadline exceeded")
}

// ctxEngine blocks until its context ends.
type ctxEngine struct{ name string }

func (e ctxEngine) Name() string { return e.name }
func (e ctxEngine) AttackPaths(ctx context.Context, _ []byte, _ engines.Options) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestShrinkCaseWritesRegression(t *testing.T) {
	// cand drops the last id when the document holds a finding whose
	// epss_e5 is above 90000: the divergence needs exactly that finding
	// and one more.
	cand := funcEngine{name: "cand", fn: func(input []byte, opt engines.Options) ([]byte, error) {
		out, err := countEngine("x").fn(input, opt)
		if err != nil || !bytes.Contains(input, []byte(`"epss_e5":9`)) || !bytes.Contains(out, []byte(`","`)) {
			return out, err
		}
		return bytes.Replace(out, []byte(`"ids":["`), []byte(`"ids":["dropped-`), 1), nil
	}}
	r := Runner{Engines: []engines.Engine{countEngine("ref"), cand}}
	c := Generated{Shape: "toy", Findings: 80, Seed: 5, Options: engines.DefaultOptions()}.Case(fakeSource)
	res := r.RunCase(context.Background(), c)
	require.True(t, res.Failed(), "the injected divergence must be seen")
	dir := t.TempDir()
	rep := r.ShrinkCase(context.Background(), c, res, ShrinkOptions{}, dir, "replay-cmd")
	require.NoError(t, rep.Err)
	assert.Equal(t, "ref", rep.Reference)
	assert.Equal(t, "cand", rep.Candidate)
	assert.Equal(t, ClassOther, rep.Class)
	assert.True(t, rep.Result.Minimal)
	assert.LessOrEqual(t, rep.Result.Findings, 2)
	assert.Equal(t, ClassOther, rep.Comparison.Class)
	assert.DirExists(t, rep.Dir)
	assert.FileExists(t, filepath.Join(rep.Dir, "expected.json"))
}

func TestWriteMarkdownGolden(t *testing.T) {
	ref := countEngine("ref")
	cand := funcEngine{name: "cand", fn: func(input []byte, opt engines.Options) ([]byte, error) {
		out, err := ref.fn(input, opt)
		if bytes.Count(input, []byte(`"id"`)) == 4 {
			return bytes.Replace(out, []byte(`"findings":4`), []byte(`"findings":4.0`), 1), err
		}
		if bytes.Count(input, []byte(`"id"`)) == 5 {
			return bytes.Replace(out, []byte(`"findings":5`), []byte(`"findings":6`), 1), err
		}
		return out, err
	}}
	var cases []Case
	for n := 3; n <= 5; n++ {
		cases = append(cases, Generated{Shape: "toy", Findings: n, Seed: 2, Options: engines.DefaultOptions()}.Case(fakeSource))
	}
	cases = append(cases, VectorCase("err", []byte(`[1]`), engines.DefaultOptions(), nil, &engines.NewFieldError(0, "", "x").Doc))
	r := Runner{Engines: []engines.Engine{ref, cand}, Jobs: 2}
	res, err := r.Run(context.Background(), cases)
	require.NoError(t, err)
	res.Wall = 1234 * time.Millisecond
	for i := range res.Cases {
		for j := range res.Cases[i].Engines {
			res.Cases[i].Engines[j].Elapsed = time.Duration((i+1)*(j+1)) * time.Millisecond
		}
	}
	ef, err := ParseExpectedFailures(bytes.NewReader([]byte("gen/toy/n=99/seed=1/d=4/k=20\n")), "expected-failures.txt")
	require.NoError(t, err)
	v := ef.Judge(res.Cases)
	shrink := r.ShrinkCase(context.Background(), cases[2], res.Cases[2], ShrinkOptions{}, "", "")
	require.NoError(t, shrink.Err)
	shrink.Result.Elapsed = 5 * time.Millisecond
	shrink.Dir = "datasets/vectors/regressions/gen-toy-n5-seed2-d4-k20-00000000"

	var b bytes.Buffer
	require.NoError(t, WriteMarkdown(&b, Report{
		Command:  "aegisbench conform --engines ref,cand",
		Platform: Platform{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", Cores: 2, Go: "go1.26"},
		Engines:  DescribeEngines(r.Engines),
		Result:   res, Verdict: v, Shrinks: []ShrinkReport{shrink},
		ExpectedFailures: "conformance/expected-failures.txt",
		Replay: func(c, a, b string) string {
			return fmt.Sprintf("aegisbench conform --engines %s --case %s", strings.Join(ReplayEngines(a, b), ","), c)
		},
	}))
	golden := filepath.Join("testdata", "report.golden.md")
	if *update {
		require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())

	var d bytes.Buffer
	require.NoError(t, WriteDigests(&d, Platform{GOOS: "linux", GOARCH: "amd64", Go: "go1.26"}, res))
	assert.Contains(t, d.String(), "# aegisbench conform digests: linux/amd64 go1.26\n")
	assert.Contains(t, d.String(), "gen/toy/n=3/seed=2/d=4/k=20\tinput\t"+Digest(testFindings(3, 2))+"\n")
	assert.Contains(t, d.String(), "vector/err\tref\terror\t"+ErrorDigest(engines.NewJSONError(""))+"\n")
}

func TestShrinkCaseOfAVector(t *testing.T) {
	ref := countEngine("ref")
	cand := funcEngine{name: "cand", fn: func(input []byte, opt engines.Options) ([]byte, error) {
		out, err := ref.fn(input, opt)
		return bytes.Replace(out, []byte(`"findings":`), []byte(`"findings":1000`), 1), err
	}}
	input := testFindings(9, 4)
	expected, err := ref.fn(input, engines.DefaultOptions())
	require.NoError(t, err)
	c := VectorCase("paths/nine", input, engines.DefaultOptions(), expected, nil)
	r := Runner{Engines: []engines.Engine{ref, cand}}
	res := r.RunCase(context.Background(), c)
	require.True(t, res.Failed())
	require.Len(t, res.Divergences(), 1)
	assert.Equal(t, ExpectedEngine, res.Divergences()[0].Reference)

	rep := r.ShrinkCase(context.Background(), c, res, ShrinkOptions{}, "", "")
	require.NoError(t, rep.Err)
	assert.Equal(t, "ref", rep.Reference, "shrunk between the reference engine and the diverging one")
	assert.Equal(t, "cand", rep.Candidate)
	assert.Equal(t, 0, rep.Result.Findings, "the toy divergence needs no finding at all")

	// When the reference engine itself is the one diverging from the
	// vector, there is no pair to shrink between.
	res = Runner{Engines: []engines.Engine{cand}}.RunCase(context.Background(), c)
	rep = Runner{Engines: []engines.Engine{cand}}.ShrinkCase(context.Background(), c, res, ShrinkOptions{}, "", "")
	assert.ErrorIs(t, rep.Err, ErrNoShrinkTarget)
}

func TestWriteRegressionRefusesLargeInputs(t *testing.T) {
	big := testFindings(2000, 1)
	require.Greater(t, len(big), MaxRegressionBytes)
	ref := Execute(context.Background(), countEngine("ref"), big, engines.DefaultOptions())
	_, err := WriteRegression(t.TempDir(), Regression{Case: "gen/x/n=2000/seed=1/d=4/k=20", Shrink: ShrinkResult{Input: big, Findings: 2000}, Reference: ref})
	assert.ErrorContains(t, err, "over the 1048576-byte limit")
}
