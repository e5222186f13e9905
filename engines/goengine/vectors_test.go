package goengine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
)

// vectorEngines are the engines every conformance vector runs through: the
// indexed engine in memory and streamed, and the oracle.
func vectorEngines() []engines.Engine {
	return []engines.Engine{goengine.New(), streamed{goengine.New().(*goengine.Engine)}, goengine.NewNaive()}
}

// streamed runs the Go engine's streaming path (AttackPathsReader) on the
// bytes it is given.
type streamed struct{ *goengine.Engine }

func (s streamed) Name() string { return "go-stream" }

func (s streamed) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	return s.AttackPathsReader(ctx, bytes.NewReader(findings), opt)
}

// TestVectors runs every attack-path vector of datasets/vectors (paths and
// regressions) through both Go engines.
func TestVectors(t *testing.T) {
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vs, err := datasets.LoadVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vs)
	for _, eng := range vectorEngines() {
		for _, v := range vs {
			t.Run(eng.Name()+"/"+v.Name, func(t *testing.T) {
				out, err := eng.AttackPaths(context.Background(), v.Input, v.Options)
				checkVector(t, v, out, err)
			})
		}
	}
}

// TestListVectors runs every list vector through both Go engines' List.
func TestListVectors(t *testing.T) {
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vs, err := datasets.LoadListVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vs)
	for _, eng := range vectorEngines() {
		lister, ok := eng.(engines.Lister)
		require.True(t, ok, "%s does not implement engines.Lister", eng.Name())
		for _, v := range vs {
			t.Run(eng.Name()+"/"+v.Name, func(t *testing.T) {
				out, err := lister.List(context.Background(), v.Input, v.Query)
				checkVector(t, v, out, err)
			})
		}
	}
}

// checkVector compares an engine's answer with the vector's: errors on
// code, index and field; outputs on their JCS canonical form.
func checkVector(t *testing.T, v datasets.Vector, out []byte, err error) {
	t.Helper()
	if v.ExpectedError != nil {
		var engErr *engines.Error
		require.True(t, errors.As(err, &engErr), "want error %s, got output %.300s (err %v)",
			(&engines.Error{Doc: *v.ExpectedError}).Key(), out, err)
		assert.Equal(t, (&engines.Error{Doc: *v.ExpectedError}).Key(), engErr.Key(), "message: %s", engErr.Doc.Message)
		assert.Nil(t, out, "no partial output with an error")
		return
	}
	require.NoError(t, err)
	want, err := jcs.Transform(v.Expected)
	require.NoError(t, err, "expected.json")
	got, err := jcs.Transform(out)
	require.NoError(t, err, "engine output is not canonicalisable JSON: %.300s", out)
	if !bytes.Equal(want, got) {
		// Indent both canonical forms so the failure shows a line diff.
		assert.Equal(t, indent(t, want), indent(t, got), "output differs from %s/expected.json", v.Dir)
	}
}

func indent(t *testing.T, canonical []byte) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, canonical, "", "  "))
	return b.String()
}
