package generators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fieldOrder is SPEC section 6: the 56 fields of a finding, in order.
var fieldOrder = []string{
	"schema_version", "id", "product_arn", "product_name", "company_name", "generator_id",
	"aws_account_id", "aws_account_name", "region", "types", "first_observed_at",
	"last_observed_at", "created_at", "updated_at", "severity_label", "severity_normalized",
	"severity_product", "confidence", "criticality", "title", "description",
	"remediation_text", "remediation_url", "source_url", "compliance_status",
	"security_control_id", "related_requirements", "workflow_status", "record_state",
	"verification_state", "resource_id", "resource_type", "resource_name", "resource_partition",
	"resource_region", "resource_tags", "vpc_id", "subnet_id", "network_exposure", "public_ip",
	"open_ports", "iam_role_arn", "data_classification", "encrypted_at_rest",
	"vuln_id", "cvss_base_score", "cvss_vector", "epss_e5", "exploit_available",
	"fix_available", "package_name", "package_version", "mitre_tactic_id", "mitre_technique_id",
	"categories", "related_finding_ids",
}

// decoded is one finding as read back: member names in document order and
// values decoded with json.Number for numbers.
type decoded struct {
	keys []string
	v    map[string]any
}

func (d decoded) str(k string) string { return d.v[k].(string) }

func (d decoded) int(k string) int {
	n, err := d.v[k].(json.Number).Int64()
	if err != nil {
		panic(err)
	}
	return int(n)
}

func (d decoded) active() bool {
	s := d.str("workflow_status")
	return s == "NEW" || s == "NOTIFIED"
}

// decodeFindings parses a findings document token by token, keeping member
// order (which a map would lose).
func decodeFindings(t testing.TB, raw []byte) []decoded {
	t.Helper()
	if v, ok := decodedCache.Load(&raw[0]); ok {
		return v.([]decoded)
	}
	out := decodeFindingsUncached(t, raw)
	decodedCache.Store(&raw[0], out)
	return out
}

// decodedCache maps a generated document (by its first byte's address) to
// its decoded findings.
var decodedCache sync.Map

func decodeFindingsUncached(t testing.TB, raw []byte) []decoded {
	t.Helper()
	require.True(t, json.Valid(raw), "document is not valid JSON")
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('['), tok)
	var out []decoded
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		require.Equal(t, json.Delim('{'), tok, "finding %d is not an object", len(out))
		d := decoded{v: map[string]any{}}
		for dec.More() {
			k, err := dec.Token()
			require.NoError(t, err)
			var v any
			require.NoError(t, dec.Decode(&v))
			d.keys = append(d.keys, k.(string))
			d.v[k.(string)] = v
		}
		_, err = dec.Token() // '}'
		require.NoError(t, err)
		out = append(out, d)
	}
	_, err = dec.Token() // ']'
	require.NoError(t, err)
	_, err = dec.Token()
	require.ErrorIs(t, err, io.EOF, "data after the top-level array")
	return out
}

// generated caches documents so that tests sharing a dataset generate it
// once per test binary.
var generated sync.Map // key string -> []byte

func generate(t testing.TB, shape string, n int, seed uint64) []byte {
	t.Helper()
	key := fmt.Sprintf("%s/%d/%d", shape, n, seed)
	if v, ok := generated.Load(key); ok {
		return v.([]byte)
	}
	var b bytes.Buffer
	require.NoError(t, Generate(&b, Config{Findings: n, Seed: seed, Shape: shape}))
	generated.Store(key, b.Bytes())
	return b.Bytes()
}

// graph is the SPEC section 3 attack graph of a findings document, built
// from indexes by (account, resource), (account, role) and (account, VPC).
type graph struct {
	edges int
	adj   [][]int // by finding index
}

var stageOf = func() map[string]int {
	m := map[string]int{}
	for i, tc := range tactics {
		m[tc.id] = i + 1
	}
	return m
}()

func buildGraph(fs []decoded) graph {
	type node struct {
		account, resource, role, vpc string
		stage                        int
		reachable                    bool // exposure INTERNET or VPC
	}
	nodes := make([]node, len(fs))
	byResource, byRole, byVPC := map[[2]string][]int{}, map[[2]string][]int{}, map[[2]string][]int{}
	for i, f := range fs {
		if !f.active() {
			continue
		}
		exp := f.str("network_exposure")
		n := node{f.str("aws_account_id"), f.str("resource_id"), f.str("iam_role_arn"), f.str("vpc_id"),
			stageOf[f.str("mitre_tactic_id")], exp == "INTERNET" || exp == "VPC"}
		nodes[i] = n
		byResource[[2]string{n.account, n.resource}] = append(byResource[[2]string{n.account, n.resource}], i)
		if n.role != "" {
			byRole[[2]string{n.account, n.role}] = append(byRole[[2]string{n.account, n.role}], i)
		}
		if n.vpc != "" && n.reachable {
			byVPC[[2]string{n.account, n.vpc}] = append(byVPC[[2]string{n.account, n.vpc}], i)
		}
	}
	g := graph{adj: make([][]int, len(fs))}
	mark := make([]int, len(fs))
	for i, f := range fs {
		if !f.active() {
			continue
		}
		a := nodes[i]
		candidates := [][]int{byResource[[2]string{a.account, a.resource}]}
		if a.role != "" {
			candidates = append(candidates, byRole[[2]string{a.account, a.role}])
		}
		if a.vpc != "" {
			candidates = append(candidates, byVPC[[2]string{a.account, a.vpc}])
		}
		for _, c := range candidates {
			for _, j := range c {
				if j == i || mark[j] == i+1 || a.stage > nodes[j].stage {
					continue
				}
				mark[j] = i + 1
				g.adj[i] = append(g.adj[i], j)
				g.edges++
			}
		}
	}
	return g
}

func isEntry(f decoded) bool { return f.active() && f.str("network_exposure") == "INTERNET" }

func isTarget(f decoded) bool {
	c := f.str("data_classification")
	return f.active() && (c == "CONFIDENTIAL" || c == "RESTRICTED")
}

// pathLengths returns, for every (entry, target) pair with a path, the
// length of the shortest one (no depth limit), counted by length.
func pathLengths(fs []decoded, g graph) map[int]int {
	out := map[int]int{}
	dist := make([]int, len(fs))
	for e := range fs {
		if !isEntry(fs[e]) {
			continue
		}
		for i := range dist {
			dist[i] = -1
		}
		dist[e] = 0
		queue := []int{e}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for _, v := range g.adj[u] {
				if dist[v] < 0 {
					dist[v] = dist[u] + 1
					queue = append(queue, v)
				}
			}
		}
		for t := range fs {
			if t != e && dist[t] > 0 && isTarget(fs[t]) {
				out[dist[t]]++
			}
		}
	}
	return out
}

// countWriter discards its input and counts it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
