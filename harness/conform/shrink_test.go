package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

func TestDDMin(t *testing.T) {
	all := make([]int, 100)
	for i := range all {
		all[i] = i
	}
	containsAll := func(want ...int) func([]int) (bool, error) {
		return func(s []int) (bool, error) {
			for _, w := range want {
				if !slices.Contains(s, w) {
					return false, nil
				}
			}
			return true, nil
		}
	}
	tests := []struct {
		name string
		want []int
	}{
		{"one culprit", []int{42}},
		{"two far apart", []int{3, 97}},
		{"three adjacent", []int{50, 51, 52}},
		{"five spread", []int{0, 10, 33, 64, 99}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tests := 0
			fails := containsAll(tc.want...)
			got, minimal, err := ddmin(all, func(s []int) (bool, error) { tests++; return fails(s) })
			require.NoError(t, err)
			assert.True(t, minimal)
			assert.Equal(t, tc.want, got)
			assert.Less(t, tests, 400, "ddmin should be far from exhaustive")
		})
	}

	t.Run("empty input fails", func(t *testing.T) {
		got, minimal, err := ddmin(all, func([]int) (bool, error) { return true, nil })
		require.NoError(t, err)
		assert.True(t, minimal)
		assert.Empty(t, got)
	})
	t.Run("error stops with the best so far", func(t *testing.T) {
		calls := 0
		stop := errors.New("stop")
		got, minimal, err := ddmin(all, func(s []int) (bool, error) {
			calls++
			if calls > 3 {
				return false, stop
			}
			return slices.Contains(s, 7), nil
		})
		assert.ErrorIs(t, err, stop)
		assert.False(t, minimal)
		assert.Contains(t, got, 7)
		assert.Less(t, len(got), len(all))
	})
}

// idPredicate fails when every listed id is still in the document.
func idPredicate(ids ...string) Predicate {
	return func(_ context.Context, doc []byte) (bool, error) {
		var items []map[string]any
		if err := json.Unmarshal(doc, &items); err != nil {
			return false, nil
		}
		for _, want := range ids {
			found := false
			for _, it := range items {
				found = found || it["id"] == want
			}
			if !found {
				return false, nil
			}
		}
		return true, nil
	}
}

func TestShrinkFindingsThenMembers(t *testing.T) {
	doc := testFindings(60, 7)
	var items []map[string]any
	require.NoError(t, json.Unmarshal(doc, &items))
	a, b := items[11]["id"].(string), items[48]["id"].(string)

	res, err := Shrink(context.Background(), doc, idPredicate(a, b), ShrinkOptions{NoRename: true})
	require.NoError(t, err)
	assert.True(t, res.Minimal)
	assert.False(t, res.BudgetExhausted)
	assert.Equal(t, 60, res.OriginalFindings)
	assert.Equal(t, 2, res.Findings)
	// Only the id member is needed by this predicate.
	assert.JSONEq(t, `[{"id":"`+a+`"},{"id":"`+b+`"}]`, string(res.Input))
	assert.Greater(t, res.Tests, 0)
}

func TestShrinkRenamesKeepingOrder(t *testing.T) {
	// The failure: the first finding's id sorts before the second's.
	doc := []byte(`[{"id":"zeta-long-identifier","x":1},{"id":"alpha-long-identifier","x":2},{"id":"mid-long-identifier"}]`)
	fails := func(_ context.Context, doc []byte) (bool, error) {
		var items []map[string]any
		if json.Unmarshal(doc, &items) != nil || len(items) < 2 {
			return false, nil
		}
		a, _ := items[0]["id"].(string)
		b, _ := items[1]["id"].(string)
		return a != "" && b != "" && a > b, nil
	}
	res, err := Shrink(context.Background(), doc, fails, ShrinkOptions{})
	require.NoError(t, err)
	assert.True(t, res.Minimal)
	assert.JSONEq(t, `[{"id":"f2"},{"id":"f1"}]`, string(res.Input))
}

func TestShrinkBudget(t *testing.T) {
	doc := testFindings(200, 3)
	var items []map[string]any
	require.NoError(t, json.Unmarshal(doc, &items))
	target := items[150]["id"].(string)
	slow := func(ctx context.Context, d []byte) (bool, error) {
		time.Sleep(2 * time.Millisecond)
		return idPredicate(target)(ctx, d)
	}
	res, err := Shrink(context.Background(), doc, slow, ShrinkOptions{Budget: 15 * time.Millisecond})
	require.NoError(t, err)
	assert.True(t, res.BudgetExhausted)
	assert.False(t, res.Minimal)
	ok, err := idPredicate(target)(context.Background(), res.Input)
	require.NoError(t, err)
	assert.True(t, ok, "the result must still fail")
	assert.Contains(t, minimality(res), "NOT known to be 1-minimal")
}

func TestShrinkRejectsNonReproducingFailure(t *testing.T) {
	_, err := Shrink(context.Background(), []byte(`[]`), func(context.Context, []byte) (bool, error) { return false, nil }, ShrinkOptions{})
	assert.ErrorContains(t, err, "does not reproduce")
}

func TestShrinkNonArrayInput(t *testing.T) {
	res, err := Shrink(context.Background(), []byte(`{"not":"an array"}`), func(context.Context, []byte) (bool, error) { return true, nil }, ShrinkOptions{})
	require.NoError(t, err)
	assert.Equal(t, `{"not":"an array"}`, string(res.Input))
	require.Len(t, res.Notes, 1)
	assert.Contains(t, res.Notes[0], "not a JSON array")
}

