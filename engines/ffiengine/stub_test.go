//go:build !cgo

package ffiengine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aegisbench/aegisbench/engines"
	_ "github.com/aegisbench/aegisbench/engines/ffiengine"
)

// TestStubUnavailable: a build without cgo names why ffi:PATH cannot run.
func TestStubUnavailable(t *testing.T) {
	_, err := engines.Open("ffi:/any/lib.so")
	assert.ErrorIs(t, err, engines.ErrUnavailable)
	assert.ErrorContains(t, err, "need a build with cgo")
}
