package profile_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/generators"
)

// profileOf generates and profiles one dataset (generator version v).
func profileOf(t *testing.T, shape string, v, n int, seed uint64) *profile.Profile {
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("%d-%d", n, seed))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := generate(t, dir, generators.Config{Findings: n, Seed: seed, Shape: shape, Version: v})
	return run(t, path, withEngine())
}

// TestStructureIsSizeInvariant is the fast half of `make profile-ladder`
// (which profiles the standard ladder up to 1,000,000 findings): in
// generator version 2, every shape meant to be size-invariant has each
// invariant figure at 20,000 findings within 5% of its value at 2,000. The
// 2,000-finding value is the mean over seeds 1..4: one 2,000-finding
// dataset holds about 80 workloads, and its sampling noise (a few percent
// on candidate paths, more on the share of resources with several roles)
// is not the drift this test is about.
func TestStructureIsSizeInvariant(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles 20,000-finding datasets")
	}
	for _, shape := range generators.SizeInvariantShapes() {
		t.Run(shape, func(t *testing.T) {
			var small []*profile.Profile
			for seed := uint64(1); seed <= 4; seed++ {
				small = append(small, profileOf(t, shape, 2, 2000, seed))
			}
			ref := profile.MeanFigures(small)
			big := profile.InvariantFigures(profileOf(t, shape, 2, 20000, 1))
			paths := int64(0)
			for _, p := range small {
				paths += p.Engine.Totals.CandidatePaths
			}
			var b bytes.Buffer
			bad := 0
			for k, f := range ref {
				require.True(t, f.OK && big[k].OK, "%s: missing", f.Name)
				d := 0.0
				if f.Value != big[k].Value {
					d = (big[k].Value - f.Value) / f.Value
				}
				tol := profile.InvarianceTolerance
				if pathFigure[f.Name] && paths < minEvents {
					// Too few paths for 5%: three standard errors of a
					// Poisson count (sparse: about 60 paths in 8,000 findings).
					tol = 3 / math.Sqrt(float64(paths))
				}
				mark := ""
				if math.Abs(d) > tol {
					bad++
					mark = fmt.Sprintf("  <-- outside ±%.0f%%", 100*tol)
				}
				fmt.Fprintf(&b, "%-50s %10.3f %10.3f %+6.1f%%%s\n", f.Name, f.Value, big[k].Value, 100*d, mark)
			}
			assert.Zero(t, bad, "figure, 2,000 (mean of 4 seeds), 20,000:\n%s", b.String())
		})
	}
}

// minEvents is the count of candidate paths from which the figures resting
// on them are checked at ±5%.
const minEvents = 400

// pathFigure names the figures that count candidate paths.
var pathFigure = map[string]bool{"candidate paths per 1k findings": true, "reachable set, mean": true}

// TestVersion1Drifts shows the check can fail: version 1's candidate paths
// per 1,000 findings are not the same at 2,000 and 20,000 findings.
func TestVersion1Drifts(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles a 20,000-finding dataset")
	}
	ps := []*profile.Profile{profileOf(t, generators.DefaultShape, 1, 2000, 1), profileOf(t, generators.DefaultShape, 1, 20000, 1)}
	rows := profile.Ladder(ps, 0)
	outside := map[string]bool{}
	for _, r := range rows {
		outside[r.Figure] = r.Outside > 0
	}
	assert.True(t, outside["candidate paths per 1k findings"], "version 1: 312 at 2,000, 426 at 20,000")
	var b bytes.Buffer
	require.NoError(t, profile.WriteLadder(&b, ps, rows, 0))
	assert.Contains(t, b.String(), "| candidate paths per 1k findings | 312.50 | 425.80 (**+36.3%**) |")
}
