package goengine_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
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

// TestVectors runs every attack-path vector through both Go engines
// (the shared kit, enginetest).
func TestVectors(t *testing.T) {
	for _, eng := range vectorEngines() {
		t.Run(eng.Name(), func(t *testing.T) { enginetest.Vectors(t, eng) })
	}
}

// TestListVectors runs every list vector through both Go engines' List.
func TestListVectors(t *testing.T) {
	for _, eng := range vectorEngines() {
		t.Run(eng.Name(), func(t *testing.T) { enginetest.ListVectors(t, eng) })
	}
}
