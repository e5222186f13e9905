//go:build !cgo || !rustffi

package aegispath

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStubReportsUnavailable(t *testing.T) {
	const want = "libaegispath not linked: built without cgo and the rustffi tag (make build)"
	assert.EqualError(t, Available(), want)

	_, err := AttackPaths([]byte(`[]`), 4, 20)
	assert.ErrorIs(t, err, ErrUnavailable)
	_, err = ListFindings([]byte(`[]`), []byte(`{}`))
	assert.ErrorIs(t, err, ErrUnavailable)
	_, err = Echo([]byte("x"))
	assert.ErrorIs(t, err, ErrUnavailable)
	assert.ErrorIs(t, Noop(), ErrUnavailable)
	assert.Equal(t, "", Version())
}
