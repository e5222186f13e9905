package conformrun

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShellJoin(t *testing.T) {
	assert.Equal(t, `aegisbench conform --engines go,rust-ffi --case gen/realistic/n=200/seed=1/d=4/k=20`,
		shellJoin([]string{"aegisbench", "conform", "--engines", "go,rust-ffi", "--case", "gen/realistic/n=200/seed=1/d=4/k=20"}))
	assert.Equal(t, `'exec:./my engine --x' 'it'\''s'`, shellJoin([]string{"exec:./my engine --x", "it's"}))
}
