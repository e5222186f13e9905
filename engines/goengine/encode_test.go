package goengine

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestEncodeNumbers(t *testing.T) {
	p := Path{Rank: 1, EntryID: "e", TargetID: "t", Hops: 16, Score: 18446744073709551615,
		Likelihood: 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5,
		FindingIDs: []string{"e", "t"}, Reasons: []Reason{ReasonVPCReach}}
	out := string(appendPath(nil, &p))
	assert.Equal(t, `{"rank":1,"entry_id":"e","target_id":"t","hops":16,"score":18446744073709551615,"likelihood":7.62939453125e-06,"finding_ids":["e","t"],"reasons":["VPC_REACH"]}`, out)
	p.Likelihood = 1
	assert.Contains(t, string(appendPath(nil, &p)), `"likelihood":1,`)
}

// TestGolden pins the encoded output of a small hand-built input with
// every reason, ties, two accounts and an inactive-only account.
func TestGolden(t *testing.T) {
	var fs []fx
	for _, f := range tieFindings() {
		f.Account = "222222222222"
		fs = append(fs, f)
	}
	fs = append(fs,
		base("a").entry().with(func(f *fx) { f.EPSS = 97; f.VPC = "vpc-1" }),
		base("b").with(func(f *fx) { f.EPSS, f.VPC, f.Exposure, f.Role, f.Tactic = 36000, "vpc-1", "VPC", "role-x", "TA0002" }),
		base("c").target("RESTRICTED").with(func(f *fx) { f.EPSS, f.Severity, f.Role, f.Tactic = 500, 92, "role-x", "TA0004" }),
		base("z\"é").with(func(f *fx) { f.Account = "000"; f.Status = "SUPPRESSED" }),
	)
	for _, tt := range []struct {
		name string
		opt  engines.Options
	}{{"example-default", engines.DefaultOptions()}, {"example-top1-depth1", opts(1, 1)}} {
		t.Run(tt.name, func(t *testing.T) {
			out := Encode(compute(t, tt.opt, fs...))
			require.True(t, json.Valid(out))
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(path, append(out, '\n'), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create the golden file")
			assert.Equal(t, string(want), string(out)+"\n")
		})
	}
}
