package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
)

// The proof of issue 4 item 7: the real Go engine wrapped with injected
// divergences. Each must be detected, classified and shrunk to a handful
// of findings; formatting-only differences must not fail a case.

// generatedSource generates findings in memory with the real generator.
func generatedSource(shape string, n int, seed uint64) ([]byte, error) {
	var b bytes.Buffer
	err := generators.Generate(&b, generators.Config{Findings: n, Seed: seed, Shape: shape})
	return b.Bytes(), err
}

// editOutput decodes an output document (numbers kept as written), lets
// edit change it, and encodes it again. edit reports whether it changed
// anything; when it did not, the output is returned untouched.
func editOutput(out []byte, err error, edit func(doc map[string]any) bool) ([]byte, error) {
	if err != nil {
		return out, err
	}
	v, derr := decodeNumbers(out)
	if derr != nil {
		return nil, derr
	}
	doc := v.(map[string]any)
	if !edit(doc) {
		return out, nil
	}
	return json.Marshal(doc)
}

// firstPaths returns the paths of the first account with at least n.
func firstPaths(doc map[string]any, n int) (map[string]any, []any) {
	for _, a := range doc["accounts"].([]any) {
		acc := a.(map[string]any)
		if paths := acc["paths"].([]any); len(paths) >= n {
			return acc, paths
		}
	}
	return nil, nil
}

func swapFirstTwoPaths(out []byte, err error) ([]byte, error) {
	return editOutput(out, err, func(doc map[string]any) bool {
		_, paths := firstPaths(doc, 2)
		if paths == nil {
			return false
		}
		p0, p1 := paths[0].(map[string]any), paths[1].(map[string]any)
		p0["rank"], p1["rank"] = p1["rank"], p0["rank"] // ranks stay by position
		paths[0], paths[1] = p1, p0
		return true
	})
}

func nudgeLikelihood(out []byte, err error) ([]byte, error) {
	return editOutput(out, err, func(doc map[string]any) bool {
		_, paths := firstPaths(doc, 1)
		if paths == nil {
			return false
		}
		p := paths[0].(map[string]any)
		x, perr := strconv.ParseFloat(string(p["likelihood"].(json.Number)), 64)
		if perr != nil {
			panic(perr)
		}
		p["likelihood"] = json.Number(strconv.FormatFloat(math.Nextafter(x, 2), 'g', -1, 64))
		return true
	})
}

func dropLastPath(out []byte, err error) ([]byte, error) {
	return editOutput(out, err, func(doc map[string]any) bool {
		acc, paths := firstPaths(doc, 1)
		if paths == nil {
			return false
		}
		acc["paths"] = paths[:len(paths)-1] // counts left as they were: the bug
		return true
	})
}

func renameErrorField(out []byte, err error) ([]byte, error) {
	var ee *engines.Error
	if !errors.As(err, &ee) {
		return out, err
	}
	doc := ee.Doc
	field := "epss"
	doc.Field = &field
	return nil, &engines.Error{Doc: doc}
}

func maxDepthAsFloat(out []byte, err error) ([]byte, error) {
	if err != nil {
		return out, err
	}
	return bytes.Replace(out, []byte(`"max_depth":4,`), []byte(`"max_depth":4.0,`), 1), nil
}

func likelihoodsInExponentForm(out []byte, err error) ([]byte, error) {
	return editOutput(out, err, func(doc map[string]any) bool {
		changed := false
		for _, a := range doc["accounts"].([]any) {
			for _, p := range a.(map[string]any)["paths"].([]any) {
				path := p.(map[string]any)
				x, _ := strconv.ParseFloat(string(path["likelihood"].(json.Number)), 64)
				path["likelihood"] = json.Number(strconv.FormatFloat(x, 'e', -1, 64)) // 1.71e-01
				changed = true
			}
		}
		return changed
	})
}

