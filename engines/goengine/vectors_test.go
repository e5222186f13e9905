package goengine_test

import (
	"testing"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
	"github.com/aegisbench/aegisbench/engines/goengine"
)

// vectorEngines are the engines every conformance vector runs through.
func vectorEngines() []engines.Engine {
	return []engines.Engine{goengine.New(), goengine.NewNaive()}
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
