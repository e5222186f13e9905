//go:build cgo

package ffiengine

// PanicForTest exposes the test-hooks call to the external tests.
var PanicForTest = (*Library).panicForTest
