package goengine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/generators"
)

// TestNaiveEqualsIndexedGenerated compares the indexed engine with the
// oracle on every generator shape at 200 and 2000 findings, and checks the
// list loader accepts the same documents.
func TestNaiveEqualsIndexedGenerated(t *testing.T) {
	sizes := []int{200, 2000}
	if testing.Short() {
		sizes = []int{200}
	}
	for _, shape := range generators.Shapes() {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/n=%d", shape.Name, n), func(t *testing.T) {
				var buf bytes.Buffer
				require.NoError(t, generators.Generate(&buf, generators.Config{Findings: n, Seed: 1, Shape: shape.Name}))
				decoded, err := Decode(buf.Bytes())
				require.NoError(t, err)
				require.Len(t, decoded, n)
				for _, opt := range []engines.Options{engines.DefaultOptions(), {MaxDepth: 16, TopK: 0}, {MaxDepth: 1, TopK: 3}} {
					got, err := Compute(decoded, opt)
					require.NoError(t, err)
					want, err := ComputeNaive(decoded, opt)
					require.NoError(t, err)
					out := Encode(got)
					require.Equal(t, string(Encode(want)), string(out), "options %+v", opt)
					require.True(t, json.Valid(out))
					assert.Equal(t, n, got.Totals.Findings)
				}

				full, err := LoadFindings(buf.Bytes())
				require.NoError(t, err)
				require.Len(t, full, n)
				page := NewStore(full).List(DefaultQuery())
				require.True(t, json.Valid(page))
			})
		}
	}
}
