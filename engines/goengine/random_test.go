package goengine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// randomFindings draws a small account mix with few resources, roles and
// VPCs so that edges, cycles and ties are frequent.
func randomFindings(rng *rand.Rand, n int, dense bool) []Finding {
	pick := func(pool ...string) string { return pool[rng.IntN(len(pool))] }
	accounts := []string{"111", "222", "1111", "é"}[:1+rng.IntN(4)]
	resources := 1 + rng.IntN(max(1, n/2))
	vpcs := []string{"", "vpc-a", "vpc-b", "vpc-c"}
	if dense {
		vpcs = []string{"vpc-a", "vpc-a", "vpc-a", ""}
	}
	perm := rng.Perm(n)
	fs := make([]Finding, n)
	for i := range fs {
		epss := rng.IntN(100001)
		switch rng.IntN(5) {
		case 0:
			epss = 0
		case 1:
			epss = 100000
		}
		exposure := Exposure(1 + rng.IntN(4))
		if dense && rng.IntN(3) > 0 {
			exposure = ExposureVPC
		}
		fs[i] = Finding{
			ID:                 fmt.Sprintf("%s%03d", pick("f", "F", "f-", "é"), perm[i]),
			AccountID:          pick(accounts...),
			SeverityNormalized: rng.Int32N(101),
			WorkflowStatus:     WorkflowStatus(1 + rng.IntN(4)),
			ResourceID:         fmt.Sprintf("r%d", rng.IntN(resources)),
			VPCID:              pick(vpcs...),
			NetworkExposure:    exposure,
			IAMRoleARN:         pick("", "", "role-a", "role-b"),
			DataClassification: Classification(1 + rng.IntN(4)),
			EPSSE5:             int32(epss),
			Tactic:             Tactic(1 + rng.IntN(14)),
		}
		if rng.IntN(4) == 0 { // few stages: many equal-stage cycles
			fs[i].Tactic = Tactic(3 + rng.IntN(2))
		}
	}
	return fs
}

func randomOptions(rng *rand.Rand) engines.Options {
	depth := 1 + rng.IntN(6)
	if rng.IntN(8) == 0 {
		depth = 1 + rng.IntN(16)
	}
	return engines.Options{MaxDepth: depth, TopK: []int{0, 1, 2, 3, 5, 20, 1000000}[rng.IntN(7)]}
}

// TestNaiveEqualsIndexedRandom compares the indexed engine with the oracle
// on thousands of small random inputs.
func TestNaiveEqualsIndexedRandom(t *testing.T) {
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	paths := 0
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		n := 1 + rng.IntN(40)
		if seed%50 == 0 { // big enough for the bitset ordering of neighbours
			n = 150 + rng.IntN(250)
		}
		fs := randomFindings(rng, n, seed%3 == 0 || seed%50 == 0)
		opt := randomOptions(rng)
		got, err := Compute(fs, opt)
		require.NoError(t, err)
		want, err := ComputeNaive(fs, opt)
		require.NoError(t, err)
		if g, w := Encode(got), Encode(want); string(g) != string(w) {
			in, _ := json.Marshal(fs)
			t.Fatalf("seed %d, options %+v: indexed and naive engines differ\ninput: %s\nindexed: %s\nnaive:   %s", seed, opt, in, g, w)
		}
		paths += got.Totals.Paths
	}
	require.Greater(t, paths, seeds, "the random inputs should produce paths")
}