// escapeNonASCII writes every non-ASCII character as a \u escape (a
// surrogate pair above the BMP); valid because JSON holds non-ASCII only
// inside strings.
func escapeNonASCII(out []byte, err error) ([]byte, error) {
	if err != nil {
		return out, err
	}
	var b bytes.Buffer
	for len(out) > 0 {
		r, size := utf8.DecodeRune(out)
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(out[0])
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		out = out[size:]
	}
	return b.Bytes(), nil
}

// withBadEpss sets finding 17's epss_e5 out of range.
func withBadEpss(doc []byte) []byte {
	items, err := splitArray(doc)
	if err != nil {
		panic(err)
	}
	ms, err := parseObject(items[17])
	if err != nil {
		panic(err)
	}
	for i := range ms {
		if ms[i].key == "epss_e5" {
			ms[i].raw = json.RawMessage("100001")
		}
	}
	items[17] = encodeObject(ms)
	return buildArray(items)
}

// withAccentedIDs puts "é" into every finding id.
func withAccentedIDs(doc []byte) []byte {
	return bytes.ReplaceAll(doc, []byte(`"id":"`), []byte(`"id":"é-`))
}

func TestInjectedDivergencesAreCaughtClassifiedAndShrunk(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func([]byte, error) ([]byte, error)
		input     func([]byte) []byte
		want      Class
		noteHas   string
		diffHas   string
		maxShrunk int
	}{
		{name: "swapped pair of paths", mutate: swapFirstTwoPaths, want: ClassOrderingOnly,
			noteHas: "paths in another order", diffHas: "/paths/0/", maxShrunk: 4},
		{name: "likelihood off by one ulp", mutate: nudgeLikelihood, want: ClassFloatULP,
			noteHas: "(1 ulp apart)", diffHas: "/paths/0/likelihood", maxShrunk: 3},
		{name: "missing path", mutate: dropLastPath, want: ClassMissingExtra,
			noteHas: "missing from go+inject", diffHas: "remove", maxShrunk: 3},
		{name: "different error field", mutate: renameErrorField, input: withBadEpss, want: ClassDifferentError,
			noteHas: `code=invalid_field index=17 field="epss_e5"; go+inject with code=invalid_field index=17 field="epss"`,
			diffHas: "replace /field", maxShrunk: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := goengine.New()
			cand := injectEngine{name: "go+inject", inner: goengine.New(), mutate: tc.mutate}
			src := Source(generatedSource)
			if tc.input != nil {
				src = func(shape string, n int, seed uint64) ([]byte, error) {
					b, err := generatedSource(shape, n, seed)
					return tc.input(b), err
				}
			}
			c := Generated{Shape: "realistic", Findings: 200, Seed: 1, Options: engines.DefaultOptions()}.Case(src)
			r := Runner{Engines: []engines.Engine{ref, cand}}

			res := r.RunCase(context.Background(), c)
			require.Empty(t, res.LoadError)
			require.True(t, res.Failed(), "divergence not detected")
			d := res.Divergences()
			require.Len(t, d, 1)
			assert.Equal(t, tc.want, d[0].Class, "notes: %q", d[0].Notes)
			assert.Contains(t, strings.Join(d[0].Notes, "\n"), tc.noteHas)
			var ops []string
			for _, op := range d[0].Diff {
				ops = append(ops, op.String())
			}
			assert.Contains(t, strings.Join(ops, "\n"), tc.diffHas)

			dir := filepath.Join(t.TempDir(), "regressions")
			rep := r.ShrinkCase(context.Background(), c, res, ShrinkOptions{}, dir, "aegisbench conform --case "+c.Name)
			require.NoError(t, rep.Err)
			assert.Equal(t, tc.want, rep.Class)
			assert.Equal(t, tc.want, rep.Comparison.Class, "the shrunk input shows the same divergence")
			assert.True(t, rep.Result.Minimal, "1-minimal")
			assert.Equal(t, 200, rep.Result.OriginalFindings)
			assert.LessOrEqual(t, rep.Result.Findings, tc.maxShrunk, "shrunk to a handful: %s", rep.Result.Input)
			assert.GreaterOrEqual(t, rep.Result.Findings, 1)
			t.Logf("%s: shrunk to %d findings in %d tests:\n%s", tc.name, rep.Result.Findings, rep.Result.Tests, rep.Result.Input)

			// The regression vector holds the shrunk input and the
			// reference's answer to it.
			input, err := os.ReadFile(filepath.Join(rep.Dir, "input.json"))
			require.NoError(t, err)
			assert.Equal(t, rep.Result.Input, input)
			want := "expected.json"
			if tc.want == ClassDifferentError {
				want = "error.json"
			}
			assert.FileExists(t, filepath.Join(rep.Dir, want))
			readme, err := os.ReadFile(filepath.Join(rep.Dir, "README.md"))
			require.NoError(t, err)
			assert.Contains(t, string(readme), "diverge: **"+string(tc.want)+"**")

			// The expectation is the honest engine's answer to the
			// shrunk input.
			exp := Execute(context.Background(), ref, input, engines.DefaultOptions())
			written, err := os.ReadFile(filepath.Join(rep.Dir, want))
			require.NoError(t, err)
			if want == "error.json" {
				doc, err := engines.ParseErrorDoc(written)
				require.NoError(t, err)
				assert.Equal(t, exp.Digest, ErrorDigest(doc))
			} else {
				canonical, err := Canonicalize(written)
				require.NoError(t, err)
				assert.Equal(t, exp.Digest, Digest(canonical))
			}

			// The vectors loader reads it, and as a vector it passes the
			// honest engine and catches the injected bug from now on.
			vs, err := datasets.LoadVectors(filepath.Dir(dir))
			require.NoError(t, err)
			require.Len(t, vs, 1)
			assert.Equal(t, "regressions/"+filepath.Base(rep.Dir), vs[0].Name)
			vc := VectorCase(vs[0].Name, vs[0].Input, vs[0].Options, vs[0].Expected, vs[0].ExpectedError)
			vres := r.RunCase(context.Background(), vc)
			require.Len(t, vres.Comparisons, 2)
			assert.False(t, vres.Comparisons[0].Class.Divergent(), "go agrees with the regression: %v", vres.Comparisons[0].Notes)
			assert.Equal(t, tc.want, vres.Comparisons[1].Class, "the injected engine still fails it")
		})
	}
}

