package goengine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// TestWorkedExample pins the example of spec section 3: epss_e5 97, 36000,
// 500 and a RESTRICTED target of severity 92.
func TestWorkedExample(t *testing.T) {
	a := base("a").entry().with(func(f *fx) { f.EPSS = 97; f.VPC = "vpc-1" })
	b := base("b").with(func(f *fx) {
		f.EPSS, f.VPC, f.Exposure, f.Role, f.Tactic = 36000, "vpc-1", "VPC", "role-x", "TA0002"
	})
	c := base("c").target("RESTRICTED").with(func(f *fx) { f.EPSS, f.Severity, f.Role, f.Tactic = 500, 92, "role-x", "TA0004" })
	res := compute(t, engines.DefaultOptions(), a, b, c)

	require.Len(t, res.Accounts, 1)
	acc := res.Accounts[0]
	assert.Equal(t, Account{ID: "111111111111", Findings: 3, Active: 3, Edges: 2, Entries: 1, Targets: 1, CandidatePaths: 1, Paths: acc.Paths}, acc)
	require.Len(t, acc.Paths, 1)
	p := acc.Paths[0]
	assert.Equal(t, 1, p.Rank)
	assert.Equal(t, "a", p.EntryID)
	assert.Equal(t, "c", p.TargetID)
	assert.Equal(t, 2, p.Hops)
	assert.Equal(t, uint64(32834880), p.Score)
	assert.Equal(t, []string{"a", "b", "c"}, p.FindingIDs)
	assert.Equal(t, []Reason{ReasonVPCReach, ReasonSharedRole}, p.Reasons)
	assert.InDelta(t, 0.1710157245, p.Likelihood, 1e-10)
	want := 1.0
	for _, e := range []int{97, 36000, 500} {
		want = want * (float64(100000+e) / 200000.0)
	}
	assert.Equal(t, want, p.Likelihood) // bit for bit, the spec's product of quotients
	assert.Equal(t, Totals{Findings: 3, Active: 3, Edges: 2, Entries: 1, Targets: 1, CandidatePaths: 1, Paths: 1}, res.Totals)
}

// TestFloorLeftToRight uses epss_e5 0, 991, 9998, where flooring after each
// step (138859) differs from flooring the exact product (138860).
func TestFloorLeftToRight(t *testing.T) {
	a := base("a").entry().with(func(f *fx) { f.Role = "x" })
	b := base("b").with(func(f *fx) { f.EPSS, f.Role, f.Resource = 991, "x", "r" })
	c := base("c").target("CONFIDENTIAL").with(func(f *fx) { f.EPSS, f.Severity, f.Resource = 9998, 10, "r" })
	res := compute(t, engines.DefaultOptions(), a, b, c)
	require.Len(t, res.Accounts[0].Paths, 1)
	assert.Equal(t, uint64(60*138859), res.Accounts[0].Paths[0].Score)
}

