package profile_test

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/generators"
)

func rowsByMetric(rows []profile.Row) map[string]profile.Row {
	out := map[string]profile.Row{}
	for _, r := range rows {
		out[r.Section+"/"+r.Metric] = r
	}
	return out
}

func TestCompare(t *testing.T) {
	dir := t.TempDir()
	realistic := run(t, generate(t, dir, generators.Config{Findings: 1000, Seed: 1, Shape: "realistic"}), withEngine())
	dense := run(t, generate(t, dir, generators.Config{Findings: 1000, Seed: 1, Shape: "dense"}), withEngine())

	self := profile.Compare(realistic, realistic, 0)
	assert.Zero(t, profile.Flagged(self))
	for _, r := range self {
		assert.True(t, r.OK, r.Metric)
		assert.Zero(t, r.Diff, r.Metric)
	}

	rows := rowsByMetric(profile.Compare(realistic, dense, 0))
	epf := rows["engine/edges per finding"]
	assert.True(t, epf.Flag)
	assert.InDelta(t, realistic.Engine.EdgesPerFinding, epf.A, 1e-9)
	assert.InDelta(t, dense.Engine.EdgesPerFinding, epf.B, 1e-9)
	assert.InDelta(t, (epf.B-epf.A)/epf.A, epf.Diff, 1e-9)
	assert.False(t, rows["file/findings"].Flag, "not a cost metric")

	// Extensive metrics are only flagged between files of about the same
	// size; intensive ones always.
	small := run(t, generate(t, t.TempDir(), generators.Config{Findings: 500, Seed: 1, Shape: "realistic"}), withEngine())
	rows = rowsByMetric(profile.Compare(small, realistic, 0))
	cpa := rows["engine/candidate paths per account, mean"]
	assert.Greater(t, math.Abs(cpa.Diff), 0.10)
	assert.False(t, cpa.Flag)

	// A metric missing on one side is shown as n/a, never flagged.
	noEngine := *realistic
	noEngine.Engine = profile.Engine{Skipped: "no engine given"}
	rows = rowsByMetric(profile.Compare(&noEngine, dense, 0))
	assert.False(t, rows["engine/edges per finding"].OK)
	assert.False(t, rows["engine/edges per finding"].Flag)

	var b bytes.Buffer
	require.NoError(t, profile.WriteCompare(&b, realistic, dense, profile.Compare(realistic, dense, 0), 0))
	out := b.String()
	assert.Contains(t, out, "| engine | edges per finding * | "+fmt.Sprintf("%.2f", realistic.Engine.EdgesPerFinding)+" | ")
	assert.Contains(t, out, "**DIFFERS**")
	assert.Regexp(t, `\n\d+ cost metric\(s\) differ by more than 10%\.\n$`, out)
	b.Reset()
	require.NoError(t, profile.WriteCompare(&b, &noEngine, dense, profile.Compare(&noEngine, dense, 0), 0))
	assert.Contains(t, b.String(), "| engine | edges per finding * | n/a | n/a |  |  |")
}

func TestFitRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := run(t, generate(t, dir, generators.Config{Findings: 2000, Seed: 4, Shape: "realistic"}), withEngine())
	fit, err := p.Fit()
	require.NoError(t, err)
	require.NoError(t, fit.Validate())
	assert.Len(t, fit.Accounts, 5)
	var top []int64
	for _, a := range p.Accounts.Top {
		top = append(top, a.Findings)
	}
	assert.Equal(t, top, fit.Accounts)
	assert.Equal(t, p.Groups.VPC.Sizes.Percentiles, fit.VPCSizes)
	assert.Equal(t, p.EPSS.Percentiles, fit.EPSS)
	assert.Equal(t, int64(math.Round(p.BytesPerFinding)), fit.BytesPerFinding)
	assert.Greater(t, fit.RoleSwapPerMillion, int64(0))

	// The JSON document gives the same fit.
	back, err := profile.Parse(p.JSON())
	require.NoError(t, err)
	fit2, err := back.Fit()
	require.NoError(t, err)
	assert.Equal(t, fit, fit2)

	// Many accounts: the ten largest exactly, the others from the
	// distribution, the total close to the profile's.
	many := run(t, generate(t, dir, generators.Config{Findings: 3000, Seed: 1, Shape: "many-accounts"}), profile.Options{})
	fit, err = many.Fit()
	require.NoError(t, err)
	assert.Len(t, fit.Accounts, many.Accounts.Count)
	var sum int64
	for _, w := range fit.Accounts {
		sum += w
	}
	assert.InDelta(t, 3000, float64(sum), 150)

	_, err = (&profile.Profile{Schema: profile.Schema}).Fit()
	assert.EqualError(t, err, "the profile has no findings to fit")
	bad := run(t, "testdata/mixed.json", profile.Options{})
	bad.Check.Fatal = "byte 3: broken"
	_, err = bad.Fit()
	assert.EqualError(t, err, "the profiled file is not a findings document (byte 3: broken)")
}

// TestLikeMatchesItsProfile generates a dataset like a realistic file and
// checks the statistics the engine's cost depends on. The generator is
// deterministic, so the figures are exact for this seed; the tolerances
// say how close a like dataset is expected to be.
func TestLikeMatchesItsProfile(t *testing.T) {
	dir := t.TempDir()
	orig := run(t, generate(t, dir, generators.Config{Findings: 20000, Seed: 1, Shape: "realistic", Version: 1}), withEngine())
	fit, err := orig.Fit()
	require.NoError(t, err)
	like := run(t, generate(t, dir, generators.Config{Findings: 20000, Seed: 1, Like: &fit}), withEngine())
	require.True(t, like.Check.Valid)
	require.True(t, like.Engine.Computed)
	assert.Equal(t, orig.Accounts.Count, like.Accounts.Count)
	rows := rowsByMetric(profile.Compare(orig, like, 0))
	for metric, tol := range map[string]float64{
		"file/bytes per finding":                  0.01,
		"accounts/largest account share (%)":      0.01,
		"groups: vpc_id/group size mean":          0.10,
		"groups: vpc_id/findings without one (%)": 0.05,
		"groups: iam_role_arn/group size mean":    0.10,
		"groups: resource_id/group size mean":     0.10,
		"mixes/active: NEW or NOTIFIED (%)":       0.03,
		"mixes/INTERNET-exposed (%)":              0.10,
		"mixes/CONFIDENTIAL or RESTRICTED (%)":    0.05,
		"engine/edges per finding":                0.10,
		"engine/entries per 1k findings":          0.10,
		"engine/targets per 1k findings":          0.10,
		// A like dataset is one random draw, and so is the original: over
		// seeds 1-4 the 20K like files were off by -6.5%, -5.3%, -15.5%
		// and -0.8% in candidate paths per 1k findings, and by -1.0%,
		// +1.3%, -3.0% and +1.8% in the reachable-set mean.
		"engine/candidate paths per 1k findings": 0.15,
		"reachable sets/reachable set mean":      0.10,
	} {
		r, ok := rows[metric]
		require.True(t, ok, metric)
		assert.LessOrEqual(t, math.Abs(r.Diff), tol, "%s: %.3f vs %.3f", metric, r.A, r.B)
	}

	// Ten times larger, the same statistics (intensive metrics).
	big := run(t, generate(t, t.TempDir(), generators.Config{Findings: 100000, Seed: 1, Like: &fit}), withEngine())
	assert.Equal(t, 100000, big.Findings)
	assert.Equal(t, orig.Accounts.Count, big.Accounts.Count)
	rows = rowsByMetric(profile.Compare(orig, big, 0))
	for _, metric := range []string{"engine/edges per finding", "engine/entries per 1k findings", "groups: vpc_id/group size mean", "reachable sets/reachable set mean"} {
		assert.LessOrEqual(t, math.Abs(rows[metric].Diff), 0.10, metric)
	}
}
