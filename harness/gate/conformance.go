package gate

import "github.com/aegisbench/aegisbench/harness/conform"

// Conformance is the conformance verdict the gate was given: the value
// `aegisbench conform --verdict FILE` wrote, and where it came from.
type Conformance struct {
	Path    string
	Summary conform.Summary
}

// Passed reports whether conformance passed.
func (c *Conformance) Passed() bool { return c.Summary.Passed }