func TestEdgeReasons(t *testing.T) {
	a := base("a").entry()
	b := base("b").target("CONFIDENTIAL")
	tests := []struct {
		name  string
		a, b  func(*fx)
		edges int
		paths []pathSummary
	}{
		{
			name:  "same resource beats shared role and VPC reach",
			a:     func(f *fx) { f.Resource, f.Role, f.VPC = "r", "role", "v" },
			b:     func(f *fx) { f.Resource, f.Role, f.VPC, f.Exposure = "r", "role", "v", "VPC" },
			edges: 2,
			paths: []pathSummary{{IDs: []string{"a", "b"}, Reasons: []string{"SAME_RESOURCE"}, Score: 100 * 250000}},
		},
		{
			name:  "shared role beats VPC reach",
			a:     func(f *fx) { f.Role, f.VPC = "role", "v" },
			b:     func(f *fx) { f.Role, f.VPC, f.Exposure = "role", "v", "VPC" },
			edges: 2,
			paths: []pathSummary{{IDs: []string{"a", "b"}, Reasons: []string{"SHARED_ROLE"}, Score: 100 * 250000}},
		},
		{
			name:  "VPC reach to a VPC-exposed finding",
			a:     func(f *fx) { f.VPC = "v" },
			b:     func(f *fx) { f.VPC, f.Exposure = "v", "VPC" },
			edges: 2, // and back to the INTERNET-exposed entry
			paths: []pathSummary{{IDs: []string{"a", "b"}, Reasons: []string{"VPC_REACH"}, Score: 100 * 250000}},
		},
		{
			name:  "VPC reach to an internet-exposed finding",
			a:     func(f *fx) { f.VPC = "v" },
			b:     func(f *fx) { f.VPC, f.Exposure = "v", "INTERNET" },
			edges: 2,
			paths: []pathSummary{{IDs: []string{"a", "b"}, Reasons: []string{"VPC_REACH"}, Score: 100 * 250000}},
		},
		{
			name:  "VPC reach needs the target's exposure",
			a:     func(f *fx) { f.VPC = "v" },
			b:     func(f *fx) { f.VPC, f.Exposure = "v", "PRIVATE" },
			edges: 1, // b -> a only
			paths: []pathSummary{},
		},
		{
			name:  "NONE exposure is not reachable",
			a:     func(f *fx) { f.VPC = "v" },
			b:     func(f *fx) { f.VPC, f.Exposure = "v", "NONE" },
			edges: 1,
			paths: []pathSummary{},
		},
		{
			name:  "empty VPC ids are not shared",
			a:     func(f *fx) {},
			b:     func(f *fx) { f.Exposure = "VPC" },
			edges: 0,
			paths: []pathSummary{},
		},
		{
			name:  "empty roles are not shared",
			a:     func(f *fx) { f.Role = "" },
			b:     func(f *fx) { f.Role = "" },
			edges: 0,
			paths: []pathSummary{},
		},
		{
			name:  "role on one side only",
			a:     func(f *fx) { f.Role = "role" },
			b:     func(f *fx) {},
			edges: 0,
			paths: []pathSummary{},
		},
		{
			name:  "stage decrease blocks the edge",
			a:     func(f *fx) { f.Resource, f.Tactic = "r", "TA0004" },
			b:     func(f *fx) { f.Resource, f.Tactic = "r", "TA0001" },
			edges: 1, // b -> a only
			paths: []pathSummary{},
		},
		{
			name:  "stage increase keeps the edge",
			a:     func(f *fx) { f.Resource, f.Tactic = "r", "TA0043" },
			b:     func(f *fx) { f.Resource, f.Tactic = "r", "TA0040" },
			edges: 1,
			paths: []pathSummary{{IDs: []string{"a", "b"}, Reasons: []string{"SAME_RESOURCE"}, Score: 100 * 250000}},
		},
		{
			name:  "different accounts never connect",
			a:     func(f *fx) { f.Resource = "r" },
			b:     func(f *fx) { f.Resource, f.Account = "r", "222222222222" },
			edges: 0,
			paths: []pathSummary{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := compute(t, engines.DefaultOptions(), a.with(tt.a), b.with(tt.b))
			assert.Equal(t, tt.edges, res.Totals.Edges)
			var got []pathSummary
			for _, acc := range res.Accounts {
				got = append(got, summarize(acc)...)
			}
			if got == nil {
				got = []pathSummary{}
			}
			assert.Equal(t, tt.paths, got)
		})
	}
}

func TestCycleTerminates(t *testing.T) {
	// a <-> b (resource), b <-> c (role), c -> a (VPC; a is INTERNET): a cycle.
	a := base("a").entry().with(func(f *fx) { f.Resource, f.VPC = "r1", "v" })
	b := base("b").with(func(f *fx) { f.Resource, f.Role = "r1", "x" })
	c := base("c").target("RESTRICTED").with(func(f *fx) { f.Role, f.VPC = "x", "v" })
	res := compute(t, engines.DefaultOptions(), a, b, c)
	assert.Equal(t, 5, res.Totals.Edges)
	assert.Equal(t, []pathSummary{{IDs: []string{"a", "b", "c"}, Reasons: []string{"SAME_RESOURCE", "SHARED_ROLE"}, Score: 150 * 125000}},
		summarize(res.Accounts[0]))
}

