package generators

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendJSONStringRoundTrips(t *testing.T) {
	inputs := append([]string{"", "plain", "arn:aws:iam::123456789012:role/x", advParagraph, "\x00\x01\x1f\x7f"}, advWords...)
	inputs = append(inputs, advIDBits...)
	for _, mode := range []escapeMode{escMinimal, escNonASCII, escAll, escSolidus} {
		for _, in := range inputs {
			raw := appendJSONString(nil, in, mode)
			var out string
			require.NoError(t, json.Unmarshal(raw, &out), "mode %d: %s", mode, raw)
			assert.Equal(t, in, out, "mode %d", mode)
			if mode == escNonASCII || mode == escAll {
				assert.True(t, isASCII(string(raw)), "mode %d left non-ASCII in %s", mode, raw)
			}
		}
	}
	assert.Equal(t, `"\uD83D\uDE00"`, string(appendJSONString(nil, "😀", escAll)))
	assert.Equal(t, `"\ud83d\ude00 \u00e9"`, string(appendJSONString(nil, "😀 é", escNonASCII)))
	assert.Equal(t, `"a\/b\"c\\d\n\u0000"`, string(appendJSONString(nil, "a/b\"c\\d\n\x00", escSolidus)))
}

func TestAppendDecimal(t *testing.T) {
	for _, tc := range []struct {
		d    decimal
		want string
	}{
		{decimal{75, 1}, "7.5"}, {decimal{80, 1}, "8.0"}, {decimal{0, 1}, "0.0"}, {decimal{100, 0}, "100"},
		{decimal{5, 2}, "0.05"}, {decimal{-15, 1}, "-1.5"}, {decimal{1000, 1}, "100.0"},
	} {
		assert.Equal(t, tc.want, string(appendDecimal(nil, tc.d)))
	}
}

func TestAppendOddNumberKeepsValue(t *testing.T) {
	r := newRNG(1, "test")
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		d := []decimal{{75, 1}, {0, 1}, {98, 0}, {100, 1}}[i%4]
		lit := string(appendOddNumber(nil, d, r))
		require.True(t, json.Valid([]byte(lit)), "%q is not a JSON number", lit)
		seen[lit] = true
		if lit == "1e-7" || lit == "1E2" {
			continue // deliberate odd values
		}
		got, ok := new(big.Rat).SetString(lit)
		require.True(t, ok, lit)
		assert.Equal(t, 0, got.Cmp(big.NewRat(d.mant, pow10(d.scale))), "%q != %v", lit, d)
	}
	for _, want := range []string{"7.50", "75e-1", "7.5E+0", "0.075E2", "-0.0", "1e-7", "1E2", "98e0"} {
		assert.True(t, seen[want], "form %s never produced", want)
	}
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

func TestAccountIDsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for k := 0; k < 20000; k++ {
		id := accountID(k, 0xdeadbeefcafe)
		require.Len(t, id, 12)
		require.False(t, seen[id], "account %d repeats %s", k, id)
		seen[id] = true
	}
}
