package rustengine

import (
	"context"
	"errors"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// requireFFI skips when this build has no FFI bridge (no rustffi tag).
func requireFFI(t *testing.T) engines.Engine {
	t.Helper()
	if err := aegispath.Available(); err != nil {
		t.Skipf("rust-ffi not in this build: %v (go test -tags rustffi after make build)", err)
	}
	return NewFFI()
}

// requireCLI returns the rust-cli engine. When the aegispath program is
// missing it fails in a rustffi build (which presumes make build) and
// skips otherwise.
func requireCLI(t *testing.T) engines.Engine {
	t.Helper()
	e, err := NewCLI()
	if err != nil {
		if aegispath.Available() == nil {
			t.Fatalf("rust-cli: %v", err)
		}
		t.Skipf("rust-cli: %v", err)
	}
	return e
}

// engineFor opens the engines under test, skipping or failing as
// requireFFI and requireCLI do.
var engineFor = map[string]func(*testing.T) engines.Engine{"rust-ffi": requireFFI, "rust-cli": requireCLI}

func TestVectors(t *testing.T) {
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vectors, err := datasets.LoadVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vectors, "no vectors under %s", dir)

	for _, name := range []string{"rust-ffi", "rust-cli"} {
		t.Run("engine="+name, func(t *testing.T) {
			e := engineFor[name](t)
			for _, v := range vectors {
				t.Run(v.Name, func(t *testing.T) {
					out, err := e.AttackPaths(context.Background(), v.Input, v.Options)
					checkVector(t, v, out, err)
				})
			}
		})
	}
}

func TestListVectors(t *testing.T) {
	dir, err := datasets.VectorsDir()
	require.NoError(t, err)
	vectors, err := datasets.LoadListVectors(dir)
	require.NoError(t, err)
	require.NotEmpty(t, vectors, "no list vectors under %s", dir)

	for _, name := range []string{"rust-ffi", "rust-cli"} {
		t.Run("engine="+name, func(t *testing.T) {
			lister, ok := engineFor[name](t).(engines.Lister)
			require.True(t, ok, "%s serves the list operation", name)
			for _, v := range vectors {
				t.Run(v.Name, func(t *testing.T) {
					out, err := lister.List(context.Background(), v.Input, v.Query)
					checkVector(t, v, out, err)
				})
			}
		})
	}
}

// checkVector compares an engine's result with the vector's expectation:
// the JCS canonical forms of the documents, or the code, index and field
// of the error.
func checkVector(t *testing.T, v datasets.Vector, out []byte, err error) {
	t.Helper()
	if v.ExpectedError != nil {
		want := (&engines.Error{Doc: *v.ExpectedError}).Key()
		var ee *engines.Error
		if !errors.As(err, &ee) {
			t.Fatalf("%s: want error %s, got output %.300s, err %v", v.Dir, want, out, err)
		}
		assert.Equal(t, want, ee.Key(), "%s: error document %s", v.Dir, ee.Raw)
		return
	}
	require.NoError(t, err, v.Dir)
	wantCanon, err := jcs.Transform(v.Expected)
	require.NoError(t, err, "%s: canonicalizing expected.json", v.Dir)
	gotCanon, err := jcs.Transform(out)
	require.NoError(t, err, "%s: canonicalizing the engine's output %.300s", v.Dir, out)
	assert.Equal(t, string(wantCanon), string(gotCanon), v.Dir)
}
