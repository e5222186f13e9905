package conform

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// doc is a small attack-path output with two paths in one account.
// %s placeholders: likelihood of the first path, then the paths array.
const docTemplate = `{"schema":"aegis.attackpaths.v1","max_depth":4,"top_k":20,
 "totals":{"findings":3,"active":3,"edges":2,"entries":1,"targets":2,"candidate_paths":2,"paths":%d},
 "accounts":[{"aws_account_id":"111111111111","findings":3,"active":3,"edges":2,"entries":1,"targets":2,"candidate_paths":2,
  "paths":[%s]}]}`

func pathJSON(rank int, entry, target string, score int, likelihood string) string {
	return fmt.Sprintf(`{"rank":%d,"entry_id":%q,"target_id":%q,"hops":1,"score":%d,"likelihood":%s,"finding_ids":[%q,%q],"reasons":["SAME_RESOURCE"]}`,
		rank, entry, target, score, likelihood, entry, target)
}

func attackDoc(paths ...string) string {
	return fmt.Sprintf(docTemplate, len(paths), strings.Join(paths, ","))
}

func outcome(t *testing.T, engine, doc string) Outcome {
	t.Helper()
	return Execute(context.Background(), fixedEngine{name: engine, out: []byte(doc)}, nil, engines.DefaultOptions())
}

func errOutcome(engine string, e *engines.Error) Outcome {
	return Execute(context.Background(), fixedEngine{name: engine, err: e}, nil, engines.DefaultOptions())
}

