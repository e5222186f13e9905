package argval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSizes(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr string
	}{
		{"200,2000,20000", []int{200, 2000, 20000}, ""},
		{"20k, 1M,5K", []int{20000, 1000000, 5000}, ""},
		{"", nil, "no sizes"},
		{" , ", nil, "empty item"},
		{"200,,2000", nil, "empty item"},
		{"200,200", nil, "size 200 given twice"},
		{"200,0.2k", nil, "not a positive number"},
		{"2k,2000", nil, "size 2000 given twice"},
		{"0", nil, "not a positive number"},
		{"-5", nil, "not a positive number"},
		{"x", nil, "not a positive number"},
		{"11M", nil, "more than 10000000 findings"},
		{"99999999999999999999", nil, "not a positive number"},
		{"10M", []int{10000000}, ""},
	}
	for _, tt := range tests {
		got, err := Sizes(tt.in)
		if tt.wantErr != "" {
			require.Error(t, err, tt.in)
			assert.Contains(t, err.Error(), tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestSeeds(t *testing.T) {
	got, err := Seeds("1..3,7,9..10")
	require.NoError(t, err)
	assert.Equal(t, []uint64{1, 2, 3, 7, 9, 10}, got)
	for in, want := range map[string]string{
		"1,1":       "seed 1 given twice",
		"1..5,3":    "seed 3 given twice",
		"":          "no seeds",
		"5..1":      "not a seed or a range",
		"1..100000": "more than 10000 seeds",
		"x":         "not a seed",
	} {
		_, err := Seeds(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func TestInts(t *testing.T) {
	got, err := Ints("4, 2", 1, 16)
	require.NoError(t, err)
	assert.Equal(t, []int{4, 2}, got)
	_, err = Ints("4,4", 1, 16)
	assert.ErrorContains(t, err, "4 given twice")
	_, err = Ints("17", 1, 16)
	assert.ErrorContains(t, err, `"17" is not an integer in 1..16`)
	_, err = Ints("", 1, 16)
	assert.ErrorContains(t, err, "empty")
	assert.ErrorContains(t, Distinct([]string{"a", "b", "a"}), `"a" given twice`)
	assert.NoError(t, Distinct([]string{"a", "b"}))
	assert.EqualError(t, InRange("--count", 0, 1, 10), "--count 0: must be in 1..10")
}

func TestBool(t *testing.T) {
	for _, v := range []string{"1", "true", "TRUE", "yes", "on", "Y", " t "} {
		b, err := Bool("X", v, false)
		require.NoError(t, err, v)
		assert.True(t, b, v)
	}
	for _, v := range []string{"0", "false", "No", "off", "n", "F"} {
		b, err := Bool("X", v, true)
		require.NoError(t, err, v)
		assert.False(t, b, v)
	}
	b, err := Bool("X", "", true)
	require.NoError(t, err)
	assert.True(t, b)
	_, err = Bool("AEGIS_RUST_PATHS", "ture", false)
	assert.EqualError(t, err, `AEGIS_RUST_PATHS="ture": not a boolean (use true or false, 1 or 0, yes or no, on or off)`)
}

func TestList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{",", nil},
		{"go", []string{"go"}},
		{" go , rust-ffi,,exec:a b ", []string{"go", "rust-ffi", "exec:a b"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, List(tt.in), tt.in)
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"5%", 0.05, true},
		{" 0.05 ", 0.05, true},
		{"150%", 0, false},
		{"0", 0, false},
		{"1", 0, false},
		{"x%", 0, false},
	}
	for _, tt := range tests {
		w, err := Width(tt.in)
		if !tt.ok {
			assert.ErrorContains(t, err, "is not a width", tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.InDelta(t, tt.want, w, 1e-12, tt.in)
	}
}
