package numfmt

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGroupThousands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"-0", "-0"},
		{"7", "7"},
		{"999", "999"},
		{"1000", "1,000"},
		{"-1000", "-1,000"},
		{"12345", "12,345"},
		{"123456", "123,456"},
		{"1234567", "1,234,567"},
		{"-9223372036854775808", "-9,223,372,036,854,775,808"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, GroupThousands(tt.in), "GroupThousands(%q)", tt.in)
	}
}