func TestCompareClassifies(t *testing.T) {
	const lik = 0.1710157245
	likStr := strconv.FormatFloat(lik, 'g', -1, 64)
	oneULP := strconv.FormatFloat(math.Nextafter(lik, 1), 'g', -1, 64)
	threeULP := strconv.FormatFloat(math.Nextafter(math.Nextafter(math.Nextafter(lik, 1), 1), 1), 'g', -1, 64)
	p1 := pathJSON(1, "a", "c", 32834880, likStr)
	p2 := pathJSON(2, "a", "d", 1000, "0.5")
	ref := attackDoc(p1, p2)

	tests := []struct {
		name      string
		ref, cand Outcome
		want      Class
		rawSame   bool
		noteHas   string
		diffHas   string
	}{
		{name: "identical bytes", ref: outcome(t, "go", ref), cand: outcome(t, "rust", ref), want: ClassIdentical, rawSame: true},
		{name: "white space only", ref: outcome(t, "go", ref), cand: outcome(t, "rust", strings.ReplaceAll(ref, ",", ", ")),
			want: ClassFormatting, noteHas: "white space"},
		{name: "1.0 vs 1", ref: outcome(t, "go", ref), cand: outcome(t, "rust", strings.Replace(ref, `"max_depth":4`, `"max_depth":4.0`, 1)),
			want: ClassNumberFormatting, noteHas: "/max_depth: go writes 4, rust writes 4.0"},
		{name: "1e-7 vs 0.0000001", ref: outcome(t, "go", `{"x":1e-7}`), cand: outcome(t, "rust", `{"x":0.0000001}`),
			want: ClassNumberFormatting, noteHas: "/x: go writes 1e-7, rust writes 0.0000001"},
		{name: "escaped vs raw non-ASCII", ref: outcome(t, "go", `{"id":"caf\u00e9"}`), cand: outcome(t, "rust", `{"id":"café"}`),
			want: ClassFormatting},
		{name: "member order", ref: outcome(t, "go", `{"a":1,"b":2}`), cand: outcome(t, "rust", `{"b":2,"a":1}`), want: ClassFormatting},
		{name: "swapped paths, ranks kept", ref: outcome(t, "go", ref),
			cand: outcome(t, "rust", attackDoc(pathJSON(1, "a", "d", 1000, "0.5"), pathJSON(2, "a", "c", 32834880, likStr))),
			want: ClassOrderingOnly, noteHas: "the same 2 paths in another order", diffHas: "/accounts/0/paths"},
		{name: "swapped paths, ranks swapped too", ref: outcome(t, "go", ref), cand: outcome(t, "rust", attackDoc(p2, p1)),
			want: ClassOrderingOnly},
		{name: "accounts in another order", ref: outcome(t, "go", `{"accounts":[{"aws_account_id":"1","paths":[]},{"aws_account_id":"2","paths":[]}]}`),
			cand: outcome(t, "rust", `{"accounts":[{"aws_account_id":"2","paths":[]},{"aws_account_id":"1","paths":[]}]}`),
			want: ClassOrderingOnly, noteHas: `accounts in another order: go has ["1","2"], rust has ["2","1"]`},
		{name: "likelihood 1 ulp", ref: outcome(t, "go", ref), cand: outcome(t, "rust", attackDoc(pathJSON(1, "a", "c", 32834880, oneULP), p2)),
			want: ClassFloatULP, noteHas: "(1 ulp apart)", diffHas: "/accounts/0/paths/0/likelihood"},
		{name: "likelihood 3 ulp", ref: outcome(t, "go", ref), cand: outcome(t, "rust", attackDoc(pathJSON(1, "a", "c", 32834880, threeULP), p2)),
			want: ClassOther, noteHas: "(3 ulp apart)"},
		{name: "integer off by one is not an ulp", ref: outcome(t, "go", ref), cand: outcome(t, "rust", attackDoc(pathJSON(1, "a", "c", 32834881, likStr), p2)),
			want: ClassOther, noteHas: "/accounts/0/paths/0/score"},
		{name: "missing path", ref: outcome(t, "go", ref), cand: outcome(t, "rust", attackDoc(p1)),
			want: ClassMissingExtra, noteHas: "attack path account=111111111111 entry=a target=d: in go, missing from rust"},
		{name: "extra path", ref: outcome(t, "go", attackDoc(p1)), cand: outcome(t, "rust", ref),
			want: ClassMissingExtra, noteHas: "in rust, not in go"},
		{name: "missing member", ref: outcome(t, "go", `{"a":1,"b":2}`), cand: outcome(t, "rust", `{"a":1}`),
			want: ClassMissingExtra, noteHas: "/b: in go (2), missing from rust", diffHas: "remove"},
		{name: "other value", ref: outcome(t, "go", `{"a":"x"}`), cand: outcome(t, "rust", `{"a":"y"}`), want: ClassOther, noteHas: `/a: go "x", rust "y"`},
		{name: "same error, other message", ref: errOutcome("go", engines.NewFieldError(3, "epss_e5", "too big")),
			cand: errOutcome("rust", engines.NewFieldError(3, "epss_e5", "out of range")), want: ClassSameError},
		{name: "different error field", ref: errOutcome("go", engines.NewFieldError(3, "epss_e5", "x")),
			cand: errOutcome("rust", engines.NewFieldError(3, "vpc_id", "x")), want: ClassDifferentError,
			noteHas: `field="epss_e5"`, diffHas: "/field"},
		{name: "different error index", ref: errOutcome("go", engines.NewFieldError(3, "id", "x")),
			cand: errOutcome("rust", engines.NewDuplicateIDError(3, "x")), want: ClassDifferentError, diffHas: "/code"},
		{name: "error vs output", ref: outcome(t, "go", ref), cand: errOutcome("rust", engines.NewJSONError("bad")),
			want: ClassDifferentError, noteHas: "rust rejects the input with code=invalid_json"},
		{name: "engine failure", ref: outcome(t, "go", ref), cand: Execute(context.Background(), fixedEngine{name: "rust", err: errors.New("boom")}, nil, engines.Options{}),
			want: ClassEngineFailure, noteHas: "rust failed: boom"},
		{name: "output is not JSON", ref: outcome(t, "go", ref), cand: outcome(t, "rust", `{"a":`), want: ClassEngineFailure, noteHas: "rust failed: output document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Compare(tc.ref, tc.cand, DefaultCompareOptions())
			assert.Equal(t, tc.want, c.Class, "notes: %q", c.Notes)
			assert.Equal(t, tc.rawSame, c.RawIdentical)
			if tc.noteHas != "" {
				assert.Contains(t, strings.Join(c.Notes, "\n"), tc.noteHas)
			}
			if tc.diffHas != "" {
				var ops []string
				for _, d := range c.Diff {
					ops = append(ops, d.String())
				}
				assert.Contains(t, strings.Join(ops, "\n"), tc.diffHas)
			}
			if !tc.want.Divergent() {
				assert.Empty(t, c.Diff)
			}
		})
	}
}

