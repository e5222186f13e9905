package anonymize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCollisionFailsLoudly(t *testing.T) {
	// With 1-hex-digit tokens, 40 distinct ids must collide.
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("[")
	for i := range 40 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"finding-%d"}`, i)
	}
	b.WriteString("]")
	in := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
	out := filepath.Join(dir, "out.json")
	_, err := File(in, out, Options{Key: []byte("k"), tokenHex: 1})
	var ce *CollisionError
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, KindID, ce.Kind)
	assert.Contains(t, err.Error(), "pseudonym collision in kind id")
	_, statErr := os.Stat(out)
	assert.True(t, os.IsNotExist(statErr), "no output on a collision")

	// The default width has none.
	_, err = File(in, out, Options{Key: []byte("k")})
	require.NoError(t, err)
}

func TestIPv4CollisionsAreProbed(t *testing.T) {
	p := newPseudonymizer([]byte("k"), false, false)
	seen := map[string]string{}
	for i := range 5000 {
		v := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		ps, err := p.get(KindIP, v)
		require.NoError(t, err)
		again, err := p.get(KindIP, v)
		require.NoError(t, err)
		require.Equal(t, ps, again, "consistent")
		if prev, ok := seen[ps]; ok {
			t.Fatalf("%s and %s both map to %s", prev, v, ps)
		}
		seen[ps] = v
	}
}

func TestAssignOrderedKeepsOrder(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       Kind
		values     []string
		structured bool // ARN structure kept
	}{
		{"accounts", KindAccount, []string{"100000000001", "999999999999", "123456789012", "123456789013"}, false},
		{"mixed-width accounts", KindAccount, []string{"12", "123456789012", "acct-x", "é"}, false},
		{"role arns", KindRole, []string{"arn:aws:iam::123456789012:role/b", "arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789013:role/a"}, true},
		{"ids mixing arns and plain", KindID, []string{"arn:aws:guardduty:us-east-1:123456789012:detector/x", "prowler-x", "0", "~"}, false},
		{"ids with non-ascii", KindID, []string{"Ａ", "😀", "é", "e\u0301", "z"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPseudonymizer([]byte("k"), true, false)
			for _, v := range tc.values {
				p.collect(tc.kind, v)
			}
			require.NoError(t, p.assignOrdered())
			sorted := slices.Clone(tc.values)
			slices.Sort(sorted)
			var ps []string
			for _, v := range sorted {
				s, err := p.get(tc.kind, v)
				require.NoError(t, err)
				ps = append(ps, s)
			}
			assert.True(t, slices.IsSorted(ps), "pseudonyms %q out of order", ps)
			assert.Len(t, slices.Compact(slices.Clone(ps)), len(ps), "pseudonyms not distinct")
			for _, s := range ps {
				assert.Equal(t, tc.structured, strings.HasPrefix(s, "arn:aws:iam::"), s)
			}
			if tc.kind == KindAccount && tc.name == "accounts" {
				for _, s := range ps {
					assert.Regexp(t, `^[1-9][0-9]{11}$`, s)
				}
			}
		})
	}
}

func TestLorem(t *testing.T) {
	a := newAnonymizer(Options{Key: []byte("k")})
	for _, s := range []string{"x", "ab", "Unprotected port 22 on EC2 instance i-0abc is being probed.", strings.Repeat("données ", 300)} {
		l := a.lorem(s)
		assert.Len(t, l, len(s))
		assert.Equal(t, l, a.lorem(s), "same text, same lorem")
		for _, c := range []byte(l) {
			assert.True(t, c >= 0x20 && c < 0x7f, "lorem is printable ASCII")
		}
		assert.NotContains(t, l, "port")
		assert.NotContains(t, l, "donn")
	}
	assert.NotEqual(t, a.lorem("alpha beta gamma"), a.lorem("alpha beta gammb"))
	assert.Equal(t, "", a.lorem(""))
}