func TestInactiveFindings(t *testing.T) {
	a := base("a").entry().with(func(f *fx) { f.Resource = "r1" })
	bridge := base("b").with(func(f *fx) { f.Resource, f.Role, f.Status = "r1", "x", "RESOLVED" })
	c := base("c").target("RESTRICTED").with(func(f *fx) { f.Role = "x" })
	deadEntry := base("d").entry().with(func(f *fx) { f.Status = "SUPPRESSED"; f.Role = "x" })
	deadTarget := base("e").target("RESTRICTED").with(func(f *fx) { f.Status = "RESOLVED"; f.Resource = "r1" })
	notified := base("f").with(func(f *fx) { f.Status = "NOTIFIED"; f.Resource = "r1" })
	res := compute(t, engines.DefaultOptions(), a, bridge, c, deadEntry, deadTarget, notified)
	acc := res.Accounts[0]
	assert.Equal(t, 6, acc.Findings)
	assert.Equal(t, 3, acc.Active) // a, c, f
	assert.Equal(t, 2, acc.Edges)  // a <-> f
	assert.Equal(t, 1, acc.Entries)
	assert.Equal(t, 1, acc.Targets)
	assert.Equal(t, 0, acc.CandidatePaths)
	assert.Empty(t, acc.Paths)
}

func TestMaxDepthIsExact(t *testing.T) {
	// a - b - c - d, every link both ways (equal stages): dist(a, d) = 3.
	chain := []fx{
		base("a").entry().with(func(f *fx) { f.Resource = "r1" }),
		base("b").with(func(f *fx) { f.Resource, f.Role = "r1", "x" }),
		base("c").with(func(f *fx) { f.Role, f.Resource = "x", "r2" }),
		base("d").target("CONFIDENTIAL").with(func(f *fx) { f.Resource = "r2" }),
	}
	for _, tt := range []struct {
		maxDepth int
		paths    int
	}{{1, 0}, {2, 0}, {3, 1}, {4, 1}, {16, 1}} {
		res := compute(t, opts(tt.maxDepth, 20), chain...)
		assert.Equal(t, tt.paths, res.Totals.CandidatePaths, "max_depth %d", tt.maxDepth)
		assert.Equal(t, 6, res.Totals.Edges)
		if tt.paths == 1 {
			assert.Equal(t, 3, res.Accounts[0].Paths[0].Hops)
		}
	}
}

func TestShortestThenLexicographicallySmallest(t *testing.T) {
	// a reaches d in two hops through b and through m; b < m wins even
	// though m comes first in the document. The 3-hop route via z loses.
	a := base("a").entry().with(func(f *fx) { f.Role = "x" })
	m := base("m").with(func(f *fx) { f.Role, f.VPC = "x", "v" })
	b := base("b").with(func(f *fx) { f.Role, f.Resource = "x", "rd" })
	d := base("d").target("CONFIDENTIAL").with(func(f *fx) { f.Resource, f.VPC, f.Exposure = "rd", "v", "VPC" })
	res := compute(t, engines.DefaultOptions(), d, m, a, b)
	assert.Equal(t, []pathSummary{{IDs: []string{"a", "b", "d"}, Reasons: []string{"SHARED_ROLE", "SAME_RESOURCE"}, Score: 100 * 125000}},
		summarize(res.Accounts[0]))
}

func TestEntryIsNotItsOwnTarget(t *testing.T) {
	both := base("a").entry().target("RESTRICTED")
	res := compute(t, engines.DefaultOptions(), both)
	assert.Equal(t, 1, res.Totals.Entries)
	assert.Equal(t, 1, res.Totals.Targets)
	assert.Equal(t, 0, res.Totals.CandidatePaths)

	// Two entries that are also targets reach each other.
	other := base("b").entry().target("CONFIDENTIAL").with(func(f *fx) { f.Resource = both.Resource })
	res = compute(t, engines.DefaultOptions(), both, other)
	assert.Equal(t, []pathSummary{
		{IDs: []string{"b", "a"}, Reasons: []string{"SAME_RESOURCE"}, Score: 150 * 250000},
		{IDs: []string{"a", "b"}, Reasons: []string{"SAME_RESOURCE"}, Score: 100 * 250000},
	}, summarize(res.Accounts[0]))
}