func TestFormattingOnlyDifferencesAreNotDivergences(t *testing.T) {
	tests := []struct {
		name   string
		mutate func([]byte, error) ([]byte, error)
		input  func([]byte) []byte
		want   Class
		note   string
	}{
		{name: "number printed as 4.0 instead of 4", mutate: maxDepthAsFloat, want: ClassNumberFormatting,
			note: "/max_depth: go writes 4, go+inject writes 4.0 (the same number)"},
		{name: "likelihood in exponent form", mutate: likelihoodsInExponentForm, want: ClassNumberFormatting, note: "e-0"},
		{name: `escaped "\u00e9" vs raw "é"`, mutate: escapeNonASCII, input: withAccentedIDs, want: ClassFormatting},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cand := injectEngine{name: "go+inject", inner: goengine.New(), mutate: tc.mutate}
			src := Source(generatedSource)
			if tc.input != nil {
				src = func(shape string, n int, seed uint64) ([]byte, error) {
					b, err := generatedSource(shape, n, seed)
					return tc.input(b), err
				}
			}
			c := Generated{Shape: "realistic", Findings: 200, Seed: 1, Options: engines.DefaultOptions()}.Case(src)
			res := Runner{Engines: []engines.Engine{goengine.New(), cand}}.RunCase(context.Background(), c)
			require.Empty(t, res.LoadError)
			require.Len(t, res.Comparisons, 1)
			cmp := res.Comparisons[0]
			assert.False(t, res.Failed(), "formatting is not a divergence: %v", cmp.Notes)
			assert.False(t, cmp.RawIdentical, "the injection must have changed the bytes")
			assert.Equal(t, tc.want, cmp.Class)
			assert.Equal(t, res.Engines[0].Digest, res.Engines[1].Digest)
			assert.Contains(t, strings.Join(cmp.Notes, "\n"), tc.note)
			assert.Len(t, res.Infos(), 1)
		})
	}
}