func TestParseObjectKeepsRepeatedMembers(t *testing.T) {
	ms, err := parseObject([]byte(`{"id":"a","id":"b","n":[1, 2],"s":"<é>"}`))
	require.NoError(t, err)
	require.Len(t, ms, 4)
	assert.Equal(t, `{"id":"a","id":"b","n":[1, 2],"s":"<é>"}`, string(encodeObject(ms)))
	_, err = parseObject([]byte(`[1]`))
	assert.Error(t, err)
}

func TestSameFailureAndWriteRegression(t *testing.T) {
	// ref counts findings; cand forgets the last finding when there are
	// two or more: a "missing/extra path"-like member divergence on ids.
	ref := countEngine("ref")
	cand := funcEngine{name: "cand", fn: func(input []byte, opt engines.Options) ([]byte, error) {
		var items []json.RawMessage
		if err := json.Unmarshal(input, &items); err != nil {
			return nil, engines.NewJSONError(err.Error())
		}
		if len(items) >= 2 {
			items = items[:len(items)-1]
		}
		b, _ := json.Marshal(items)
		return ref.fn(b, opt)
	}}
	doc := testFindings(30, 1)
	opt := engines.DefaultOptions()
	first := Compare(Execute(context.Background(), ref, doc, opt), Execute(context.Background(), cand, doc, opt), DefaultCompareOptions())
	require.Equal(t, ClassOther, first.Class, "findings count differs: %v", first.Notes)

	res, err := Shrink(context.Background(), doc, SameFailure(ref, cand, opt, ClassOther, DefaultCompareOptions()), ShrinkOptions{})
	require.NoError(t, err)
	assert.True(t, res.Minimal)
	assert.Equal(t, 2, res.Findings)

	dir := t.TempDir()
	refOut := Execute(context.Background(), ref, res.Input, opt)
	candOut := Execute(context.Background(), cand, res.Input, opt)
	reg := Regression{Case: "gen/test/n=30/seed=1/d=4/k=20", Options: opt, Shrink: res, Reference: refOut, Candidate: candOut,
		Comparison: Compare(refOut, candOut, DefaultCompareOptions()), Replay: "aegisbench conform --engines ref,cand --case gen/test/n=30/seed=1/d=4/k=20"}
	path, err := WriteRegression(dir, reg)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(filepath.Base(path), "gen-test-n30-seed1-d4-k20-"), path)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary directory left behind")

	input, err := os.ReadFile(filepath.Join(path, "input.json"))
	require.NoError(t, err)
	assert.Equal(t, res.Input, input)
	opts, err := os.ReadFile(filepath.Join(path, "options.json"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"max_depth":4,"top_k":20}`, string(opts))
	expected, err := os.ReadFile(filepath.Join(path, "expected.json"))
	require.NoError(t, err)
	exp, err := Canonicalize(expected)
	require.NoError(t, err)
	assert.Equal(t, refOut.Canonical, exp)
	readme, err := os.ReadFile(filepath.Join(path, "README.md"))
	require.NoError(t, err)
	for _, want := range []string{"**ref** (reference) and **cand** diverge: **other**", "from 30 findings to 2", "1-minimal", "aegisbench conform --engines ref,cand"} {
		assert.Contains(t, string(readme), want)
	}
	_, err = os.Stat(filepath.Join(path, "error.json"))
	assert.True(t, os.IsNotExist(err))

	again, err := WriteRegression(dir, reg)
	require.NoError(t, err)
	assert.Equal(t, path, again, "writing the same regression twice is idempotent")
	assert.True(t, bytes.HasSuffix(expected, []byte("\n")))
}

func TestSlug(t *testing.T) {
	assert.Equal(t, "gen-realistic-n2000-seed3-d4-k20", Slug("gen/realistic/n=2000/seed=3/d=4/k=20"))
	assert.Equal(t, "vector-edge-reason-precedence", Slug("vector/edge-reason-precedence"))
	assert.Equal(t, "dataset-my-file.v2-d4-k0", Slug("dataset/My File.v2/d=4/k=0"))
}

// TestShrinkStoppedOnFirstTestKnowsItsInput: a budget spent on the first
// test gives an error and a result that still counts the input's findings,
// reported as not shrunk (before: "0 findings (from 0)").
func TestShrinkStoppedOnFirstTestKnowsItsInput(t *testing.T) {
	doc := testFindings(200, 3)
	slow := func(ctx context.Context, _ []byte) (bool, error) {
		<-ctx.Done()
		return false, ctx.Err()
	}
	res, err := Shrink(context.Background(), doc, slow, ShrinkOptions{Budget: 20 * time.Millisecond})
	require.Error(t, err)
	assert.Equal(t, 200, res.OriginalFindings)
	assert.Equal(t, 200, res.Findings)
	rep := ShrinkReport{Result: res, Err: err}
	assert.False(t, rep.Shrunk(), "nothing was removed: not a shrink result")
	var b strings.Builder
	writeShrink(&b, rep)
	assert.Contains(t, b.String(), "Not shrunk: ")
	assert.NotContains(t, b.String(), "to 0")
}
