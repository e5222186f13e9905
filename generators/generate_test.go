package generators

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for _, s := range ShapeNames() {
		t.Run(s, func(t *testing.T) {
			var a, b bytes.Buffer
			cfg := Config{Findings: 300, Seed: 42, Shape: s}
			require.NoError(t, Generate(&a, cfg))
			require.NoError(t, Generate(&b, cfg))
			require.Equal(t, sha256.Sum256(a.Bytes()), sha256.Sum256(b.Bytes()), "same config, different bytes")

			var other bytes.Buffer
			cfg.Seed = 43
			require.NoError(t, Generate(&other, cfg))
			assert.NotEqual(t, a.Bytes(), other.Bytes(), "seed has no effect")
		})
	}
}

func TestGeneratePrefixStable(t *testing.T) {
	// A dataset's first findings do not depend on how many follow, except
	// for shapes whose plan depends on n (many-accounts).
	small := generate(t, DefaultShape, 200, 1)
	large := generate(t, DefaultShape, 2000, 1)
	head := small[:bytes.LastIndex(small, []byte("\n]"))]
	assert.True(t, bytes.HasPrefix(large, head))
}

func TestGenerateEmptyAndErrors(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Generate(&b, Config{Findings: 0, Seed: 1}))
	assert.Equal(t, "[]\n", b.String())

	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative findings", Config{Findings: -1}, "findings must be >= 0, got -1"},
		{"unknown shape", Config{Findings: 1, Shape: "nope"}, `unknown shape "nope" (known: realistic, dense, chain, ties, sparse, many-accounts, adversarial)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Generate(&b, tc.cfg)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	assert.ErrorIs(t, Config{Shape: "x"}.Validate(), ErrUnknownShape)
}

func TestShapesDocumented(t *testing.T) {
	infos := Shapes()
	require.Equal(t, DefaultShape, infos[0].Name)
	names := map[string]bool{}
	for _, s := range infos {
		assert.False(t, names[s.Name], "duplicate shape %s", s.Name)
		names[s.Name] = true
		assert.Greater(t, len(s.Doc), 40, "shape %s needs a doc string saying what it stresses", s.Name)
	}
	for _, want := range []string{"realistic", "dense", "chain", "ties", "sparse", "many-accounts", "adversarial"} {
		assert.True(t, names[want], "missing shape %s", want)
	}
}

func TestProgress(t *testing.T) {
	var calls []int
	cfg := Config{Findings: 10000, Seed: 1, Progress: func(done int) { calls = append(calls, done) }}
	var cw countWriter
	require.NoError(t, Generate(&cw, cfg))
	assert.Equal(t, []int{4096, 8192, 10000}, calls)
}

var (
	timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	plainIntRE  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
)

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// checkFinding asserts that finding i holds the 56 fields in order with
// values in the SPEC domains, and that its values are consistent. It runs
// on every finding of every shape, so it uses plain comparisons (testify's
// per-call cost dominates otherwise).
func checkFinding(t *testing.T, i int, f decoded, seenIDs map[string]bool, adversarial bool) {
	t.Helper()
	must := func(ok bool, format string, args ...any) {
		t.Helper()
		if !ok {
			t.Fatalf("finding %d: "+format, append([]any{i}, args...)...)
		}
	}
	must(slices.Equal(fieldOrder, f.keys), "fields or their order: %v", f.keys)
	for _, k := range fieldOrder {
		switch v := f.v[k].(type) {
		case string:
			must(utf8.ValidString(v), "%s: invalid UTF-8", k)
		case nil:
			must(false, "%s: null", k)
		}
	}
	for _, k := range []string{"types", "related_requirements", "resource_tags", "categories", "related_finding_ids"} {
		arr, ok := f.v[k].([]any)
		must(ok, "%s: not an array", k)
		for _, x := range arr {
			_, ok := x.(string)
			must(ok, "%s: element %v is not a string", k, x)
		}
	}
	for _, k := range []string{"severity_normalized", "confidence", "criticality", "epss_e5"} {
		n, ok := f.v[k].(json.Number)
		must(ok && plainIntRE.MatchString(string(n)), "%s: %v is not a plain integer", k, f.v[k])
	}
	for _, k := range []string{"severity_product", "cvss_base_score"} {
		_, ok := f.v[k].(json.Number)
		must(ok, "%s: not a number", k)
	}
	for _, k := range []string{"encrypted_at_rest", "exploit_available"} {
		_, ok := f.v[k].(bool)
		must(ok, "%s: not a bool", k)
	}
	for _, p := range f.v["open_ports"].([]any) {
		n, ok := p.(json.Number)
		must(ok, "open_ports: %v", p)
		v, err := n.Int64()
		must(err == nil && v >= 1 && v <= 65535, "open_ports: %v", p)
	}

	// Engine fields (SPEC section 1).
	id := f.str("id")
	must(id != "", "empty id")
	must(!seenIDs[id], "duplicate id %q", id)
	seenIDs[id] = true
	must(f.str("aws_account_id") != "", "empty aws_account_id")
	must(f.str("resource_id") != "", "empty resource_id")
	sev := f.int("severity_normalized")
	must(sev >= 0 && sev <= 100, "severity %d", sev)
	epss := f.int("epss_e5")
	must(epss >= 0 && epss <= 100000, "epss %d", epss)
	must(oneOf(f.str("workflow_status"), statusNames[:]...), "workflow_status %q", f.str("workflow_status"))
	must(oneOf(f.str("network_exposure"), exposureNames[:]...), "network_exposure %q", f.str("network_exposure"))
	must(oneOf(f.str("data_classification"), classNames[:]...), "data_classification %q", f.str("data_classification"))
	must(stageOf[f.str("mitre_tactic_id")] > 0, "mitre_tactic_id %q", f.str("mitre_tactic_id"))

	// Section 6 conventions.
	must(severityLabels[SeverityBand(sev)] == f.str("severity_label"), "label %s out of band for %d", f.str("severity_label"), sev)
	must(oneOf(f.str("compliance_status"), complianceNames[:]...), "compliance_status %q", f.str("compliance_status"))
	must(oneOf(f.str("record_state"), "ACTIVE", "ARCHIVED"), "record_state %q", f.str("record_state"))
	must(oneOf(f.str("verification_state"), verificationStates...), "verification_state %q", f.str("verification_state"))
	must(oneOf(f.str("fix_available"), "", "YES", "NO", "PARTIAL"), "fix_available %q", f.str("fix_available"))
	must(f.str("schema_version") == "2018-10-08", "schema_version")
	must(f.str("resource_partition") == "aws", "resource_partition")
	must(f.str("region") == f.str("resource_region"), "resource_region")
	must(strings.HasPrefix(f.str("product_arn"), "arn:aws:securityhub:"+f.str("region")+"::product/"), "product_arn %q", f.str("product_arn"))
	for _, k := range []string{"confidence", "criticality"} {
		v := f.int(k)
		must(v >= 0 && v <= 100, "%s %d", k, v)
	}
	var ts []time.Time
	for _, k := range []string{"first_observed_at", "last_observed_at", "created_at", "updated_at"} {
		s := f.str(k)
		must(timestampRE.MatchString(s), "%s %q", k, s)
		tm, err := time.Parse(time.RFC3339Nano, s)
		must(err == nil, "%s: %v", k, err)
		must(!tm.After(time.UnixMilli(epochMs)), "%s after the epoch", k)
		ts = append(ts, tm)
	}
	must(!ts[0].After(ts[1]), "first_observed_at after last_observed_at")
	must(!ts[2].After(ts[3]), "created_at after updated_at")
	for _, tag := range f.v["resource_tags"].([]any) {
		must(strings.Contains(tag.(string), "="), "tag %q is not key=value", tag)
	}
	must((f.str("vpc_id") == "") == (f.str("subnet_id") == ""), "vpc_id %q with subnet_id %q", f.str("vpc_id"), f.str("subnet_id"))
	if vpc := f.str("vpc_id"); vpc != "" {
		must(strings.HasPrefix(vpc, "vpc-"), "vpc_id %q", vpc)
	}
	if role := f.str("iam_role_arn"); role != "" {
		must(strings.HasPrefix(role, "arn:aws:iam::"+f.str("aws_account_id")+":role/"), "role %q", role)
	}
	must((f.str("network_exposure") == "INTERNET") == (f.str("public_ip") != ""), "public_ip %q on %s", f.str("public_ip"), f.str("network_exposure"))
	if e := f.str("network_exposure"); e == "PRIVATE" || e == "NONE" {
		must(len(f.v["open_ports"].([]any)) == 0, "ports on a %s finding", e)
	}
	for _, r := range f.v["related_finding_ids"].([]any) {
		must(seenIDs[r.(string)], "related id %q is not an earlier finding", r)
	}

	// Vulnerability fields: the score is the vector's CVSS v3.1 base score and
	// in the band of the finding's severity.
	if vec := f.str("cvss_vector"); vec != "" {
		must(f.str("vuln_id") != "" && f.str("package_name") != "", "vulnerability without vuln_id or package")
		lit := string(f.v["cvss_base_score"].(json.Number))
		if adversarial && (lit == "1e-7" || lit == "1E2") {
			return // a deliberately odd value, not a score
		}
		score, ok := new(big.Rat).SetString(lit)
		must(ok, "cvss_base_score %q", lit)
		tenths := new(big.Rat).Mul(score, big.NewRat(10, 1))
		must(tenths.IsInt(), "cvss_base_score %q has more than one decimal", lit)
		want := cvssTenths(t, vec)
		must(int64(want) == tenths.Num().Int64(), "%s scores %d tenths, file says %s", vec, want, lit)
		must(SeverityBand(sev) == cvssBand(want), "cvss band %d vs severity %d", cvssBand(want), sev)
	} else {
		must(f.str("vuln_id") == "", "vuln_id without cvss_vector")
	}
}

// cvssTenths looks a vector up in the generator's table.
func cvssTenths(t *testing.T, vec string) int {
	for _, band := range cvssBands() {
		for _, v := range band {
			if v.vector == vec {
				return v.tenths
			}
		}
	}
	t.Fatalf("vector %q not in the table", vec)
	return 0
}

func TestEveryShapeIsValid(t *testing.T) {
	for _, s := range ShapeNames() {
		t.Run(s, func(t *testing.T) {
			raw := generate(t, s, 2000, 1)
			require.True(t, utf8.Valid(raw))
			fs := decodeFindings(t, raw)
			require.Len(t, fs, 2000)
			seen := map[string]bool{}
			for i, f := range fs {
				checkFinding(t, i, f, seen, s == "adversarial")
			}
		})
	}
}

func TestCVSSScores(t *testing.T) {
	// Scores from the FIRST CVSS v3.1 calculator.
	for _, tc := range []struct {
		vector string
		tenths int
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 59},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 43},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16},
		{"CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 82},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0},
	} {
		assert.Equal(t, tc.tenths, cvssTenths(t, tc.vector), tc.vector)
	}
	total := 0
	for _, b := range cvssBands() {
		total += len(b)
	}
	assert.Equal(t, 2592, total)
}

func TestRealisticSize(t *testing.T) {
	for _, tc := range []struct {
		n        int
		min, max int
	}{
		{200, 370000, 420000},    // the reference report's 370 KB test fixture
		{2000, 3780000, 4620000}, // 2.1 KB per finding +-10%
	} {
		assert.GreaterOrEqual(t, len(generate(t, DefaultShape, tc.n, 1)), tc.min, "n=%d", tc.n)
		assert.LessOrEqual(t, len(generate(t, DefaultShape, tc.n, 1)), tc.max, "n=%d", tc.n)
	}
	if testing.Short() {
		t.Skip("20000 findings (42 MB) skipped in -short mode")
	}
	n := len(generate(t, DefaultShape, 20000, 1))
	assert.InDelta(t, 42e6, n, 4.2e6, "20000 findings should make 42 MB +-10%%, got %d bytes", n)
}

func TestRealisticMix(t *testing.T) {
	fs := decodeFindings(t, generate(t, DefaultShape, 2000, 1))
	accounts := map[string]int{}
	var order []string
	active, entries, entriesTA0001, targets, targetsLate, noRole, noVPC := 0, 0, 0, 0, 0, 0, 0
	for _, f := range fs {
		a := f.str("aws_account_id")
		if accounts[a] == 0 {
			order = append(order, a)
		}
		accounts[a]++
		if f.active() {
			active++
		}
		if isEntry(f) {
			entries++
			if f.str("mitre_tactic_id") == "TA0001" {
				entriesTA0001++
			}
		}
		if isTarget(f) {
			targets++
			if oneOf(f.str("mitre_tactic_id"), "TA0009", "TA0010", "TA0040") {
				targetsLate++
			}
		}
		if f.str("iam_role_arn") == "" {
			noRole++
		}
		if f.str("vpc_id") == "" {
			noVPC++
		}
	}
	require.Len(t, accounts, 5)
	var shares []int
	for _, a := range order {
		assert.Regexp(t, `^[0-9]{12}$`, a)
		shares = append(shares, accounts[a])
	}
	sort.Sort(sort.Reverse(sort.IntSlice(shares)))
	for i, want := range []float64{0.40, 0.25, 0.15, 0.12, 0.08} {
		assert.InDelta(t, want, float64(shares[i])/2000, 0.03, "account share %d of %v", i, shares)
	}
	assert.InDelta(t, 0.85, float64(active)/2000, 0.03, "active share")
	assert.Greater(t, float64(entriesTA0001)/float64(entries), 0.6, "entries mostly TA0001")
	assert.Greater(t, float64(targetsLate)/float64(targets), 0.6, "targets mostly TA0009/TA0010/TA0040")
	assert.Greater(t, noRole, 100, "explicit empty iam_role_arn")
	assert.Greater(t, noVPC, 100, "explicit empty vpc_id")
}

func TestRealisticBlastRadiusIsBounded(t *testing.T) {
	// Edges per finding stay flat as n grows, and the largest set of
	// findings linked by shared resources, roles or VPCs stays small.
	perFinding := map[int]float64{}
	for _, n := range []int{2000, 6000} {
		fs := decodeFindings(t, generate(t, DefaultShape, n, 1))
		g := buildGraph(fs)
		perFinding[n] = float64(g.edges) / float64(n)
		assert.Less(t, largestComponent(g), 200, "n=%d", n)
	}
	assert.InEpsilon(t, perFinding[2000], perFinding[6000], 0.25, "edges per finding %v", perFinding)
}

// largestComponent returns the size of the largest weakly connected
// component of g.
func largestComponent(g graph) int {
	parent := make([]int, len(g.adj))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for u, vs := range g.adj {
		for _, v := range vs {
			parent[find(u)] = find(v)
		}
	}
	size := map[int]int{}
	best := 0
	for i := range parent {
		r := find(i)
		size[r]++
		best = max(best, size[r])
	}
	return best
}

func TestShapeProperties(t *testing.T) {
	const n = 2000
	load := func(shape string) ([]decoded, graph) {
		fs := decodeFindings(t, generate(t, shape, n, 1))
		return fs, buildGraph(fs)
	}
	_, realistic := load("realistic")

	t.Run("dense", func(t *testing.T) {
		_, g := load("dense")
		assert.Greater(t, g.edges, 500000, "dense should approach k^2 edges")
		assert.Greater(t, g.edges, 50*realistic.edges)
	})
	t.Run("chain", func(t *testing.T) {
		fs, g := load("chain")
		lengths := pathLengths(fs, g)
		longest := 0
		for l := range lengths {
			longest = max(longest, l)
		}
		assert.GreaterOrEqual(t, longest, 17, "some shortest paths exceed max_depth 16")
		assert.Positive(t, lengths[16], "some shortest paths are exactly 16 hops")
	})
	t.Run("ties", func(t *testing.T) {
		fs, _ := load("ties")
		sev, epss := map[int]bool{}, map[int]bool{}
		for _, f := range fs {
			sev[f.int("severity_normalized")] = true
			epss[f.int("epss_e5")] = true
		}
		assert.Len(t, sev, 2)
		assert.Len(t, epss, 3)
	})
	t.Run("sparse", func(t *testing.T) {
		fs, g := load("sparse")
		assert.Less(t, g.edges, realistic.edges/4)
		isolated := 0
		for i := range fs {
			if len(g.adj[i]) == 0 {
				isolated++
			}
		}
		assert.Greater(t, isolated, n/2)
	})
	t.Run("many-accounts", func(t *testing.T) {
		fs, _ := load("many-accounts")
		accounts := map[string]bool{}
		for _, f := range fs {
			accounts[f.str("aws_account_id")] = true
		}
		assert.Equal(t, n/20, len(accounts), "version 2: 20 findings per account")
		v1 := map[string]bool{}
		var b bytes.Buffer
		require.NoError(t, Generate(&b, Config{Findings: n, Seed: 1, Shape: "many-accounts", Version: 1}))
		for _, f := range decodeFindingsUncached(t, b.Bytes()) {
			v1[f.str("aws_account_id")] = true
		}
		assert.Equal(t, 1000, len(v1), "version 1: max(1000, n/20) accounts")
	})
	t.Run("adversarial", func(t *testing.T) {
		raw := generate(t, "adversarial", n, 1)
		fs := decodeFindings(t, raw)
		for _, want := range []string{`\u`, `\/`, `\"`, `\\`, `\t`, `\u0000`, "\u2028"} {
			assert.Contains(t, string(raw), want)
		}
		assert.Regexp(t, `\\u[dD]83[dD]\\u[dD][e-fE-F][0-9a-fA-F]{2}`, string(raw), "surrogate pair escape")
		assert.Regexp(t, `"\\u0069\\u0064":`, string(raw), "escaped member name")
		for _, form := range []string{`":-0.0,`, `":1E2,`, `":1e-7,`} {
			assert.Contains(t, string(raw), form)
		}
		assert.Regexp(t, `":[0-9]+\.[0-9]*0,"`, string(raw), "trailing-zero number")
		long, nonASCIIIDs, nonASCIIAccounts := 0, 0, map[string]bool{}
		for _, f := range fs {
			if len(f.str("description")) >= 20000 {
				long++
			}
			if !isASCII(f.str("id")) {
				nonASCIIIDs++
			}
			if !isASCII(f.str("aws_account_id")) {
				nonASCIIAccounts[f.str("aws_account_id")] = true
			}
		}
		assert.Positive(t, long, "strings of tens of KB")
		assert.Greater(t, nonASCIIIDs, 100)
		assert.Len(t, nonASCIIAccounts, 3)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
