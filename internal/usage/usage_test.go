package usage

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIs(t *testing.T) {
	base := errors.New("base")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", base, false},
		{"usage", Errorf("--count %d: must be positive", 0), true},
		{"wrapped usage", fmt.Errorf("bench: %w", Errorf("x")), true},
		{"usage wrapping", Errorf("bench: %w", base), true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Is(tt.err), tt.name)
	}
	err := Errorf("bench: %w", base)
	assert.ErrorIs(t, err, base)
	assert.EqualError(t, err, "bench: base")
}
