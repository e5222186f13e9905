package benchsizes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		env     string
		want    []int
		wantErr string
	}{
		{env: "", want: []int{200, 2000, 20000}},
		{env: "200000,1000000", want: []int{200000, 1000000}},
		{env: " 5 , 7 ", want: []int{5, 7}},
		{env: "200,x", wantErr: `"x" is not a positive number`},
		{env: "0", wantErr: `"0" is not a positive number`},
		{env: "20k,1M", want: []int{20000, 1000000}},
		{env: "200,200", wantErr: "size 200 given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(Env, tt.env)
			got, err := FromEnv()
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Contains(t, err.Error(), Env)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