// tieFindings: every epss_e5 is 100000, so L stays 1000000 and all scores
// are equal: order falls to hops, then entry id, then target id.
func tieFindings() []fx {
	sure := func(f *fx) { f.EPSS = 100000 }
	return []fx{
		base("t2").target("CONFIDENTIAL").with(sure).with(func(f *fx) { f.Role = "x" }),
		base("t1").target("CONFIDENTIAL").with(sure).with(func(f *fx) { f.Role, f.VPC, f.Exposure = "y", "v", "VPC" }),
		base("m").with(sure).with(func(f *fx) { f.Resource, f.VPC = "rm", "v" }),
		base("e2").entry().with(sure).with(func(f *fx) { f.Role = "y" }),
		base("e1").entry().with(sure).with(func(f *fx) { f.Role, f.Resource = "x", "rm" }),
	}
}

func TestOrderTieBreaks(t *testing.T) {
	res := compute(t, opts(4, 0), tieFindings()...)
	assert.Equal(t, []pathSummary{
		{IDs: []string{"e1", "t2"}, Reasons: []string{"SHARED_ROLE"}, Score: 100 * 1000000},
		{IDs: []string{"e2", "t1"}, Reasons: []string{"SHARED_ROLE"}, Score: 100 * 1000000},
		{IDs: []string{"e1", "m", "t1"}, Reasons: []string{"SAME_RESOURCE", "VPC_REACH"}, Score: 100 * 1000000},
	}, summarize(res.Accounts[0]))

	// Same entry, same hops: target id ascending.
	e := base("e").entry().with(func(f *fx) { f.Role = "x" })
	tb := base("tb").target("CONFIDENTIAL").with(func(f *fx) { f.Role = "x" })
	ta := base("ta").target("CONFIDENTIAL").with(func(f *fx) { f.Role = "x" })
	res = compute(t, opts(4, 0), tb, e, ta)
	got := summarize(res.Accounts[0])
	require.Len(t, got, 2)
	assert.Equal(t, []string{"e", "ta"}, got[0].IDs)
	assert.Equal(t, []string{"e", "tb"}, got[1].IDs)

	// Score first: a more severe target outranks a shorter path.
	sev := base("ts").target("CONFIDENTIAL").with(func(f *fx) { f.Severity = 100; f.Resource = "r" })
	near := base("tn").target("CONFIDENTIAL").with(func(f *fx) { f.Role = "x"; f.Severity = 0 })
	mid := base("m").with(func(f *fx) { f.Role, f.Resource = "x", "r" })
	res = compute(t, opts(4, 0), e, sev, near, mid)
	got = summarize(res.Accounts[0])
	require.Len(t, got, 2)
	assert.Equal(t, []string{"e", "m", "ts"}, got[0].IDs) // 150 * 125000
	assert.Equal(t, []string{"e", "tn"}, got[1].IDs)      // 50 * 250000
}

func TestTopK(t *testing.T) {
	for _, tt := range []struct {
		topK int
		want []string // entry->target of the kept paths
	}{
		{0, []string{"e1>t2", "e2>t1", "e1>t1"}},
		{1, []string{"e1>t2"}},
		{2, []string{"e1>t2", "e2>t1"}},
		{3, []string{"e1>t2", "e2>t1", "e1>t1"}},
		{1000000, []string{"e1>t2", "e2>t1", "e1>t1"}},
	} {
		res := compute(t, opts(4, tt.topK), tieFindings()...)
		acc := res.Accounts[0]
		got := []string{}
		for i, p := range acc.Paths {
			assert.Equal(t, i+1, p.Rank)
			got = append(got, p.EntryID+">"+p.TargetID)
		}
		assert.Equal(t, tt.want, got, "top_k %d", tt.topK)
		assert.Equal(t, 3, acc.CandidatePaths)
		assert.Equal(t, len(tt.want), res.Totals.Paths)
		assert.Equal(t, 3, res.Totals.CandidatePaths)
		assert.Equal(t, tt.topK, res.TopK)
	}
}

