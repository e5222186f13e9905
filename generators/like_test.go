package generators

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linear returns percentiles p0..p100 rising linearly from lo to hi.
func linear(lo, hi int64) []int64 {
	p := make([]int64, 101)
	for i := range p {
		p[i] = lo + (hi-lo)*int64(i)/100
	}
	return p
}

// testFit is a small hand-made fit (the profile package makes real ones).
func testFit() *Fit {
	return &Fit{
		Accounts:                []int64{60, 30, 10},
		VPCSizes:                linear(5, 30),
		RoleSizes:               linear(1, 10),
		ResourceSizes:           linear(1, 6),
		WithVPCPerMillion:       600000,
		NoRolePerMillion:        400000,
		RoleSpanPerMillion:      20000,
		RoleSwapPerMillion:      50000,
		NoRoleByClassPerMillion: [4]int64{300000, 300000, 600000, 700000},
		ExposureWithVPC:         [4]int64{20, 50, 25, 5},
		ExposureWithoutVPC:      [4]int64{10, 0, 60, 30},
		Classification:          [4]int64{40, 30, 20, 10},
		ClassificationByExposure: [4][4]int64{
			{60, 30, 8, 2}, {40, 30, 20, 10}, {30, 30, 25, 15}, {50, 30, 15, 5},
		},
		Status:          [4]int64{55, 30, 10, 5},
		TacticOfEntries: [14]int64{5, 5, 75, 5, 0, 0, 0, 10},
		TacticOfTargets: [14]int64{0, 0, 0, 5, 5, 5, 5, 5, 0, 0, 25, 0, 25, 25},
		TacticOfOthers:  [14]int64{1, 1, 5, 10, 10, 10, 10, 10, 10, 10, 5, 10, 4, 4},
		Severity:        linear(0, 100),
		EPSS:            linear(4, 97500),
	}
}

func generateLike(t *testing.T, f *Fit, n int, seed uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Generate(&b, Config{Findings: n, Seed: seed, Like: f}))
	return b.Bytes()
}

func TestLikeIsValidAndDeterministic(t *testing.T) {
	f := testFit()
	raw := generateLike(t, f, 3000, 1)
	assert.Equal(t, sha256.Sum256(raw), sha256.Sum256(generateLike(t, f, 3000, 1)))
	assert.NotEqual(t, raw, generateLike(t, f, 3000, 2))
	fs := decodeFindings(t, raw)
	require.Len(t, fs, 3000)
	seen := map[string]bool{}
	perAccount := map[string]int{}
	withVPC, internet := 0, 0
	for i, d := range fs {
		checkFinding(t, i, d, seen, false)
		perAccount[d.str("aws_account_id")]++
		if d.str("vpc_id") != "" {
			withVPC++
		}
		if d.str("network_exposure") == "INTERNET" {
			internet++
		}
	}
	// Exact shares: 60/30/10 of 3000.
	var counts []int
	for _, n := range perAccount {
		counts = append(counts, n)
	}
	assert.ElementsMatch(t, []int{1800, 900, 300}, counts)
	assert.InDelta(t, 0.6, float64(withVPC)/3000, 0.03)
	// Expected INTERNET share: 0.6*20% + 0.4*10% = 16%.
	assert.InDelta(t, 0.16, float64(internet)/3000, 0.03)
}

func TestLikePadsToTheFitsSize(t *testing.T) {
	f := testFit()
	natural := generateLike(t, f, 500, 1)
	assert.NotContains(t, string(natural), fillerText)
	f.BytesPerFinding = 3500
	raw := generateLike(t, f, 500, 1)
	assert.InDelta(t, 3500, float64(len(raw))/500, 35)
	assert.Contains(t, string(raw), fillerText)
	assert.Len(t, decodeFindings(t, raw), 500)
}

func TestLikeManyAccounts(t *testing.T) {
	f := testFit()
	f.Accounts = make([]int64, 400)
	for k := range f.Accounts {
		f.Accounts[k] = int64(1 + k%3)
	}
	fs := decodeFindings(t, generateLike(t, f, 1600, 3))
	perAccount := map[string]int{}
	for _, d := range fs {
		perAccount[d.str("aws_account_id")]++
	}
	assert.Len(t, perAccount, 400, "every account gets its share, even smaller than a workload")
}

func TestQuotas(t *testing.T) {
	for _, tc := range []struct {
		w    []int64
		n    int64
		want []int64
	}{
		{[]int64{60, 30, 10}, 3000, []int64{1800, 900, 300}},
		{[]int64{1, 1, 1}, 10, []int64{4, 3, 3}},
		{[]int64{5, 0, 5}, 3, []int64{2, 0, 1}},
		{[]int64{7}, 0, []int64{0}},
		{[]int64{1 << 40, 1}, 1 << 30, []int64{1 << 30, 0}},
	} {
		assert.Equal(t, tc.want, quotas(tc.w, tc.n), "%v of %d", tc.w, tc.n)
	}
}

func TestLikeValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(f *Fit)
		cfg  func(c *Config)
		want string
	}{
		{"no accounts", func(f *Fit) { f.Accounts = nil }, nil, "fit: no accounts"},
		{"zero weights", func(f *Fit) { f.Accounts = []int64{0, 0} }, nil, "fit: accounts: all weights are 0"},
		{"short percentiles", func(f *Fit) { f.EPSS = []int64{1, 2} }, nil, "fit: epss: want 101 percentiles, got 2"},
		{"decreasing", func(f *Fit) { f.ResourceSizes[50] = 0 }, nil, "fit: resource_sizes: percentiles must be nondecreasing in 1..1099511627776 (p50 = 0)"},
		{"epss out of domain", func(f *Fit) { f.EPSS[100] = 100001 }, nil, "fit: epss: percentiles must be nondecreasing in 0..100000 (p100 = 100001)"},
		{"per million", func(f *Fit) { f.NoRolePerMillion = 2000000 }, nil, "fit: no_role_per_million must be in 0..1000000, got 2000000"},
		{"vpc share without sizes", func(f *Fit) { f.VPCSizes = nil }, nil, "fit: findings with a VPC but no vpc_sizes"},
		{"negative weight", func(f *Fit) { f.Status[2] = -1 }, nil, "fit: status: negative weight"},
		{"shape and like", nil, func(c *Config) { c.Shape = "dense" }, `shape "dense" and a fitted profile (Like) are exclusive`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := testFit()
			if tc.edit != nil {
				tc.edit(f)
			}
			cfg := Config{Findings: 10, Like: f}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			var b bytes.Buffer
			err := Generate(&b, cfg)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Zero(t, b.Len(), "nothing written on a bad config")
		})
	}
	assert.NoError(t, Config{Findings: 1, Shape: LikeShape, Like: testFit()}.Validate())
}
