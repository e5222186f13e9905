package goengine

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// fx is a finding's engine fields for tests, in JSON form.
type fx struct {
	ID       string `json:"id"`
	Account  string `json:"aws_account_id"`
	Severity int    `json:"severity_normalized"`
	Status   string `json:"workflow_status"`
	Resource string `json:"resource_id"`
	VPC      string `json:"vpc_id"`
	Exposure string `json:"network_exposure"`
	Role     string `json:"iam_role_arn"`
	Class    string `json:"data_classification"`
	EPSS     int    `json:"epss_e5"`
	Tactic   string `json:"mitre_tactic_id"`
}

// base returns a lone active finding: no shared keys, not an entry, not a
// target, stage 3.
func base(id string) fx {
	return fx{ID: id, Account: "111111111111", Severity: 50, Status: "NEW", Resource: "res-" + id,
		Exposure: "PRIVATE", Class: "NONE", Tactic: "TA0001"}
}

// entry makes f an entry (INTERNET).
func (f fx) entry() fx { f.Exposure = "INTERNET"; return f }

// target makes f a target of class c.
func (f fx) target(c string) fx { f.Class = c; return f }

func (f fx) with(mod func(*fx)) fx { mod(&f); return f }

// doc encodes findings as a findings document.
func doc(t testing.TB, fs ...fx) []byte {
	t.Helper()
	if fs == nil {
		fs = []fx{}
	}
	b, err := json.Marshal(fs)
	require.NoError(t, err)
	return b
}

// compute runs Decode and Compute on fs and checks that ComputeNaive
// encodes to the same bytes.
func compute(t testing.TB, opt engines.Options, fs ...fx) *Result {
	t.Helper()
	decoded, err := Decode(doc(t, fs...))
	require.NoError(t, err)
	res, err := Compute(decoded, opt)
	require.NoError(t, err)
	naive, err := ComputeNaive(decoded, opt)
	require.NoError(t, err)
	require.Equal(t, string(Encode(naive)), string(Encode(res)), "naive and indexed engines disagree")
	return res
}

func opts(maxDepth, topK int) engines.Options {
	return engines.Options{MaxDepth: maxDepth, TopK: topK}
}

// engineError asserts err is an *engines.Error and returns its key parts.
func engineError(t testing.TB, err error) (code string, index int, field string) {
	t.Helper()
	require.Error(t, err)
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	index, field = -1, "<none>"
	if ee.Doc.Index != nil {
		index = *ee.Doc.Index
	}
	if ee.Doc.Field != nil {
		field = *ee.Doc.Field
	}
	return ee.Doc.Code, index, field
}

// pathSummary is a path's identity for assertions.
type pathSummary struct {
	IDs     []string
	Reasons []string
	Score   uint64
}

func summarize(a Account) []pathSummary {
	out := []pathSummary{}
	for _, p := range a.Paths {
		s := pathSummary{IDs: p.FindingIDs, Reasons: []string{}, Score: p.Score}
		for _, r := range p.Reasons {
			s.Reasons = append(s.Reasons, r.String())
		}
		out = append(out, s)
	}
	return out
}