func TestTopKPerAccount(t *testing.T) {
	var fs []fx
	for _, acct := range []string{"b-acct", "a-acct"} {
		for _, f := range tieFindings() {
			f.Account = acct
			f.ID = acct + "/" + f.ID
			fs = append(fs, f)
		}
	}
	res := compute(t, opts(4, 2), fs...)
	require.Len(t, res.Accounts, 2)
	assert.Equal(t, "a-acct", res.Accounts[0].ID)
	assert.Equal(t, "b-acct", res.Accounts[1].ID)
	for _, acc := range res.Accounts {
		assert.Len(t, acc.Paths, 2)
		assert.Equal(t, 3, acc.CandidatePaths)
	}
	assert.Equal(t, 4, res.Totals.Paths)
	assert.Equal(t, 6, res.Totals.CandidatePaths)
}

func TestAccountsListedEvenWithoutActiveFindings(t *testing.T) {
	res := compute(t, engines.DefaultOptions(),
		base("z").with(func(f *fx) { f.Account = "333" }),
		base("y").with(func(f *fx) { f.Account = "1111"; f.Status = "RESOLVED" }),
		base("x").with(func(f *fx) { f.Account = "222" }),
	)
	var ids []string
	for _, a := range res.Accounts {
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []string{"1111", "222", "333"}, ids) // bytewise, not numeric
	assert.Equal(t, Account{ID: "1111", Findings: 1, Paths: []Path{}}, res.Accounts[0])
	assert.Equal(t, Totals{Findings: 3, Active: 2}, res.Totals)
}

func TestEmptyInput(t *testing.T) {
	out, err := AttackPaths([]byte(" [ ] "), engines.DefaultOptions())
	require.NoError(t, err)
	assert.JSONEq(t, `{"schema":"aegis.attackpaths.v1","max_depth":4,"top_k":20,
		"totals":{"findings":0,"active":0,"edges":0,"entries":0,"targets":0,"candidate_paths":0,"paths":0},
		"accounts":[]}`, string(out))
}

func TestComputeRejectsOptions(t *testing.T) {
	for _, o := range []engines.Options{{MaxDepth: 0, TopK: 1}, {MaxDepth: 17, TopK: 1}, {MaxDepth: 4, TopK: -1}, {MaxDepth: 4, TopK: 1000001}} {
		_, err := Compute(nil, o)
		code, _, _ := engineError(t, err)
		assert.Equal(t, engines.CodeInvalidOptions, code)
		_, err = ComputeNaive(nil, o)
		code, _, _ = engineError(t, err)
		assert.Equal(t, engines.CodeInvalidOptions, code)
	}
}

// TestComputeStats checks the operation counts on the worked example (a
// VPC entry a, b in its VPC sharing role-x with the target c, and an
// inactive finding) and against the totals on a generated dataset.
func TestComputeStats(t *testing.T) {
	a := base("a").entry().with(func(f *fx) { f.EPSS = 97; f.VPC = "vpc-1" })
	b := base("b").with(func(f *fx) {
		f.EPSS, f.VPC, f.Exposure, f.Role, f.Tactic = 36000, "vpc-1", "VPC", "role-x", "TA0002"
	})
	c := base("c").target("RESTRICTED").with(func(f *fx) { f.EPSS, f.Severity, f.Role, f.Tactic = 500, 92, "role-x", "TA0004" })
	decoded, err := Decode(doc(t, a, b, c))
	require.NoError(t, err)
	res, st, err := ComputeStats(decoded, engines.DefaultOptions())
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Nodes)
	assert.Equal(t, int64(1), st.BFSRuns, "one entry")
	assert.Equal(t, int64(3), st.Dequeued, "a, b, c")
	assert.Equal(t, int64(2), st.Discovered, "b from a, c from b")
	assert.Equal(t, int64(1), st.PathsScored)
	assert.Equal(t, int64(res.Totals.CandidatePaths), st.PathsScored)
	assert.GreaterOrEqual(t, st.EdgesScanned, st.Discovered)
	plain, err := Compute(decoded, engines.DefaultOptions())
	require.NoError(t, err)
	assert.Equal(t, Encode(plain), Encode(res), "ComputeStats computes what Compute does")

	_, st, err = ComputeStats(nil, engines.DefaultOptions())
	require.NoError(t, err)
	assert.Zero(t, st)
	_, _, err = ComputeStats(decoded, engines.Options{MaxDepth: 0})
	require.Error(t, err)
}
