package conform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseExpectedFailures(t *testing.T) {
	ef, err := ParseExpectedFailures(strings.NewReader(`# known divergences
gen/realistic/n=200/seed=1/d=4/k=20   # float-last-ulp, issue 9

vector/unicode-ids
`), "list.txt")
	require.NoError(t, err)
	assert.Equal(t, 2, ef.Len())
	assert.True(t, ef.Contains("gen/realistic/n=200/seed=1/d=4/k=20"))
	assert.True(t, ef.Contains("vector/unicode-ids"))
	assert.False(t, ef.Contains("# known divergences"))

	_, err = ParseExpectedFailures(strings.NewReader("a\nb\na\n"), "list.txt")
	assert.EqualError(t, err, `list.txt:3: case "a" listed twice (first on line 1)`)
	_, err = ParseExpectedFailures(strings.NewReader("a b\n"), "list.txt")
	assert.ErrorContains(t, err, "list.txt:1:")

	var none *ExpectedFailures
	assert.Equal(t, 0, none.Len())
	assert.False(t, none.Contains("a"))
}

func TestJudge(t *testing.T) {
	pass := CaseResult{Name: "pass", Comparisons: []Comparison{{Class: ClassIdentical}}}
	fail := func(name string) CaseResult {
		return CaseResult{Name: name, Comparisons: []Comparison{{Class: ClassFloatULP}}}
	}
	info := CaseResult{Name: "info", Comparisons: []Comparison{{Class: ClassNumberFormatting}}}
	failure := CaseResult{Name: "crash", Engines: []EngineResult{{Engine: "go", Kind: KindFailure}}}
	notLoaded := CaseResult{Name: "load", LoadError: "no such file"}

	tests := []struct {
		name   string
		list   string
		cases  []CaseResult
		want   Verdict
		line   string
		wantOK bool
	}{
		{name: "all pass", cases: []CaseResult{pass, info},
			want: Verdict{Passed: 2}, line: "CONFORMANCE PASSED: 2 passed, 0 failed, 0 expected failures", wantOK: true},
		{name: "unexpected failure", cases: []CaseResult{pass, fail("x"), failure, notLoaded},
			want: Verdict{Passed: 1, Failed: 3, Unexpected: []string{"x", "crash", "load"}},
			line: "CONFORMANCE FAILED: 1 passed, 3 failed, 0 expected failures"},
		{name: "expected failure", list: "x\n", cases: []CaseResult{pass, fail("x")},
			want: Verdict{Passed: 1, Expected: 1}, line: "CONFORMANCE PASSED: 1 passed, 0 failed, 1 expected failures", wantOK: true},
		{name: "stale entry", list: "pass\nx\nnever-run\n", cases: []CaseResult{pass, fail("x")},
			want: Verdict{Failed: 1, Expected: 1, Stale: []string{"pass"}, NotRun: []string{"never-run"}},
			line: "CONFORMANCE FAILED: 0 passed, 1 failed, 1 expected failures"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ef, err := ParseExpectedFailures(strings.NewReader(tc.list), "list")
			require.NoError(t, err)
			v := ef.Judge(tc.cases)
			v.Status = nil
			assert.Equal(t, tc.want, v)
			assert.Equal(t, tc.line, v.SummaryLine())
			assert.Equal(t, tc.wantOK, v.OK())
		})
	}
}

func TestGeneratedNames(t *testing.T) {
	g := Generated{Shape: "realistic", Findings: 2000, Seed: 3, Options: optionsOf(4, 20)}
	assert.Equal(t, "gen/realistic/n=2000/seed=3/d=4/k=20", g.Name())
	back, err := ParseGenerated(g.Name())
	require.NoError(t, err)
	assert.Equal(t, g, back)

	for _, bad := range []string{"gen/realistic/n=2000/seed=3/d=4", "vector/x", "gen/realistic/n=x/seed=3/d=4/k=20", "gen/realistic/seed=3/n=2000/d=4/k=20", "gen//n=1/seed=1/d=1/k=1"} {
		_, err := ParseGenerated(bad)
		assert.Error(t, err, bad)
	}
}
