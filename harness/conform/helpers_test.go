package conform

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
)

// fixedEngine answers every input with the same document or error.
type fixedEngine struct {
	name string
	out  []byte
	err  error
}

func (f fixedEngine) Name() string { return f.name }
func (f fixedEngine) AttackPaths(context.Context, []byte, engines.Options) ([]byte, error) {
	return f.out, f.err
}

// funcEngine computes its answer with fn.
type funcEngine struct {
	name string
	fn   func(input []byte, opt engines.Options) ([]byte, error)
}

func (f funcEngine) Name() string { return f.name }
func (f funcEngine) AttackPaths(_ context.Context, input []byte, opt engines.Options) ([]byte, error) {
	return f.fn(input, opt)
}

// injectEngine runs inner and passes its answer through mutate: the way
// the tests inject divergences into a real engine.
type injectEngine struct {
	name   string
	inner  engines.Engine
	mutate func(out []byte, err error) ([]byte, error)
}

func (e injectEngine) Name() string { return e.name }
func (e injectEngine) AttackPaths(ctx context.Context, input []byte, opt engines.Options) ([]byte, error) {
	out, err := e.inner.AttackPaths(ctx, input, opt)
	return e.mutate(out, err)
}

// countEngine is a toy engine: it answers {"findings": N, "ids": [...]}
// for a findings array, and an invalid_json error otherwise.
func countEngine(name string) funcEngine {
	return funcEngine{name: name, fn: func(input []byte, _ engines.Options) ([]byte, error) {
		var items []map[string]any
		if err := json.Unmarshal(input, &items); err != nil {
			return nil, engines.NewJSONError(err.Error())
		}
		ids := []any{}
		for _, it := range items {
			ids = append(ids, it["id"])
		}
		return json.Marshal(map[string]any{"findings": len(items), "ids": ids})
	}}
}

// testFindings builds a deterministic findings document of n findings
// with the 11 engine fields and a few others, dense enough in shared
// resources, roles and VPCs to make attack paths.
func testFindings(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	tactics := []string{"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
		"TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"}
	var b strings.Builder
	b.WriteString("[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		acct := fmt.Sprintf("1111111111%02d", rng.IntN(2))
		role := ""
		if rng.IntN(3) > 0 {
			role = fmt.Sprintf("arn:aws:iam::%s:role/app-%d", acct, rng.IntN(4))
		}
		vpc := ""
		if rng.IntN(4) > 0 {
			vpc = fmt.Sprintf("vpc-%04x", rng.IntN(3))
		}
		f := map[string]any{
			"schema_version":      "2018-10-08",
			"id":                  fmt.Sprintf("arn:aws:securityhub:finding/%06d", rng.IntN(1000000)*1000+i),
			"aws_account_id":      acct,
			"title":               fmt.Sprintf("Finding number %d with a long title", i),
			"region":              pick("us-east-1", "eu-west-1"),
			"types":               []string{"Software and Configuration Checks", "TTPs"},
			"severity_normalized": rng.IntN(101),
			"workflow_status":     pick("NEW", "NEW", "NOTIFIED", "RESOLVED"),
			"resource_id":         fmt.Sprintf("arn:aws:ec2:i-%03d", rng.IntN(max(1, n/4))),
			"vpc_id":              vpc,
			"network_exposure":    pick("INTERNET", "VPC", "PRIVATE", "NONE"),
			"iam_role_arn":        role,
			"data_classification": pick("NONE", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"),
			"epss_e5":             rng.IntN(100001),
			"mitre_tactic_id":     tactics[rng.IntN(len(tactics))],
			"open_ports":          []int{22, 443},
			"cvss_base_score":     7.5,
		}
		raw, err := json.Marshal(f)
		if err != nil {
			panic(err)
		}
		b.Write(raw)
	}
	b.WriteString("\n]\n")
	return []byte(b.String())
}

func optionsOf(maxDepth, topK int) engines.Options {
	return engines.Options{MaxDepth: maxDepth, TopK: topK}
}
