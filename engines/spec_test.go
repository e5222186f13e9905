package engines

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    Spec
		wantErr string
	}{
		{in: "go", want: Spec{Text: "go", Kind: "go", Label: "go"}},
		{in: " rust-ffi ", want: Spec{Text: "rust-ffi", Kind: "rust-ffi", Label: "rust-ffi"}},
		{in: "ffi:base/libaegispath.so", want: Spec{Text: "ffi:base/libaegispath.so", Kind: "ffi", Arg: "base/libaegispath.so", Label: "ffi-base_libaegispath.so"}},
		{in: "exec:python3 My Engine.py", want: Spec{Text: "exec:python3 My Engine.py", Kind: "exec", Arg: "python3 My Engine.py", Label: "exec-python3_my_engine.py"}},
		{in: "exec:prog --flag=x", want: Spec{Text: "exec:prog --flag=x", Kind: "exec", Arg: "prog --flag=x", Label: "exec-prog_--flag_x"}},
		{in: "rust-ffi=ffi:/tmp/b/libaegispath.so", want: Spec{Text: "ffi:/tmp/b/libaegispath.so", Kind: "ffi", Arg: "/tmp/b/libaegispath.so", Label: "rust-ffi", Labelled: true}},
		{in: "head=go", want: Spec{Text: "go", Kind: "go", Label: "head", Labelled: true}},
		{in: "Base=go", wantErr: `label "Base" must be lower-case`},
		{in: "x=", wantErr: "empty engine name"},
		{in: "", wantErr: "empty engine name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSpec(tt.in)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			back, err := ParseSpec(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String parses back")
		})
	}
}

func TestParseSpecs(t *testing.T) {
	got, err := ParseSpecs("go, ffi:a/lib.so,ffi:b/lib.so,")
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"go", "ffi-a_lib.so", "ffi-b_lib.so"}, []string{got[0].Label, got[1].Label, got[2].Label})

	_, err = ParseSpecs("ffi:a/lib.so,ffi:a_lib.so")
	assert.ErrorContains(t, err, `have the same label "ffi-a_lib.so": name them LABEL=ENGINE`)
	_, err = ParseSpecs(" , ")
	assert.ErrorContains(t, err, "no engines given")
}