func TestCompareDiffIsTruncated(t *testing.T) {
	var a, b []string
	for i := range 50 {
		a = append(a, fmt.Sprintf(`"k%02d":%d`, i, i))
		b = append(b, fmt.Sprintf(`"k%02d":%d`, i, i+100))
	}
	c := Compare(outcome(t, "go", "{"+strings.Join(a, ",")+"}"), outcome(t, "rust", "{"+strings.Join(b, ",")+"}"), CompareOptions{MaxOps: 5, MaxNotes: 3})
	assert.Equal(t, ClassOther, c.Class)
	assert.Len(t, c.Diff, 5)
	assert.Equal(t, 50, c.DiffTotal)
	assert.Equal(t, DiffOp{Op: "replace", Pointer: "/k00", Reference: "0", Candidate: "100"}, c.Diff[0])
	require.Len(t, c.Notes, 4)
	assert.Equal(t, "... and 47 more", c.Notes[3])
}

func TestUlpDistance(t *testing.T) {
	x := 0.1710157245
	assert.Equal(t, uint64(0), ulpDistance(x, x))
	assert.Equal(t, uint64(1), ulpDistance(x, math.Nextafter(x, 1)))
	assert.Equal(t, uint64(1), ulpDistance(math.Nextafter(x, 0), x))
	assert.Equal(t, uint64(1), ulpDistance(0, math.SmallestNonzeroFloat64))
	assert.Equal(t, uint64(math.MaxUint64), ulpDistance(-1, 1))
	assert.Equal(t, uint64(math.MaxUint64), ulpDistance(math.NaN(), 1))
}

func TestErrorDigestIgnoresMessage(t *testing.T) {
	a := engines.NewFieldError(1, "id", "one message")
	b := engines.NewFieldError(1, "id", "another")
	assert.Equal(t, ErrorDigest(a), ErrorDigest(b))
	assert.Equal(t, `{"code":"invalid_field","field":"id","index":1}`, string(ErrorKeyDocument(a)))
	assert.Equal(t, `{"code":"invalid_json"}`, string(ErrorKeyDocument(engines.NewJSONError("x"))))
	assert.NotEqual(t, ErrorDigest(a), ErrorDigest(engines.NewFieldError(2, "id", "one message")))
}

func TestExecuteRecoversPanics(t *testing.T) {
	o := Execute(context.Background(), funcEngine{name: "p", fn: func([]byte, engines.Options) ([]byte, error) { panic("kaboom") }}, nil, engines.Options{})
	assert.Equal(t, KindFailure, o.Kind)
	assert.Contains(t, o.Failure, "kaboom")
}

func TestCanonicalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1.0,"a":"\u00e9"}`, `{"a":"é","b":1}`},
		{` [ 1e-7 , 0.0000001 , 100E-2 ] `, `[1e-7,1e-7,1]`},
		{`{"x":-0}`, `{"x":0}`},
	}
	for _, tc := range tests {
		got, err := Canonicalize([]byte(tc.in))
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, string(got))
	}
	_, err := Canonicalize([]byte(`{"a":1,"a":2}`))
	assert.Error(t, err, "duplicate members are not canonicalizable")
	_, err = Canonicalize(nil)
	assert.Error(t, err)
}
